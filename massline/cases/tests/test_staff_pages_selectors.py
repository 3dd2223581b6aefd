"""The staff reads: who sees which demand, the supervisor's lists (overdue, reopened / unsatisfied twice,
repeated from the same place about the same problem)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from massline.cases import selectors as s
from massline.cases.models import Case, Category
from massline.cases.services import handling as h

from . import handling_fixtures
from .handling_fixtures import MONDAY, make_case

world = handling_fixtures.world

pytestmark = pytest.mark.django_db


def visible(user):
    return set(s.cases_for_user(user).values_list("pk", flat=True))


def test_each_official_sees_their_scope(world, inspector, outsider, citizen):
    in_a = make_case(world, region=world.org.grid_1)
    in_b = make_case(world, region=world.org.grid_2)
    nowhere = make_case(world, region=None)
    Case.objects.filter(pk=nowhere.pk).update(region=None)
    h.case_dispatch(case=in_a, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    h.case_dispatch(case=in_b, lead_unit=world.org.unit_b, by=world.dispatcher, at=MONDAY)
    assert visible(world.officer_a) == {in_a.pk}
    assert visible(world.officer_b) == {in_b.pk}
    assert visible(world.dispatcher) == {in_a.pk, in_b.pk, nowhere.pk}
    assert visible(world.supervisor) == {in_a.pk}
    assert visible(inspector) == {in_a.pk, in_b.pk}
    assert visible(outsider) == visible(citizen) == set()


def test_a_unit_that_returned_a_demand_still_sees_it_but_not_in_its_queue(world):
    case = make_case(world)
    h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    h.case_return(
        case=case, unit=world.org.unit_a, reason="not_our_area", note="不在辖区", by=world.officer_a
    )
    assert case.pk in visible(world.officer_a)
    assert list(s.unit_queue(user=world.officer_a).object_list) == []


def test_repeated_demands_group_by_category_and_place(world):
    other = Category.objects.create(code="water", name="供水")
    near = {"lat": Decimal("28.200000"), "lon": Decimal("112.900000")}
    a = make_case(world, region=world.org.grid_1, received_at=MONDAY)
    b = make_case(world, region=world.org.grid_1, received_at=MONDAY + timedelta(days=3))
    c = make_case(world, region=world.org.grid_2, received_at=MONDAY, **near)
    d = make_case(
        world, region=world.org.village_2, received_at=MONDAY, lat=Decimal("28.200500"), lon=near["lon"]
    )
    make_case(world, region=world.org.grid_1, category=other, received_at=MONDAY)  # another problem
    make_case(
        world, region=world.org.township_2, received_at=MONDAY, lat=Decimal("28.3"), lon=near["lon"]
    )  # far
    make_case(world, region=world.org.grid_1, received_at=MONDAY - timedelta(days=40))  # too old
    groups = s.repeated_demands(user=world.dispatcher, now=MONDAY + timedelta(days=4))
    assert sorted(sorted(x.pk for x in g) for g in groups) == sorted(
        [sorted([a.pk, b.pk]), sorted([c.pk, d.pk])]
    )


def test_the_unsatisfied_list_holds_reopened_and_twice_unsatisfied(world):
    once = make_case(world)
    reopened = make_case(world)
    twice = make_case(world)
    Case.objects.filter(pk=once.pk).update(unsatisfied_count=1)
    Case.objects.filter(pk=reopened.pk).update(reopen_count=1, unsatisfied_count=1)
    Case.objects.filter(pk=twice.pk).update(unsatisfied_count=2)
    assert {c.pk for c in s.supervisor_unsatisfied(user=world.supervisor)} == {reopened.pk, twice.pk}
