"""Dispatch, signing, return and arbitration, transfer, contact, extensions, pauses, joint handling and
the reply: what each rule allows, what it refuses (with a message, changing nothing), and the calendar."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import translation

from massline.audit.models import AuditEvent
from massline.cases.choices import (
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    EventKind,
    ExtensionStatus,
    NotificationKind,
    ReturnReason,
)
from massline.cases.errors import ConcurrentUpdate, InvalidTransition
from massline.cases.models import Assignment, Case, CaseEvent, Extension, Notification
from massline.cases.services import handling as h
from massline.deadlines.choices import ClockState, PauseReason
from massline.lib.errors import DomainError, PermissionDenied
from massline.outbox.testing import deliver_queued

from . import handling_fixtures
from .handling_fixtures import MONDAY, at, make_case

new_case = handling_fixtures.new_case
world = handling_fixtures.world

pytestmark = pytest.mark.django_db


def snapshot(case):
    """Everything a refused action must leave as it was."""
    case = Case.objects.get(pk=case.pk)
    return (
        {
            f.attname: getattr(case, f.attname)
            for f in Case._meta.concrete_fields
            if f.attname != "updated_at"
        },
        list(Assignment.objects.filter(case=case).values()),
        CaseEvent.objects.filter(case=case).count(),
        Extension.objects.filter(case=case).count(),
        AuditEvent.objects.count(),
    )


def dispatched(world, case=None, at_=MONDAY, co_units=()):
    case = case or make_case(world)
    return h.case_dispatch(
        case=case, lead_unit=world.org.unit_a, co_units=co_units, by=world.dispatcher, at=at_
    )


def signed(world, case=None, at_=MONDAY + timedelta(minutes=30), **kwargs):
    case = dispatched(world, case, **kwargs)
    return h.case_sign(case=case, unit=world.org.unit_a, by=world.officer_a, at=at_)


def test_dispatch_starts_the_time_to_sign_and_tells_the_unit(world, new_case):
    case = h.case_dispatch(case=new_case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    assert case.lead_unit == world.org.unit_a and case.dispatched_at == MONDAY
    assert case.due_sign_at == at(2026, 3, 2, 11)  # 2 working hours
    assert case.next_check_at == at(2026, 3, 2, 10)  # the 50 % warning
    lead = Assignment.objects.get(case=case)
    assert (lead.role, lead.status, lead.dispatched_by) == (
        AssignmentRole.LEAD,
        AssignmentStatus.PENDING,
        world.dispatcher,
    )
    assert Notification.objects.filter(
        user=world.officer_a, case=case, kind=NotificationKind.NEW_ASSIGNMENT
    ).exists()
    assert not Notification.objects.filter(user=world.officer_b).exists()
    assert AuditEvent.objects.filter(action="cases.case.dispatched", object_id=str(case.pk)).exists()
    assert case.events.get(kind=EventKind.DISPATCHED).public_note


def test_only_a_dispatcher_dispatches(world, new_case):
    before = snapshot(new_case)
    with pytest.raises(PermissionDenied):
        h.case_dispatch(case=new_case, lead_unit=world.org.unit_a, by=world.officer_a, at=MONDAY)
    assert snapshot(new_case) == before


def test_signing_starts_the_contact_and_reply_clocks_and_sets_the_first_unit(world):
    case = signed(world)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.first_unit == world.org.unit_a and case.handler == world.officer_a
    assert case.due_contact_at == at(2026, 3, 2, 15)  # 4 working hours from 09:30, lunch 12:00-13:30
    assert case.due_reply_at == at(2026, 3, 9, 17, 30)  # 5 working days, the start day not counted
    assert case.reply_clock.state == ClockState.RUNNING
    assert Assignment.objects.get(case=case).status == AssignmentStatus.SIGNED


def test_a_demand_dispatched_before_national_day_is_due_after_it(world):
    case = dispatched(world, at_=at(2026, 9, 30, 16, 30))
    assert case.due_sign_at == at(2026, 10, 8, 10)  # one hour on 30 Sept, the next after the holiday
    case = h.case_sign(case=case, unit=world.org.unit_a, by=world.officer_a, at=at(2026, 9, 30, 17))
    # 5 working days after 30 Sept: 8, 9, 10 (the make-up Saturday), 12, 13 October.
    assert case.due_reply_at == at(2026, 10, 13, 17, 30)


def test_the_make_up_saturday_counts_as_a_working_day(world):
    case = signed(world, at_=at(2026, 10, 9, 16), case=make_case(world, received_at=at(2026, 10, 9, 15)))
    case.refresh_from_db()
    # Signed Friday 9 Oct: the contact time runs into Saturday 10 Oct, a working day, not Monday.
    assert case.due_contact_at == at(2026, 10, 10, 11, 30)


def test_signing_a_closed_demand_is_refused_and_changes_nothing(world, new_case):
    Case.objects.filter(pk=new_case.pk).update(status=CaseStatus.CLOSED)
    new_case.refresh_from_db()
    before = snapshot(new_case)
    with translation.override("zh-hans"), pytest.raises(InvalidTransition) as refused:
        h.case_sign(case=new_case, unit=world.org.unit_a, by=world.officer_a, at=MONDAY)
    assert refused.value.message
    assert snapshot(new_case) == before


def test_another_units_officer_cannot_sign(world):
    case = dispatched(world)
    before = snapshot(case)
    with pytest.raises(PermissionDenied):
        h.case_sign(case=case, unit=world.org.unit_a, by=world.officer_b, at=MONDAY)
    with pytest.raises(InvalidTransition):
        h.case_sign(case=case, unit=world.org.unit_b, by=world.officer_b, at=MONDAY)
    assert snapshot(case) == before


def test_a_stale_copy_is_refused_as_a_concurrent_update(world):
    case = dispatched(world)
    stale = Case.objects.get(pk=case.pk)
    h.case_sign(case=case, unit=world.org.unit_a, by=world.officer_a, at=MONDAY)
    stale_version = stale.version
    before = snapshot(case)
    with pytest.raises(ConcurrentUpdate):
        h.case_note(case=stale, by=world.officer_a, note="进展", at=MONDAY)
    assert stale.version == stale_version
    assert snapshot(case) == before


def test_returning_needs_a_reason_from_the_list_and_a_note(world):
    case = signed(world)
    before = snapshot(case)
    for reason, note in (("", "不归我们管"), ("because", "不归我们管"), (ReturnReason.NOT_OUR_DUTY, "  ")):
        with pytest.raises(DomainError) as refused:
            h.case_return(case=case, unit=world.org.unit_a, reason=reason, note=note, by=world.officer_a)
        assert refused.value.message
    assert snapshot(case) == before


def test_a_return_goes_to_arbitration_and_the_dispatcher_redispatches(world):
    case = signed(world)
    h.case_return(
        case=case,
        unit=world.org.unit_a,
        reason=ReturnReason.NOT_OUR_AREA,
        note="在二号镇",
        by=world.officer_a,
        at=MONDAY + timedelta(hours=1),
    )
    assert case.status == CaseStatus.ARBITRATION
    returned = Assignment.objects.get(case=case)
    assert (returned.status, returned.return_reason) == (AssignmentStatus.RETURNED, ReturnReason.NOT_OUR_AREA)
    assert Notification.objects.filter(user=world.dispatcher, kind=NotificationKind.RETURNED).exists()
    with pytest.raises(DomainError):  # re-dispatching to the unit that returned it is a forced assignment
        h.case_arbitrate(
            case=case, decision="redispatch", unit=world.org.unit_a, by=world.dispatcher, note="x"
        )
    h.case_arbitrate(
        case=case,
        decision="redispatch",
        unit=world.org.unit_b,
        by=world.dispatcher,
        note="属二号镇",
        at=MONDAY + timedelta(hours=2),
    )
    assert case.status == CaseStatus.DISPATCHED and case.lead_unit == world.org.unit_b
    h.case_sign(case=case, unit=world.org.unit_b, by=world.officer_b, at=MONDAY + timedelta(hours=3))
    case.refresh_from_db()
    assert case.first_unit == world.org.unit_a  # the first unit that signed stays accountable


def test_a_forced_assignment_cannot_be_returned_again(world):
    case = dispatched(world)
    h.case_return(
        case=case,
        unit=world.org.unit_a,
        reason=ReturnReason.NOT_OUR_DUTY,
        note="不是我们的职责",
        by=world.head_a,
    )
    h.case_arbitrate(
        case=case, decision="force", unit=world.org.unit_a, by=world.dispatcher, note="属甲局职责"
    )
    assert Assignment.objects.get(case=case, status=AssignmentStatus.PENDING).forced
    before = snapshot(case)
    with pytest.raises(InvalidTransition) as refused:
        h.case_return(
            case=case,
            unit=world.org.unit_a,
            reason=ReturnReason.NOT_OUR_DUTY,
            note="还是不是",
            by=world.officer_a,
        )
    assert "cannot be returned again" in refused.value.message
    assert snapshot(case) == before


def test_a_transfer_keeps_the_first_unit_and_the_reply_clock(world):
    case = signed(world)
    due = case.due_reply_at
    h.case_transfer(
        case=case,
        to_unit=world.org.unit_b,
        by=world.dispatcher,
        note="转乙局",
        at=MONDAY + timedelta(hours=1),
    )
    assert case.status == CaseStatus.DISPATCHED
    assert Assignment.objects.get(case=case, unit=world.org.unit_a).status == AssignmentStatus.TRANSFERRED
    h.case_sign(case=case, unit=world.org.unit_b, by=world.officer_b, at=MONDAY + timedelta(hours=2))
    case.refresh_from_db()
    assert case.first_unit == world.org.unit_a and case.lead_unit == world.org.unit_b
    assert case.due_reply_at == due


def test_contact_ends_the_contact_stage(world):
    case = signed(world)
    h.case_contact(
        case=case, by=world.officer_a, note="电话联系，约定明天到场", at=MONDAY + timedelta(hours=1)
    )
    case.refresh_from_db()
    assert case.first_contact_at == MONDAY + timedelta(hours=1)
    event = case.events.get(kind=EventKind.CONTACTED)
    assert event.public_note and event.internal_note.startswith("电话")


def test_replying_to_a_demand_of_another_unit_is_refused(world):
    case = signed(world)
    before = snapshot(case)
    with pytest.raises(PermissionDenied) as refused:
        h.case_reply(case=case, text="已修好", by=world.officer_b)
    assert "another unit" in refused.value.message
    assert snapshot(case) == before


def test_the_reply_stops_the_clock_and_the_citizen_is_told(world):
    case = signed(world)
    with mock.patch("django.db.transaction.on_commit", lambda fn, *a, **k: fn()):
        h.case_reply(case=case, text="路灯已修复。", by=world.officer_a, at=MONDAY + timedelta(days=1))
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED and case.reply == "路灯已修复。"
    assert not case.was_late and case.reply_clock.state == ClockState.STOPPED
    assert Assignment.objects.get(case=case).status == AssignmentStatus.DONE
    assert case.next_check_at == MONDAY + timedelta(days=8)  # auto-close after 7 days
    deliver_queued()
    assert [m.to for m in mail.outbox] == [["liming@example.org"]]


def test_a_late_reply_is_marked_late(world):
    case = signed(world)
    h.case_reply(case=case, text="迟复", by=world.officer_a, at=at(2026, 3, 10, 9))
    case.refresh_from_db()
    assert case.was_late


def test_co_handlers_add_their_part_before_the_reply_not_after(world):
    case = signed(world, co_units=[world.org.unit_b])
    co = Assignment.objects.get(case=case, role=AssignmentRole.CO)
    with pytest.raises(PermissionDenied):
        h.case_co_reply(case=case, unit=world.org.unit_b, text="乙局意见", by=world.officer_a)
    h.case_co_reply(case=case, unit=world.org.unit_b, text="乙局已配合排查线路。", by=world.officer_b)
    co.refresh_from_db()
    assert co.co_reply == "乙局已配合排查线路。" and co.status == AssignmentStatus.SIGNED
    with pytest.raises(PermissionDenied):  # the co-handling unit never replies itself
        h.case_reply(case=case, text="乙局答复", by=world.officer_b)
    h.case_reply(case=case, text="已修复", by=world.officer_a)
    before = snapshot(case)
    with pytest.raises(InvalidTransition):
        h.case_co_reply(case=case, unit=world.org.unit_b, text="补充", by=world.officer_b)
    assert snapshot(case) == before


def test_an_extension_needs_the_dispatchers_approval_and_moves_the_due_time(world):
    case = signed(world)
    Case.objects.filter(pk=case.pk).update(language="en")  # the citizen wrote in English
    due = case.due_reply_at
    extension = h.extension_request(
        case=case, amount=3, reason="需协调供电公司", by=world.officer_a, at=MONDAY + timedelta(hours=2)
    )
    assert Notification.objects.filter(user=world.dispatcher, kind=NotificationKind.EXTENSION).exists()
    with pytest.raises(PermissionDenied):
        h.extension_decide(extension=extension, approve=True, by=world.officer_a)
    with mock.patch("django.db.transaction.on_commit", lambda fn, *a, **k: fn()):
        h.extension_decide(
            extension=extension, approve=True, by=world.dispatcher, at=MONDAY + timedelta(hours=3)
        )
    case.refresh_from_db()
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED
    assert case.extension_count == 1 and case.due_reply_at == at(2026, 3, 12, 17, 30) > due
    deliver_queued()
    assert case.tracking_code in mail.outbox[-1].subject and "more time" in mail.outbox[-1].body.lower()
    note = case.events.get(kind=EventKind.EXTENSION_DECIDED).public_note
    assert "2026" in note and "[" not in note  # the new due date, not masked as if it were a phone number


def test_an_extension_beyond_the_limit_is_refused(world):
    case = signed(world)
    ext = h.extension_request(case=case, amount=2, reason="协调", by=world.officer_a)
    h.extension_decide(extension=ext, approve=True, by=world.dispatcher)
    case.refresh_from_db()
    before = snapshot(case)
    with pytest.raises(InvalidTransition) as refused:
        h.extension_request(case=case, amount=2, reason="再延", by=world.officer_a)
    assert "extension" in refused.value.message
    assert snapshot(case) == before


def test_a_rejected_extension_needs_a_reason_and_leaves_the_due_time(world):
    case = signed(world)
    due = case.due_reply_at
    ext = h.extension_request(case=case, amount=2, reason="协调", by=world.officer_a)
    with pytest.raises(DomainError):
        h.extension_decide(extension=ext, approve=False, by=world.dispatcher, note="")
    h.extension_decide(extension=ext, approve=False, by=world.dispatcher, note="时限充足")
    case.refresh_from_db()
    assert case.due_reply_at == due and case.extension_count == 0
    with pytest.raises(InvalidTransition):
        h.extension_decide(extension=ext, approve=True, by=world.dispatcher)


def test_pausing_the_reply_clock_moves_the_due_time_by_the_pause(world):
    case = signed(world)
    h.case_contact(case=case, by=world.officer_a, note="已联系", at=MONDAY + timedelta(hours=1))
    h.case_pause(
        case=case,
        reason=PauseReason.WAITING_FOR_CITIZEN,
        note="等待市民提供照片",
        by=world.officer_a,
        at=at(2026, 3, 3, 9),
    )
    case.refresh_from_db()
    assert case.reply_clock.state == ClockState.PAUSED and case.next_check_at is None
    h.case_resume(case=case, by=world.officer_a, at=at(2026, 3, 4, 9))
    case.refresh_from_db()
    assert case.due_reply_at == at(2026, 3, 10, 17, 30)  # one working day later
    with pytest.raises(InvalidTransition):
        h.case_resume(case=case, by=world.officer_a)


def test_a_crash_after_the_first_write_leaves_nothing_half_done(world, new_case):
    before = snapshot(new_case)
    with mock.patch.object(h, "_tell_unit_new", side_effect=RuntimeError("mail server on fire")):
        with pytest.raises(RuntimeError):
            h.case_dispatch(case=new_case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    assert snapshot(new_case) == before
    assert not Assignment.objects.exists()
