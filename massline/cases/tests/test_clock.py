"""The clock worker on a controllable clock: warnings at 50 % and 80 %, overdue, the escalation ladder up
to an accountability record, the supervisor's decision, auto-closing, the daily digest, and two workers
over the same demands acting once."""

from datetime import timedelta

import pytest
from django.db import connection

from massline.audit.models import AuditEvent
from massline.cases.choices import (
    AccountabilityDecision,
    AccountabilityKind,
    CaseStatus,
    EscalationLevel,
    EventKind,
    NotificationKind,
    Satisfaction,
)
from massline.cases.errors import InvalidTransition
from massline.cases.models import AccountabilityRecord, Case, CaseEvent, Notification, TimeLimitPolicy
from massline.cases.services import clock as c
from massline.cases.services import handling as h
from massline.lib import worker
from massline.lib.errors import DomainError, PermissionDenied
from massline.lib.testing import race

from . import handling_fixtures
from .handling_fixtures import MONDAY, at, make_case

world = handling_fixtures.world

pytestmark = pytest.mark.django_db


def kinds(case):
    return list(CaseEvent.objects.filter(case=case).order_by("at", "pk").values_list("kind", flat=True))


def notified(user, kind):
    return Notification.objects.filter(user=user, kind=kind).count()


@pytest.fixture
def waiting(world):
    """A demand dispatched to unit A on Monday 09:00 that nobody signs (due 11:00)."""
    case = make_case(world)
    return h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)


def test_the_worker_job_is_registered():
    assert "cases.clock" in worker.jobs() and "cases.digest" in worker.jobs()


def test_nothing_happens_before_the_first_warning(world, waiting):
    assert c.clock_tick(now=at(2026, 3, 2, 9, 30)) == 0
    assert kinds(waiting) == [EventKind.DISPATCHED]


def test_the_sign_ladder_from_warning_to_accountability(world, waiting, settings):
    settings.MASSLINE_ESCALATION_STEP_HOURS = 4
    assert c.clock_tick(now=at(2026, 3, 2, 10)) == 1
    waiting.refresh_from_db()
    assert waiting.warnings_fired == 1 and notified(world.officer_a, NotificationKind.WARNING) == 1
    assert waiting.next_check_at == at(2026, 3, 2, 10, 36)  # 80 % of two working hours
    c.clock_tick(now=at(2026, 3, 2, 10, 40))
    c.clock_tick(now=at(2026, 3, 2, 11))
    waiting.refresh_from_db()
    assert waiting.is_overdue and waiting.escalation_level == EscalationLevel.REMINDED
    assert notified(world.officer_a, NotificationKind.OVERDUE) == 1
    assert waiting.next_check_at == at(2026, 3, 2, 16, 30)  # four working hours later, lunch excluded
    c.clock_tick(now=at(2026, 3, 2, 16, 30))
    waiting.refresh_from_db()
    assert waiting.escalation_level == EscalationLevel.WARNED
    assert notified(world.head_a, NotificationKind.OVERDUE) == 2  # the reminder and the head's warning
    c.clock_tick(now=at(2026, 3, 3, 12))
    waiting.refresh_from_db()
    assert waiting.escalation_level == EscalationLevel.LISTED
    assert notified(world.supervisor, NotificationKind.OVERDUE) == 1
    assert not AccountabilityRecord.objects.exists()
    c.clock_tick(now=at(2026, 3, 3, 17, 30))
    waiting.refresh_from_db()
    assert waiting.escalation_level == EscalationLevel.ACCOUNTABLE and waiting.next_check_at is None
    record = AccountabilityRecord.objects.get()
    assert (record.unit, record.kind, record.official) == (
        world.org.unit_a,
        AccountabilityKind.LATE_SIGN,
        None,
    )
    assert kinds(waiting) == [
        EventKind.DISPATCHED,
        EventKind.WARNING,
        EventKind.WARNING,
        EventKind.OVERDUE,
        EventKind.ESCALATED,
        EventKind.ESCALATED,
        EventKind.ESCALATED,
    ]
    assert c.clock_tick(now=at(2026, 3, 20, 9)) == 0


def test_a_worker_that_was_down_climbs_every_passed_rung_in_one_tick(world, waiting):
    assert c.clock_tick(now=at(2026, 3, 20, 9)) == 1
    waiting.refresh_from_db()
    assert waiting.escalation_level == EscalationLevel.ACCOUNTABLE
    assert kinds(waiting).count(EventKind.ESCALATED) == 3
    assert kinds(waiting).count(EventKind.OVERDUE) == 1
    assert waiting.next_check_at is None
    assert c.clock_tick(now=at(2026, 3, 20, 9)) == 0


def test_a_late_reply_is_recorded_against_the_first_unit_and_the_handler(world):
    case = make_case(world)
    h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    h.case_sign(case=case, unit=world.org.unit_a, by=world.officer_a, at=MONDAY)
    h.case_contact(case=case, by=world.officer_a, note="已联系", at=MONDAY + timedelta(hours=1))
    h.case_transfer(
        case=case,
        to_unit=world.org.unit_b,
        by=world.dispatcher,
        note="转乙局",
        at=MONDAY + timedelta(hours=2),
    )
    h.case_sign(case=case, unit=world.org.unit_b, by=world.officer_b, at=MONDAY + timedelta(hours=3))
    h.case_contact(case=case, by=world.officer_b, note="已联系", at=MONDAY + timedelta(hours=4))
    for day in (16, 17, 18, 19):
        c.clock_tick(now=at(2026, 3, day, 9))
    record = AccountabilityRecord.objects.get(case=case)
    assert (record.unit, record.kind, record.official) == (
        world.org.unit_a,
        AccountabilityKind.LATE_REPLY,
        world.officer_b,
    )


