"""Every persona on every staff page of the org app (and on the admin pages of its models)."""

import pytest
from django.urls import reverse

from massline.org.testing import OFFICIALS, PERSONAS

NON_OFFICIALS = ("citizen", "outsider")


def expected_unit_detail(persona, visible_to):
    if persona == "anonymous":
        return 302
    if persona in NON_OFFICIALS:
        return 403
    return 200 if persona in visible_to else 404


# Who may open each unit's page (its scope, from massline/org/testing.py).
UNIT_A_VIEWERS = {"officer_a", "unit_head_a", "supervisor", "inspector", "admin_user"}
UNIT_B_VIEWERS = {"officer_b", "inspector", "admin_user"}
CENTRE_VIEWERS = {"dispatcher", "inspector", "admin_user"}
TOWNSHIP_GOV_VIEWERS = {"supervisor", "inspector", "admin_user"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_list_answers_each_persona(persona, client_for, org):
    response = client_for(persona).get(reverse("org:unit_list"))
    expected = 302 if persona == "anonymous" else 403 if persona in NON_OFFICIALS else 200
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("web:login"))
        assert "next=" in response["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("unit_attr", "viewers"),
    [
        ("unit_a", UNIT_A_VIEWERS),
        ("unit_b", UNIT_B_VIEWERS),
        ("centre", CENTRE_VIEWERS),
        ("township_gov_1", TOWNSHIP_GOV_VIEWERS),
    ],
)
def test_unit_detail_answers_each_persona(persona, unit_attr, viewers, client_for, org):
    unit = getattr(org, unit_attr)
    response = client_for(persona).get(reverse("org:unit_detail", args=[unit.code]))
    assert response.status_code == expected_unit_detail(persona, viewers)


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_unknown_unit_looks_like_one_outside_scope(persona, client_for, org):
    response = client_for(persona).get(reverse("org:unit_detail", args=["no-such-unit"]))
    assert response.status_code == expected_unit_detail(persona, visible_to=set())


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("officer_a", {"unit-a"}, {"unit-b", "centre", "gov-t1"}),
        ("officer_b", {"unit-b"}, {"unit-a", "centre", "gov-t1"}),
        ("dispatcher", {"centre"}, {"unit-a", "unit-b", "gov-t1"}),
        ("supervisor", {"unit-a", "gov-t1"}, {"unit-b", "centre"}),
        ("inspector", {"unit-a", "unit-b", "centre", "gov-t1"}, set()),
        ("admin_user", {"unit-a", "unit-b", "centre", "gov-t1"}, set()),
    ],
)
def test_the_unit_list_shows_only_units_in_scope(persona, shown, hidden, client_for, org):
    response = client_for(persona).get(reverse("org:unit_list"))
    codes = {unit.code for unit in response.context["units"]}
    assert codes == shown
    html = response.content.decode()
    for code in hidden:
        assert reverse("org:unit_detail", args=[code]) not in html


def test_the_unit_page_shows_members_roles_and_regions(client_for, officer_a, unit_head_a, org):
    response = client_for("officer_a").get(reverse("org:unit_detail", args=["unit-a"]))
    html = response.content.decode()
    assert "officer_a" in html and "unit_head_a" in html
    assert [m.user.username for m in response.context["members"]] == ["officer_a", "unit_head_a"]
    assert [r.code for r in response.context["regions"]] == ["c0-t1"]


def test_the_unit_list_counts_members_and_regions_without_multiplying(
    client_for, officer_a, unit_head_a, org
):
    org.unit_a.regions.add(org.village_1, org.grid_1)
    response = client_for("supervisor").get(reverse("org:unit_list"))
    unit_a = next(unit for unit in response.context["units"] if unit.code == "unit-a")
    assert (unit_a.member_count, unit_a.region_count) == (2, 3)


def test_the_unit_list_query_count_does_not_grow_with_units(client_for, admin_user, org, officer_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from massline.org import services

    client = client_for(admin_user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("org:unit_list")).status_code == 200
        return len(captured)

    queries()  # the first request warms per-process caches (the working calendar)
    before = queries()
    for index in range(10):
        services.unit_create(
            code=f"extra-{index}", name=f"局{index}", kind="department", regions=[org.township_1], by=None
        )
    assert queries() == before


def test_a_refused_citizen_is_told_why(client_for, citizen):
    response = client_for("citizen").get(reverse("org:unit_list"))
    assert response.status_code == 403
    assert "administrator" in response.content.decode() or "管理员" in response.content.decode()


def test_a_deactivated_official_is_signed_out(client_for, officer_a):
    client = client_for(officer_a)
    officer_a.is_active = False
    officer_a.save()
    assert client.get(reverse("org:unit_list")).status_code == 302


ADMIN_PAGES = [
    "admin:org_region_changelist",
    "admin:org_region_add",
    "admin:org_region_import",
    "admin:org_unit_changelist",
    "admin:org_unit_add",
    "admin:org_unit_import",
    "admin:org_membership_changelist",
    "admin:org_membership_add",
    "admin:org_user_changelist",
    "admin:org_user_add",
    "admin:org_citizen_changelist",
    "admin:org_citizen_add",
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_only_the_administrator_enters_the_admin(persona, page, client_for, org):
    response = client_for(persona).get(reverse(page))
    if persona == "admin_user":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_officials_listed_in_testing_match_the_pages():
    # The matrix above relies on this split; a new persona must be placed on one side.
    assert set(OFFICIALS) | set(NON_OFFICIALS) | {"anonymous"} == set(PERSONAS)
