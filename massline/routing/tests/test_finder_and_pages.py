"""The duplicate finder on live demands (place index, window, scope), repeated demands in linear time, and
the pages: routing admin per persona, suggestions and duplicates on the staff panel, the intake desk's
partial, the public form's "may already be reported"."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from massline.cases import selectors as case_selectors
from massline.cases.models import Case, Category
from massline.cases.tests.handling_fixtures import MONDAY, make_case
from massline.routing import selectors, services
from massline.routing.choices import Target
from massline.routing.finder import find_similar

pytestmark = pytest.mark.django_db
HERE = {"lat": Decimal("28.200000"), "lon": Decimal("112.900000")}


def test_the_finder_ranks_the_same_problem_nearby_first_and_skips_far_and_old(world):
    same = make_case(world, title="幸福路井盖丢了", received_at=MONDAY, **HERE)
    other = make_case(world, title="路灯不亮", received_at=MONDAY, lat=Decimal("28.200300"), lon=HERE["lon"])
    make_case(world, title="幸福路井盖丢了", received_at=MONDAY, lat=Decimal("28.300000"), lon=HERE["lon"])
    make_case(world, title="幸福路井盖丢了", received_at=MONDAY - timedelta(days=60), **HERE)
    assert services.place_index_update() == 4
    late = make_case(world, title="幸福路的井盖丢了没人管", received_at=MONDAY + timedelta(hours=1), **HERE)
    found = find_similar(
        title="幸福路井盖丢了",
        description="小区门口的路灯坏了一个星期。",
        lat=28.20001,
        lon=112.90001,
        now=MONDAY + timedelta(hours=2),
        min_score=0,
    )
    ids = [row["pk"] for _s, row, _d in found]
    assert set(ids) == {same.pk, other.pk, late.pk}  # the not-yet-indexed one too
    assert ids.index(same.pk) < ids.index(other.pk)


def test_demands_without_coordinates_are_found_by_region(world):
    earlier = make_case(world, title="垃圾没人清运", received_at=MONDAY)
    services.place_index_update()
    found = find_similar(
        title="垃圾没人清运",
        description="",
        region_id=world.org.grid_1.pk,
        now=MONDAY + timedelta(days=1),
        min_score=0,
    )
    assert [row["pk"] for _s, row, _d in found] == [earlier.pk]


def test_routing_groups_repeated_demands_as_the_cases_rule_does(world):
    other = Category.objects.create(code="water", name="供水")
    a = make_case(world, region=world.org.grid_1, received_at=MONDAY)
    b = make_case(world, region=world.org.grid_1, received_at=MONDAY + timedelta(days=3))
    c = make_case(world, region=world.org.grid_2, received_at=MONDAY, **HERE)
    d = make_case(
        world, region=world.org.village_2, received_at=MONDAY, lat=Decimal("28.200500"), lon=HERE["lon"]
    )
    make_case(world, region=world.org.grid_1, category=other, received_at=MONDAY)
    make_case(world, region=world.org.township_2, received_at=MONDAY, lat=Decimal("28.3"), lon=HERE["lon"])
    make_case(world, region=world.org.grid_1, received_at=MONDAY - timedelta(days=40))
    now = MONDAY + timedelta(days=4)
    ours = selectors.repeated_demands(user=world.dispatcher, now=now)
    theirs = case_selectors.repeated_demands(user=world.dispatcher, now=now)
    as_sets = lambda groups: sorted(sorted(x.pk for x in g) for g in groups)  # noqa: E731
    assert as_sets(ours) == as_sets(theirs) == sorted([sorted([a.pk, b.pk]), sorted([c.pk, d.pk])])


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("outsider", 403), ("officer_a", 403), ("dispatcher", 200), ("admin_user", 200)],
)
def test_the_routing_page_is_for_administrators_and_dispatchers(world, client_for, persona, status):
    response = client_for(persona).get(reverse("routing:admin"))
    assert response.status_code == status
    if status == 200:
        assert 'data-testid="no-model"' in response.content.decode()


def test_the_admin_page_shows_per_category_figures_and_refuses_an_uncleared_threshold(history, client_for):
    services.model_train(target=Target.CATEGORY)
    admin = client_for("admin_user")
    page = admin.get(reverse("routing:admin")).content.decode()
    assert 'data-testid="per-category"' in page and "路灯" in page
    url = reverse("routing:threshold_set", args=[history.category.pk])
    refused = admin.post(url, {f"c{history.category.pk}-threshold": "0.6"})
    assert refused.status_code == 400 and "errorlist" in refused.content.decode()
    bad = admin.post(url, {f"c{history.category.pk}-threshold": "abc"})
    assert bad.status_code == 400
    with override_settings(MASSLINE_ROUTING_THRESHOLD_MIN_SUPPORT=3):
        assert admin.post(url, {f"c{history.category.pk}-threshold": "0.5"}).status_code == 302
    assert client_for("dispatcher").post(url, {f"c{history.category.pk}-threshold": "0.5"}).status_code == 403


def test_the_dispatcher_sees_suggestions_and_duplicates_with_the_unit_preselected(history, client_for):
    services.model_train(target=Target.CATEGORY)
    services.model_train(target=Target.UNIT)
    earlier = make_case(history, title="工地噪音吵得睡不着", received_at=MONDAY, **HERE)
    services.place_index_update()
    case = make_case(history, title="工地噪音吵得睡不着觉", received_at=MONDAY + timedelta(hours=2), **HERE)
    page = client_for("dispatcher").get(reverse("cases_staff:detail", args=[case.pk])).content.decode()
    assert 'data-testid="routing-suggestions"' in page and "噪音" in page
    assert 'data-testid="possible-duplicates"' in page and earlier.tracking_code in page
    assert f'<option value="{history.org.unit_b.pk}" selected>' in page


def test_an_officer_of_a_unit_sees_no_suggestions(history, client_for):
    services.model_train(target=Target.CATEGORY)
    case = make_case(history, title="路灯不亮")
    Case.objects.filter(pk=case.pk).update(lead_unit=history.org.unit_a, first_unit=history.org.unit_a)
    from massline.cases.services import handling

    handling.case_dispatch(case=case, lead_unit=history.org.unit_a, by=history.dispatcher, at=MONDAY)
    page = client_for("officer_a").get(reverse("cases_staff:detail", args=[case.pk])).content.decode()
    assert "routing-suggestions" not in page


def test_the_intake_desk_partial_suggests_categories_and_earlier_demands(history, client_for, make_official):
    services.model_train(target=Target.CATEGORY)
    earlier = make_case(history, title="小区停水三天", received_at=MONDAY, **HERE)
    services.place_index_update()
    url = reverse("cases_intake:suggest")
    with override_settings(MASSLINE_ROUTING_DUPLICATE_DAYS=10_000):
        page = (
            client_for("dispatcher")
            .get(url, {"title": "小区停水三天了", "lat": "28.2", "lon": "112.9"})
            .content.decode()
        )
    assert "供水" in page and earlier.tracking_code in page
    assert (
        "intake-category-suggestions"
        not in client_for("dispatcher").get(url, {"title": "x"}).content.decode()
    )
    assert client_for("outsider").get(url, {"title": "小区停水"}).status_code == 403


def test_the_public_form_says_it_may_already_be_reported_without_personal_data(world, client):
    earlier = make_case(world, title="幸福路井盖丢了 13800001111", received_at=MONDAY, is_public=True, **HERE)
    make_case(world, title="幸福路井盖丢了", received_at=MONDAY, is_public=False, **HERE)
    services.place_index_update()
    with override_settings(MASSLINE_ROUTING_DUPLICATE_DAYS=10_000):
        page = client.get(
            reverse("cases_public:similar"), {"title": "幸福路井盖丢了", "lat": "28.2", "lon": "112.9"}
        )
    html = page.content.decode()
    assert page.status_code == 200 and "may-already-be-reported" in html
    assert reverse("cases_public:detail", args=[earlier.pk]) in html
    assert "13800001111" not in html and html.count("<li>") == 1
    with override_settings(MASSLINE_ROUTING_ENABLED=False, MASSLINE_ROUTING_DUPLICATE_DAYS=10_000):
        off = client.get(
            reverse("cases_public:similar"), {"title": "幸福路井盖丢了", "lat": "28.2", "lon": "112.9"}
        )
    assert "may-already-be-reported" not in off.content.decode()


def test_the_api_gives_the_suggestions_and_duplicates_of_a_demand(history, client, officer_a):
    from massline.api.auth import token_create

    services.model_train(target=Target.CATEGORY)
    services.model_train(target=Target.UNIT)
    earlier = make_case(history, title="小区停水三天", received_at=MONDAY, **HERE)
    services.place_index_update()
    case = make_case(history, title="小区停水三天了", received_at=MONDAY + timedelta(hours=1), **HERE)
    _token, raw = token_create(user=history.dispatcher, name="tests")
    response = client.get(
        f"/api/v1/staff/demands/{case.pk}/suggestions", headers={"Authorization": f"Bearer {raw}"}
    )
    body = response.json()
    assert response.status_code == 200 and body["trained"] is True
    assert body["categories"][0]["code"] == "water" and len(body["units"]) == 3
    assert 0 < body["categories"][0]["confidence"] <= 1
    assert earlier.tracking_code in [d["tracking_code"] for d in body["duplicates"]]
    _token, other = token_create(user=officer_a, name="tests")
    outside = client.get(
        f"/api/v1/staff/demands/{case.pk}/suggestions", headers={"Authorization": f"Bearer {other}"}
    )
    assert outside.status_code == 404
