"""The statutory clock on the 2026 calendar, with dates computed by hand.

2026 around National Day (from the State Council's notice, packaged): Fri 25 Sep off (Mid-Autumn),
Thu 1 – Wed 7 Oct off, Sat 10 Oct a make-up working day. Working day ends 17:30, 7 working hours a day.
The day of receipt is not counted (起算日不计入).
"""

import pytest

from massline.deadlines.choices import ClockState
from massline.disclosure import services
from massline.disclosure.choices import AnswerType, LegalGround, RequestStatus
from massline.lib.errors import DomainError, PermissionDenied
from massline.outbox.testing import deliver_queued

from .conftest import local, shown

pytestmark = pytest.mark.django_db


def test_twenty_working_days_skip_mid_autumn_and_national_day(make_request):
    # Thu 24 Sep not counted; 25 Sep off; 28, 29, 30 Sep; 8, 9, 10 (Sat, make-up), 12 … 16, 19 … 23,
    # 26 … 29 Oct: the 20th working day is Thu 29 Oct.
    request = make_request(received_at=local(2026, 9, 24, 10))
    assert shown(request.clock.due_at) == "2026-10-29 17:30"
    assert request.status == RequestStatus.RECEIVED
    assert request.tracking_code.startswith("GK")


def test_a_request_received_on_a_holiday_counts_from_the_next_working_day(make_request):
    # Received on Mid-Autumn Day: counting starts Mon 28 Sep, which is not counted; 29, 30 Sep, 8 … 30 Oct.
    request = make_request(received_at=local(2026, 9, 25, 10))
    assert shown(request.clock.due_at) == "2026-10-30 17:30"


def test_clarification_consultation_extension_and_a_partial_answer(make_request, officer_a, unit_head_a):
    request = make_request(received_at=local(2026, 9, 24, 10))

    # Asked on Tue 29 Sep 15:00: the applicant has 7 working days: 30 Sep, 8, 9, 10, 12, 13, 14 Oct.
    services.request_clarify(request=request, note="Which road?", by=officer_a, at=local(2026, 9, 29, 15))
    assert request.status == RequestStatus.CLARIFICATION
    assert shown(request.clarification_clock.due_at) == "2026-10-14 17:30"
    assert request.clock.state == ClockState.STOPPED

    # The corrected request arrives Fri 9 Oct: 20 working days afresh: 10 (Sat), 12 … 16, 19 … 23,
    # 26 … 30 Oct, 2 … 5 Nov.
    services.request_correct(request=request, text="Riverside road, 2025.", at=local(2026, 10, 9, 11))
    assert request.status == RequestStatus.RECEIVED
    assert shown(request.clock.due_at) == "2026-11-05 17:30"

    # Third party consulted Mon 12 Oct 10:00: its 15 working days end Mon 2 Nov.
    services.request_consult(
        request=request, third_party="Road contractor Ltd", by=officer_a, at=local(2026, 10, 12, 10)
    )
    assert request.status == RequestStatus.CONSULTATION
    assert shown(request.consultation_clock.due_at) == "2026-11-02 17:30"
    assert request.clock.state == ClockState.PAUSED

    # Resumed Mon 19 Oct 10:00: paused 6 h (12 Oct) + 4 × 7 h + 1 h = 35 working hours, five full days:
    # due Thu 12 Nov instead of Thu 5 Nov.
    services.request_consult_end(
        request=request, view="Objects to the unit prices.", by=officer_a, at=local(2026, 10, 19, 10)
    )
    assert shown(request.clock.due_at) == "2026-11-12 17:30"

    # Extended Mon 26 Oct by 20 working days: 40 working days from 9 Oct end Thu 3 Dec, plus the 35
    # paused hours: 4, 7, 8, 9, 10 Dec.
    services.request_extend(
        request=request, reason="Many contracts to review.", by=unit_head_a, at=local(2026, 10, 26, 9, 30)
    )
    assert shown(request.clock.due_at) == "2026-12-10 17:30"
    assert request.extension_approved_by == unit_head_a
    assert shown(request.extension_told_at) == "2026-10-26 09:30"

    services.request_answer(
        request=request,
        answer_type=AnswerType.PARTLY_DISCLOSED,
        text="Totals disclosed; unit prices withheld.",
        legal_ground=LegalGround.THIRD_PARTY,
        by=officer_a,
        at=local(2026, 11, 20, 16),
    )
    assert request.status == RequestStatus.ANSWERED
    assert request.on_time is True
    assert request.clock.state == ClockState.STOPPED


