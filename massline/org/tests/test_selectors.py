"""The scope rule: who sees which units and regions."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from massline.org import selectors, services
from massline.org.choices import Role


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


@pytest.mark.parametrize(
    ("persona", "units"),
    [
        ("citizen", []),
        ("outsider", []),
        ("officer_a", ["unit-a"]),
        ("officer_b", ["unit-b"]),
        ("unit_head_a", ["unit-a"]),
        ("dispatcher", ["centre"]),
        ("supervisor", ["gov-t1", "unit-a"]),
        ("inspector", ["centre", "gov-t1", "unit-a", "unit-b"]),
        ("admin_user", ["centre", "gov-t1", "unit-a", "unit-b"]),
    ],
)
def test_each_persona_sees_the_units_of_its_scope(persona, units, request):
    user = request.getfixturevalue(persona)
    assert codes(selectors.units_visible_to(user)) == units


@pytest.mark.parametrize(
    ("persona", "regions"),
    [
        ("outsider", []),
        ("officer_a", ["c0-t1"]),
        ("supervisor", ["c0-t1", "c0-t1-v1", "c0-t1-v1-g1"]),
        ("inspector", ["c0", "c0-t1", "c0-t1-v1", "c0-t1-v1-g1", "c0-t2", "c0-t2-v1", "c0-t2-v1-g1"]),
    ],
)
def test_each_persona_sees_the_regions_of_its_jurisdiction(persona, regions, request):
    user = request.getfixturevalue(persona)
    assert codes(selectors.regions_visible_to(user)) == regions


def test_an_officer_sees_the_sub_units_of_their_unit(officer_a, org):
    office = services.unit_create(
        code="unit-a-office", name="甲局办公室", kind="office", parent=org.unit_a, by=None
    )
    assert codes(selectors.units_visible_to(officer_a)) == ["unit-a", "unit-a-office"]
    assert list(selectors.unit_children_for_user(user=officer_a, unit=org.unit_a)) == [office]


def test_a_supervisor_sees_a_unit_serving_only_a_grid_of_their_township(supervisor, org):
    services.unit_create(code="grid-team", name="网格队", kind="office", regions=[org.grid_1], by=None)
    services.unit_create(code="grid-team-2", name="网格二队", kind="office", regions=[org.grid_2], by=None)
    visible = codes(selectors.units_visible_to(supervisor))
    assert "grid-team" in visible
    assert "grid-team-2" not in visible


def test_anonymous_and_inactive_users_see_nothing(officer_a):
    assert selectors.user_scope(AnonymousUser()) is selectors.NOBODY
    officer_a.is_active = False
    assert selectors.user_scope(officer_a) is selectors.NOBODY
    assert codes(selectors.units_visible_to(None)) == []


def test_an_officer_of_an_inactive_unit_loses_its_scope(officer_a, org):
    services.unit_update(unit=org.unit_a, changes={"is_active": False}, by=None)
    officer_a.refresh_from_db()
    assert codes(selectors.units_visible_to(officer_a)) == []


def test_unit_get_for_user_returns_404_outside_scope(officer_a, org):
    assert selectors.unit_get_for_user(user=officer_a, code="unit-a") == org.unit_a
    with pytest.raises(Http404):
        selectors.unit_get_for_user(user=officer_a, code="unit-b")


def test_a_superuser_without_a_role_sees_everything(make_official, org):
    root = make_official("root")
    root.is_superuser = True
    root.save()
    scope = selectors.user_scope(root)
    assert scope.everything and scope.is_official
    assert codes(selectors.units_visible_to(root)) == ["centre", "gov-t1", "unit-a", "unit-b"]


def test_has_role_names_the_roles_held(supervisor, admin_user, officer_a):
    assert selectors.user_scope(supervisor).has_role(Role.SUPERVISOR)
    assert not selectors.user_scope(officer_a).has_role(Role.SUPERVISOR, Role.DISPATCHER)
    # The administrator may act in every role.
    assert selectors.user_scope(admin_user).has_role(Role.DISCIPLINE_INSPECTOR)


def test_the_scope_is_cached_per_user_object_and_refreshed_by_a_grant(officer_a, org):
    assert codes(selectors.units_visible_to(officer_a)) == ["unit-a"]
    services.membership_grant(user=officer_a, role=Role.HANDLER, unit=org.unit_b, by=None)
    assert codes(selectors.units_visible_to(officer_a)) == ["unit-a", "unit-b"]


def test_the_scope_query_count_does_not_grow_with_units(officer_a, org, django_assert_num_queries):
    selectors.user_scope(officer_a)
    with django_assert_num_queries(1):
        list(selectors.unit_list_for_user(user=officer_a))
