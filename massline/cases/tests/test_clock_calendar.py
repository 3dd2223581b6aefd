"""The demands' due times follow the working calendar: a holiday declared mid-demand moves every place
a due time is kept, shown, counted or escalated; a year without its notice is counted provisionally and
recomputed when the notice arrives; the centre's own waiting states have limits of their own."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from freezegun import freeze_time

from massline.audit.models import AuditEvent
from massline.cases import demo
from massline.cases.choices import (
    AccountabilityKind,
    CaseStatus,
    EscalationLevel,
    EventKind,
    NotificationKind,
)
from massline.cases.models import AccountabilityRecord, Case, CaseEvent, Notification
from massline.cases.services import clock as c
from massline.cases.services import handling as h
from massline.cases.services.intake import case_submit
from massline.deadlines.choices import DataSource, DayKind
from massline.deadlines.services import day_override_set, holiday_year_load
from massline.lib.testing import race
from massline.org.demo import DemoReport
from massline.org.demo import load_demo as load_org_demo
from massline.org.models import Membership

from . import handling_fixtures
from .handling_fixtures import MONDAY, at, make_case
from .test_imports_demo import small_data  # noqa: F401 (fixture)

world = handling_fixtures.world

pytestmark = pytest.mark.django_db


def in_progress(world, at_time=MONDAY):
    case = make_case(world, received_at=at_time)
    h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=at_time)
    h.case_sign(case=case, unit=world.org.unit_a, by=world.officer_a, at=at_time)
    h.case_contact(case=case, by=world.officer_a, note="已联系", at=at_time + timedelta(minutes=30))
    return Case.objects.select_related("reply_clock").get(pk=case.pk)


def test_a_holiday_declared_mid_demand_moves_every_copy_of_the_due_time(world, client_for):
    case = in_progress(world)
    # Signed Monday 2 March 09:00, 5 working days: due Monday 9 March 17:30.
    assert case.due_reply_at == at(2026, 3, 9, 17, 30) == case.reply_clock.due_at
    day_override_set(
        calendar=None, day=date(2026, 3, 4), kind=DayKind.HOLIDAY, name="台风", by=world.dispatcher
    )
    case.refresh_from_db()
    case.reply_clock.refresh_from_db()
    # One source of truth: the clock and the demand agree, and the worker's next look follows.
    assert case.reply_clock.due_at == case.due_reply_at == at(2026, 3, 10, 17, 30)
    assert case.next_check_at == c.next_check(case)
    moved = CaseEvent.objects.get(case=case, kind=EventKind.DUE_MOVED)
    assert moved.data["due_reply_at"].startswith("2026-03-10T")
    audit = AuditEvent.objects.get(action="cases.case.due_moved", object_id=str(case.pk))
    assert audit.changes["due_reply_at"][1].startswith("2026-03-10T")
    # The unit is told, once, without a message per demand.
    assert Notification.objects.filter(user=world.officer_a, kind=NotificationKind.DUE_MOVED).count() == 1
    # Shown: the staff page and the API give the new time.
    page = client_for(world.officer_a).get(reverse("cases_staff:detail", args=[case.pk]))
    assert "2026-03-10 17:30" in page.content.decode()
    # Counted and escalated: on the old due time plus a morning the demand is not overdue.
    c.clock_tick(now=at(2026, 3, 10, 9))
    case.refresh_from_db()
    assert not case.is_overdue
    c.clock_tick(now=at(2026, 3, 10, 18))
    case.refresh_from_db()
    assert case.is_overdue


def test_a_demand_overdue_under_the_old_calendar_is_cleared_with_a_record(world):
    case = make_case(world)
    h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    c.clock_tick(now=at(2026, 3, 2, 11, 5))  # signing was due at 11:00
    case.refresh_from_db()
    assert case.is_overdue
    with freeze_time("2026-03-02T03:10:00Z"):  # 11:10 in Beijing
        day_override_set(calendar=None, day=date(2026, 3, 2), kind=DayKind.HOLIDAY, by=world.dispatcher)
    case.refresh_from_db()
    # Monday became a day off: signing is due Tuesday 11:00, so the delay did not happen.
    assert case.due_sign_at == at(2026, 3, 3, 11)
    assert not case.is_overdue and case.escalation_level == EscalationLevel.NONE
    moved = CaseEvent.objects.get(case=case, kind=EventKind.DUE_MOVED)
    assert "overdue" in moved.internal_note
    audit = AuditEvent.objects.get(action="cases.case.due_moved", object_id=str(case.pk))
    assert audit.changes["is_overdue"] == [True, False]


def test_a_returned_demand_has_the_centres_time_limit_and_escalates(world):
    case = make_case(world)
    h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    h.case_return(
        case=case,
        unit=world.org.unit_a,
        reason="not_our_duty",
        note="不归我局",
        by=world.officer_a,
        at=MONDAY,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ARBITRATION
    # One working day to decide, from Monday 09:00: the end of Tuesday.
    assert case.due_dispatch_at == at(2026, 3, 3, 17, 30)
    c.clock_tick(now=at(2026, 3, 3, 17, 31))
    case.refresh_from_db()
    assert case.is_overdue
    assert Notification.objects.filter(user=world.dispatcher, kind=NotificationKind.OVERDUE).exists()
    c.clock_tick(now=at(2026, 3, 5, 17))
    record = AccountabilityRecord.objects.get(case=case)
    assert record.kind == AccountabilityKind.LATE_ARBITRATION
    assert record.unit == world.org.centre


def test_a_new_demand_gets_the_centres_time_to_dispatch(world):
    case = case_submit(
        type="complaint",
        title="路灯不亮",
        description="小区门口的路灯坏了一个星期。",
        category=world.category,
        received_at=MONDAY,
    )
    assert case.next_check_at == MONDAY
    c.clock_tick(now=at(2026, 3, 2, 9, 1))
    case.refresh_from_db()
    assert case.due_dispatch_at == at(2026, 3, 2, 11)  # two working hours
    c.clock_tick(now=at(2026, 3, 2, 11, 1))
    case.refresh_from_db()
    assert case.is_overdue
    h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=at(2026, 3, 2, 11, 2))
    case.refresh_from_db()
    assert not case.is_overdue and case.status == CaseStatus.DISPATCHED


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real PostgreSQL connections")
@pytest.mark.django_db(transaction=True)
def test_two_workers_send_one_digest_per_official(world):
    waiting = make_case(world)
    h.case_dispatch(case=waiting, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)

    def work(barrier):
        barrier.wait()
        return c.digest_send(now=at(2026, 3, 2, 8, 5))

    race(work, work)
    digests = Notification.objects.filter(kind=NotificationKind.DIGEST)
    assert digests.count() == digests.values("user").distinct().count() >= 2


@freeze_time("2026-12-28T02:00:00Z")  # Monday 28 December 2026, 10:00 in Beijing
def test_at_the_year_end_the_demo_loads_and_due_times_are_provisional_until_the_notice(small_data):  # noqa: F811
    report = DemoReport()
    load_org_demo(report)
    demo.load_demo(report)
    live = Case.objects.filter(idempotency_key__startswith=demo.LIVE_KEY_PREFIX)
    assert live.filter(status=CaseStatus.IN_PROGRESS).exists()

    case = live.filter(status=CaseStatus.RECEIVED).first()
    unit = Membership.objects.filter(role="handler").select_related("unit", "user").first()
    dispatcher = Membership.objects.filter(role="dispatcher").select_related("user").first().user
    now = at(2026, 12, 28, 10)
    h.case_dispatch(case=case, lead_unit=unit.unit, by=dispatcher, at=now)
    h.case_sign(case=case, unit=unit.unit, by=unit.user, at=now)
    case.refresh_from_db()
    # 7 working days from Monday 28 December: 29, 30, 31 December, then (1 January off by the
    # statutory rules) 4, 5, 6, 7 January.
    assert case.due_reply_at == at(2027, 1, 7, 17, 30)
    assert case.due_provisional and case.reply_clock.provisional

    notice = [
        (date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
        (date(2027, 1, 4), DayKind.HOLIDAY, "元旦"),
        (date(2027, 1, 9), DayKind.WORKDAY, "元旦"),
    ]
    holiday_year_load(calendar=None, year=2027, days=notice, source=DataSource.FILE, by=dispatcher)
    case.refresh_from_db()
    case.reply_clock.refresh_from_db()
    assert case.due_reply_at == case.reply_clock.due_at == at(2027, 1, 8, 17, 30)
    assert not case.due_provisional and not case.reply_clock.provisional
    assert Notification.objects.filter(user=unit.user, kind=NotificationKind.DUE_MOVED).exists()