def test_the_supervisor_decides_a_record_once(world, waiting):
    for _ in range(3):
        c.clock_tick(now=at(2026, 3, 20, 9))
    record = AccountabilityRecord.objects.get()
    with pytest.raises(PermissionDenied):
        c.accountability_decide(
            record=record, decision=AccountabilityDecision.CRITICISED, note="x", by=world.dispatcher
        )
    with pytest.raises(DomainError):
        c.accountability_decide(
            record=record, decision=AccountabilityDecision.CRITICISED, note="", by=world.supervisor
        )
    c.accountability_decide(
        record=record, decision=AccountabilityDecision.CRITICISED, note="通报批评", by=world.supervisor
    )
    record.refresh_from_db()
    assert record.decision == AccountabilityDecision.CRITICISED and record.decided_by == world.supervisor
    with pytest.raises(InvalidTransition):
        c.accountability_decide(
            record=record, decision=AccountabilityDecision.EXCUSED, note="改", by=world.supervisor
        )


def test_a_second_batch_at_the_same_time_finds_nothing_left(world, waiting):
    now = at(2026, 3, 2, 10)
    first = c.clock_batch(now=now)
    assert (first.checked, first.acted, first.deferred) == (1, 1, 0)
    second = c.clock_batch(now=now)
    assert (second.checked, second.acted) == (0, 0)
    assert kinds(waiting).count(EventKind.WARNING) == 1
    assert notified(world.officer_a, NotificationKind.WARNING) == 1
    assert c.clock_tick(now=now) == 0


def test_the_clock_keeps_the_version_so_an_open_page_is_not_stale(world, waiting):
    # The officer opened the demand before the warning fired; signing with that copy still works.
    page_copy = Case.objects.get(pk=waiting.pk)
    c.clock_tick(now=at(2026, 3, 2, 10))
    assert Case.objects.get(pk=waiting.pk).version == page_copy.version
    h.case_sign(case=page_copy, unit=world.org.unit_a, by=world.officer_a, at=at(2026, 3, 2, 10, 5))
    assert Case.objects.get(pk=waiting.pk).status == CaseStatus.IN_PROGRESS


def test_clock_events_keep_what_changed_before_and_after(world, waiting):
    c.clock_tick(now=at(2026, 3, 2, 10))
    event = AuditEvent.objects.filter(action="cases.case.warning", object_id=str(waiting.pk)).get()
    assert event.changes["warnings_fired"] == [0, 1]
    c.clock_tick(now=at(2026, 3, 2, 11))
    overdue = AuditEvent.objects.filter(action="cases.case.overdue", object_id=str(waiting.pk)).get()
    assert overdue.changes["is_overdue"] == [False, True]
    assert overdue.changes["escalation_level"] == [0, int(EscalationLevel.REMINDED)]


def test_a_demand_that_cannot_be_measured_is_deferred_not_counted_as_acted(world, waiting):
    TimeLimitPolicy.objects.all().delete()
    result = c.clock_batch(now=at(2026, 3, 2, 10))
    assert (result.checked, result.acted, result.deferred) == (1, 0, 1)
    waiting.refresh_from_db()
    assert waiting.next_check_at == at(2026, 3, 2, 11)


def test_a_paused_clock_fires_nothing(world):
    case = make_case(world)
    h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    h.case_sign(case=case, unit=world.org.unit_a, by=world.officer_a, at=MONDAY)
    h.case_contact(case=case, by=world.officer_a, note="已联系", at=MONDAY + timedelta(hours=1))
    h.case_pause(
        case=case, reason="citizen", note="等待照片", by=world.officer_a, at=MONDAY + timedelta(hours=2)
    )
    assert c.clock_tick(now=at(2026, 3, 30, 9)) == 0
    case.refresh_from_db()
    assert not case.is_overdue


def test_the_tick_closes_unrated_replies(world, settings):
    settings.MASSLINE_AUTO_CLOSE_DAYS = 7
    case = make_case(world)
    h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    h.case_sign(case=case, unit=world.org.unit_a, by=world.officer_a, at=MONDAY)
    h.case_reply(case=case, text="已修复", by=world.officer_a, at=MONDAY + timedelta(hours=1))
    assert c.clock_tick(now=MONDAY + timedelta(days=6)) == 0
    assert c.clock_tick(now=MONDAY + timedelta(days=7, hours=1)) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.satisfaction == Satisfaction.NOT_RATED


def test_the_daily_digest_is_sent_once_a_day(world, waiting, settings):
    settings.MASSLINE_DIGEST_HOUR = 8
    make_case(world)  # a new one for the dispatcher
    assert c.digest_send(now=at(2026, 3, 2, 7)) == 0
    sent = c.digest_send(now=at(2026, 3, 2, 8, 5))
    assert sent == 3  # officer A, head A, the dispatcher
    assert "1" in Notification.objects.get(user=world.officer_a, kind=NotificationKind.DIGEST).text
    assert c.digest_send(now=at(2026, 3, 2, 15)) == 0
    assert not Notification.objects.filter(user=world.officer_b, kind=NotificationKind.DIGEST).exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real PostgreSQL connections")
@pytest.mark.django_db(transaction=True)
def test_two_real_workers_share_the_work_without_acting_twice(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs two real PostgreSQL connections")
    cases = [make_case(world) for _ in range(6)]
    for case in cases:
        h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)

    def work(barrier):
        barrier.wait()
        return c.clock_tick(now=at(2026, 3, 2, 10))

    results = race(work, work)
    assert sum(results) == 6, results
    assert CaseEvent.objects.filter(kind=EventKind.WARNING).count() == 6
    assert Notification.objects.filter(user=world.officer_a, kind=NotificationKind.WARNING).count() == 6
