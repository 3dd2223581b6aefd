"""Duplicates and handling threads: linking to an earlier demand, merging new demands into one thread
whose reply reaches every citizen, each rating on their own."""

from datetime import timedelta

import pytest

from massline.cases.choices import CaseStatus, EventKind, Satisfaction
from massline.cases.errors import InvalidTransition
from massline.cases.models import Case
from massline.cases.services import handling as h
from massline.cases.services import merge as m
from massline.cases.services import visit as v
from massline.lib.errors import DomainError, PermissionDenied

from . import handling_fixtures
from .handling_fixtures import MONDAY, make_case

world = handling_fixtures.world

pytestmark = pytest.mark.django_db


def test_a_later_demand_links_to_an_earlier_one(world):
    first = make_case(world, received_at=MONDAY)
    later = make_case(world, received_at=MONDAY + timedelta(hours=2))
    with pytest.raises(DomainError):
        m.case_link_duplicate(case=first, original=later, by=world.dispatcher)
    with pytest.raises(DomainError):
        m.case_link_duplicate(case=first, original=first, by=world.dispatcher)
    with pytest.raises(PermissionDenied):
        m.case_link_duplicate(case=later, original=first, by=world.officer_b)
    m.case_link_duplicate(case=later, original=first, by=world.dispatcher, note="同一路灯")
    later.refresh_from_db()
    assert later.duplicate_of == first and later.events.filter(kind=EventKind.LINKED).exists()
    with pytest.raises(InvalidTransition):
        m.case_link_duplicate(case=later, original=first, by=world.dispatcher)


def test_merged_demands_get_the_reply_and_rate_separately(world):
    lead = make_case(world)
    members = [make_case(world, received_at=MONDAY + timedelta(minutes=10 * i)) for i in (1, 2)]
    with pytest.raises(PermissionDenied):
        m.case_merge(lead=lead, members=members, by=world.officer_a)
    m.case_merge(lead=lead, members=members, by=world.dispatcher, note="同一故障")
    for member in members:
        member.refresh_from_db()
        assert member.thread == lead
    with pytest.raises(InvalidTransition):  # a member follows its thread: it is not dispatched on its own
        h.case_dispatch(case=members[0], lead_unit=world.org.unit_b, by=world.dispatcher)
    h.case_dispatch(case=lead, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    h.case_sign(case=lead, unit=world.org.unit_a, by=world.officer_a, at=MONDAY)
    h.case_reply(
        case=lead, text="线路已修复，三处路灯恢复。", by=world.officer_a, at=MONDAY + timedelta(days=1)
    )
    for member in members:
        member.refresh_from_db()
        assert member.status == CaseStatus.REPLIED and member.reply == "线路已修复，三处路灯恢复。"
        assert member.lead_unit == world.org.unit_a
    v.case_rate(case=members[0], resolved=True, satisfaction=Satisfaction.SATISFIED)
    v.case_rate(case=members[1], resolved=False, satisfaction=Satisfaction.UNSATISFIED)
    lead.refresh_from_db()
    a, b = (Case.objects.get(pk=x.pk) for x in members)
    assert lead.status == CaseStatus.REPLIED and lead.satisfaction == ""
    assert a.status == CaseStatus.CLOSED and a.satisfaction == Satisfaction.SATISFIED
    # The unsatisfied citizen's demand is reopened on its own, with the same unit.
    assert b.status == CaseStatus.IN_PROGRESS and b.thread is None and b.lead_unit == world.org.unit_a
    h.case_reply(case=b, text="再次检修", by=world.officer_a)


def test_only_new_demands_join_a_thread(world):
    lead = make_case(world)
    busy = make_case(world)
    h.case_dispatch(case=busy, lead_unit=world.org.unit_b, by=world.dispatcher, at=MONDAY)
    with pytest.raises(InvalidTransition):
        m.case_merge(lead=lead, members=[busy], by=world.dispatcher)
    with pytest.raises(DomainError):
        m.case_merge(lead=lead, members=[lead], by=world.dispatcher)