def test_a_clarification_is_asked_once_only(make_request, officer_a):
    request = make_request(received_at=local(2026, 9, 24, 10))
    services.request_clarify(request=request, note="Which road?", by=officer_a, at=local(2026, 9, 29, 15))
    services.request_correct(request=request, text="Riverside road.", at=local(2026, 10, 9, 11))
    with pytest.raises(DomainError, match="only once"):
        services.request_clarify(
            request=request, note="And which year?", by=officer_a, at=local(2026, 10, 12, 9)
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED


def test_a_clarification_after_seven_working_days_is_refused(make_request, officer_a):
    # 7 working days after Thu 24 Sep: 28, 29, 30 Sep, 8, 9, 10, 12 Oct.
    request = make_request(received_at=local(2026, 9, 24, 10))
    with pytest.raises(DomainError, match="2026-10-12 17:30"):
        services.request_clarify(
            request=request, note="Which road?", by=officer_a, at=local(2026, 10, 13, 10)
        )
    request.refresh_from_db()
    assert request.clarification_asked_at is None and request.clock.state == ClockState.RUNNING


def test_the_request_lapses_without_a_corrected_request(make_request, officer_a):
    request = make_request(received_at=local(2026, 9, 24, 10))
    services.request_clarify(request=request, note="Which road?", by=officer_a, at=local(2026, 9, 29, 15))
    assert services.disclosure_tick(now=local(2026, 10, 14, 17))["lapsed"] == 0
    assert services.disclosure_tick(now=local(2026, 10, 15, 9))["lapsed"] == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.LAPSED
    with pytest.raises(DomainError):
        services.request_correct(request=request, text="Too late.", at=local(2026, 10, 15, 10))


def test_a_second_extension_is_refused(make_request, unit_head_a):
    request = make_request(received_at=local(2026, 9, 24, 10))
    services.request_extend(request=request, reason="Volume.", by=unit_head_a, at=local(2026, 10, 20, 10))
    assert shown(request.clock.due_at) == "2026-11-26 17:30"
    with pytest.raises(DomainError, match="one extension only"):
        services.request_extend(request=request, reason="Again.", by=unit_head_a, at=local(2026, 10, 21, 10))
    request.refresh_from_db()
    assert shown(request.clock.due_at) == "2026-11-26 17:30"


def test_only_the_unit_head_approves_an_extension(make_request, officer_a):
    request = make_request(received_at=local(2026, 9, 24, 10))
    with pytest.raises(PermissionDenied):
        services.request_extend(request=request, reason="Volume.", by=officer_a, at=local(2026, 10, 20, 10))
    request.refresh_from_db()
    assert request.extension_approved_at is None


def test_an_extension_after_the_due_time_is_refused(make_request, unit_head_a):
    request = make_request(received_at=local(2026, 9, 24, 10))
    with pytest.raises(DomainError, match="2026-10-29 17:30"):
        services.request_extend(request=request, reason="Late.", by=unit_head_a, at=local(2026, 10, 30, 9))


def test_the_worker_warns_then_marks_overdue_once(make_request, org):
    request = make_request(received_at=local(2026, 9, 24, 10))
    assert services.disclosure_tick(now=local(2026, 10, 1, 9)) == {
        "warned": 0,
        "overdue": 0,
        "escalated": 0,
        "lapsed": 0,
        "report_reminders": 0,
    }
    assert services.disclosure_tick(now=local(2026, 10, 26, 9))["warned"] == 1
    assert services.disclosure_tick(now=local(2026, 10, 27, 9))["warned"] == 0
    assert services.disclosure_tick(now=local(2026, 10, 30, 9))["overdue"] == 1
    assert services.disclosure_tick(now=local(2026, 10, 30, 10))["overdue"] == 0
    request.refresh_from_db()
    assert request.overdue_at is not None and request.is_overdue(local(2026, 10, 30, 9))


def test_the_applicant_is_acknowledged_with_the_due_date(
    make_request, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        request = make_request(received_at=local(2026, 9, 24, 10))
    assert mailoutbox == []  # queued in the outbox with the request, sent by the worker
    deliver_queued()
    assert mailoutbox[-1].to == ["zhangsan@example.org"]
    assert "2026-10-29 17:30" in mailoutbox[-1].body and request.tracking_code in mailoutbox[-1].body
