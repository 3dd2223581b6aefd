"""Two officials act on one demand at the same moment, on two real PostgreSQL connections: exactly one
wins, the other is told someone else changed it, and nothing is lost or done twice."""

import pytest
from django.db import connection

from massline.cases.choices import AssignmentStatus, CaseStatus, EventKind
from massline.cases.errors import ConcurrentUpdate
from massline.cases.models import Assignment, Case, CaseEvent
from massline.cases.services import handling as h
from massline.lib.testing import race

from . import handling_fixtures
from .handling_fixtures import MONDAY, make_case

world = handling_fixtures.world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real PostgreSQL connections"),
    pytest.mark.django_db(transaction=True),
]


def test_two_officers_signing_at_once_one_wins(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs two real PostgreSQL connections")
    case = make_case(world)
    h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)

    def sign(user):
        def action(barrier):
            mine = Case.objects.get(pk=case.pk)
            barrier.wait()
            h.case_sign(case=mine, unit=world.org.unit_a, by=user, at=MONDAY)

        return action

    outcomes = race(sign(world.officer_a), sign(world.head_a))
    assert sorted(type(o).__name__ if isinstance(o, Exception) else o for o in outcomes) == [
        "ConcurrentUpdate",
        "ok",
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert CaseEvent.objects.filter(case=case, kind=EventKind.SIGNED).count() == 1
    assert Assignment.objects.get(case=case).status == AssignmentStatus.SIGNED
    assert case.handler in (world.officer_a, world.head_a)


def test_two_dispatchers_dispatching_at_once_create_one_assignment(world, make_official):
    if connection.vendor != "postgresql":
        pytest.skip("needs two real PostgreSQL connections")
    from massline.org.choices import Role

    second = make_official("dispatcher_2", Role.DISPATCHER, unit=world.org.centre)
    case = make_case(world)

    def dispatch(user, unit):
        def action(barrier):
            mine = Case.objects.get(pk=case.pk)
            barrier.wait()
            h.case_dispatch(case=mine, lead_unit=unit, by=user, at=MONDAY)

        return action

    outcomes = race(dispatch(world.dispatcher, world.org.unit_a), dispatch(second, world.org.unit_b))
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ConcurrentUpdate)
    assert outcomes.count("ok") == 1
    assert Assignment.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.lead_unit == Assignment.objects.get(case=case).unit
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DISPATCHED).count() == 1
