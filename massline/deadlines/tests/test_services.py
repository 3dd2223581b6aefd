from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils.translation import override

from massline.audit.models import AuditEvent
from massline.deadlines.calendar import is_workday, year_known
from massline.deadlines.choices import ClockState, DataSource, DayKind, PauseReason
from massline.deadlines.errors import ClockStateError
from massline.deadlines.models import ClockPause, DayOverride, HolidayYear, WorkCalendar
from massline.deadlines.services import (
    clock_extend,
    clock_pause,
    clock_resume,
    clock_start,
    clock_stop,
    day_override_delete,
    day_override_set,
    holiday_year_delete,
    holiday_year_delete_blockers,
    holiday_year_load,
    work_calendar_save,
)
from massline.lib.errors import DomainError

from .utils import local

pytestmark = pytest.mark.django_db


def events(action, obj):
    return AuditEvent.objects.filter(action=action, object_id=str(obj.pk))


@pytest.fixture
def general(officer):
    """A general demand's limit: 7 working days from Monday 2 November 2026, due Wednesday 11 November."""
    return clock_start(start=local("2026-11-02 09:00"), amount=7, unit="working_days", by=officer)


# --- starting -------------------------------------------------------------------------------------


def test_starting_a_clock_stores_its_due_time_on_the_default_calendar_and_audits_it(
    general, default_calendar
):
    assert general.due_at == local("2026-11-11 17:30")
    assert general.calendar == default_calendar
    assert general.state == ClockState.RUNNING
    event = events("deadlines.clock.start", general).get()
    assert event.details["unit"] == "working_days"
    assert event.actor_label == "calendar-admin"


def test_a_clock_that_reaches_a_year_without_its_notice_starts_provisional(officer):
    clock = clock_start(start=local("2026-12-20 10:00"), amount=15, unit="working_days", by=officer)
    assert clock.due_at == local("2027-01-12 17:30")
    assert clock.provisional
    assert events("deadlines.clock.start", clock).get().details["provisional"] is True
    inside = clock_start(start=local("2026-11-02 09:00"), amount=5, unit="working_days", by=officer)
    assert not inside.provisional


def test_a_clock_amount_is_kept_to_two_decimals(officer):
    with pytest.raises(DomainError):
        clock_start(start=local("2026-11-02 09:00"), amount=Decimal("0.333"), unit="hours", by=officer)
    clock = clock_start(start=local("2026-11-02 09:00"), amount=Decimal("0.25"), unit="hours", by=officer)
    clock.refresh_from_db()
    assert clock.due_at == local("2026-11-02 09:15")


# --- pausing and resuming -------------------------------------------------------------------------


def test_a_pause_extends_a_working_day_clock_by_the_working_time_it_took(general, officer):
    clock_pause(
        clock=general, at=local("2026-11-04 10:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
    )
    assert general.state == ClockState.PAUSED
    assert not general.is_overdue(local("2026-12-31 10:00"))
    clock_resume(clock=general, at=local("2026-11-05 10:00"), by=officer)
    # Wednesday 10:00–17:30 (6 h) and Thursday 09:00–10:00 (1 h): one full 7-hour working day.
    assert general.paused_time == timedelta(hours=7)
    assert general.due_at == local("2026-11-12 17:30")
    general.refresh_from_db()
    assert general.due_at == local("2026-11-12 17:30")
    pause = general.pauses.get()
    assert pause.counted_time == timedelta(hours=7)
    assert events("deadlines.clock.pause", general).get().details["reason"] == "citizen"
    resume = events("deadlines.clock.resume", general).get()
    assert "due_at" in resume.changes


def test_a_pause_outside_working_time_does_not_move_a_working_time_clock(officer):
    clock = clock_start(start=local("2026-11-06 15:00"), amount=4, unit="working_hours", by=officer)
    assert clock.due_at == local("2026-11-09 10:30")
    clock_pause(
        clock=clock, at=local("2026-11-06 17:30"), reason=PauseReason.WAITING_FOR_THIRD_PARTY, by=officer
    )
    clock_resume(clock=clock, at=local("2026-11-09 09:00"), by=officer)
    assert clock.due_at == local("2026-11-09 10:30")
    clock_pause(clock=clock, at=local("2026-11-09 09:30"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer)
    clock_resume(clock=clock, at=local("2026-11-09 10:00"), by=officer)
    assert clock.due_at == local("2026-11-09 11:00")


def test_a_pause_over_a_weekend_counts_only_its_working_time(officer):
    clock = clock_start(start=local("2026-11-06 15:00"), amount=4, unit="working_hours", by=officer)
    clock_pause(clock=clock, at=local("2026-11-06 17:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer)
    clock_resume(clock=clock, at=local("2026-11-09 09:30"), by=officer)
    assert clock.paused_time == timedelta(hours=1)
    assert clock.due_at == local("2026-11-09 11:30")


def test_a_pause_extends_a_plain_hours_clock_by_the_elapsed_time(officer):
    clock = clock_start(start=local("2026-11-02 09:00"), amount=24, unit="hours", by=officer)
    clock_pause(clock=clock, at=local("2026-11-02 20:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer)
    clock_resume(clock=clock, at=local("2026-11-02 23:00"), by=officer)
    assert clock.due_at == local("2026-11-03 12:00")


def test_several_pauses_add_up(general, officer):
    for day in ("2026-11-03", "2026-11-04", "2026-11-05"):
        clock_pause(
            clock=general, at=local(f"{day} 09:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
        )
        clock_resume(clock=general, at=local(f"{day} 12:00"), by=officer)
    assert general.paused_time == timedelta(hours=9)
    assert general.due_at == local("2026-11-13 11:00")  # 9 h = one working day and 2 hours


def test_an_overdue_clock_cannot_be_paused(general, officer):
    with override("en"), pytest.raises(ClockStateError) as error:
        clock_pause(
            clock=general, at=local("2026-11-12 09:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
        )
    assert "extension" in error.value.message
    assert general.state == ClockState.RUNNING


def test_a_paused_clock_cannot_be_paused_again_and_a_running_one_cannot_be_resumed(general, officer):
    with pytest.raises(ClockStateError):
        clock_resume(clock=general, at=local("2026-11-03 09:00"), by=officer)
    clock_pause(
        clock=general, at=local("2026-11-03 09:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
    )
    with pytest.raises(ClockStateError):
        clock_pause(
            clock=general, at=local("2026-11-03 10:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
        )
    assert ClockPause.objects.filter(clock=general).count() == 1


def test_times_cannot_run_backwards(general, officer):
    with pytest.raises(DomainError):
        clock_pause(
            clock=general, at=local("2026-11-01 09:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
        )
    clock_pause(
        clock=general, at=local("2026-11-04 09:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
    )
    with pytest.raises(DomainError):
        clock_resume(clock=general, at=local("2026-11-03 09:00"), by=officer)
    clock_resume(clock=general, at=local("2026-11-04 11:00"), by=officer)
    with pytest.raises(DomainError):
        clock_pause(
            clock=general, at=local("2026-11-04 10:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
        )


def test_a_pause_for_another_reason_needs_a_note(general, officer):
    with pytest.raises(DomainError):
        clock_pause(clock=general, at=local("2026-11-03 09:00"), reason=PauseReason.OTHER, by=officer)
    with pytest.raises(DomainError):
        clock_pause(clock=general, at=local("2026-11-03 09:00"), reason="lunch", by=officer)
    clock_pause(clock=general, at=local("2026-11-03 09:00"), reason="other", note="现场检测", by=officer)
    assert general.pauses.get().note == "现场检测"


def test_a_naive_pause_time_is_refused(general, officer):
    from datetime import datetime

    with pytest.raises(DomainError):
        clock_pause(
            clock=general, at=datetime(2026, 11, 3, 9), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
        )


# --- stopping and extending -----------------------------------------------------------------------


def test_stopping_a_paused_clock_closes_the_pause(general, officer):
    clock_pause(
        clock=general, at=local("2026-11-04 10:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
    )
    clock_stop(clock=general, at=local("2026-11-05 10:00"), by=officer)
    assert general.state == ClockState.STOPPED
    assert general.paused_at is None
    assert general.pauses.get().ended_at == local("2026-11-05 10:00")
    assert general.due_at == local("2026-11-12 17:30")
    assert not general.is_overdue(local("2027-06-01 00:00"))
    assert events("deadlines.clock.stop", general).get().details["on_time"] is True


def test_a_clock_stopped_late_is_overdue_and_stays_stopped(general, officer):
    clock_stop(clock=general, at=local("2026-11-12 09:00"), by=officer)
    assert general.is_overdue(local("2026-11-12 09:00"))
    assert events("deadlines.clock.stop", general).get().details["on_time"] is False
    for action in (
        lambda: clock_pause(clock=general, at=local("2026-11-13 09:00"), reason="citizen", by=officer),
        lambda: clock_resume(clock=general, at=local("2026-11-13 09:00"), by=officer),
        lambda: clock_stop(clock=general, at=local("2026-11-13 09:00"), by=officer),
        lambda: clock_extend(clock=general, amount=1, by=officer),
    ):
        with pytest.raises(ClockStateError):
            action()


def test_an_extension_adds_working_days_in_the_clocks_unit(general, officer):
    clock_extend(clock=general, amount=2, reason="approved by the dispatcher", by=officer)
    assert general.due_at == local("2026-11-13 17:30")
    assert general.extended_amount == 2
    with pytest.raises(DomainError):
        clock_extend(clock=general, amount=Decimal("0.5"), by=officer)
    with pytest.raises(DomainError):
        clock_extend(clock=general, amount=0, by=officer)
    assert events("deadlines.clock.extend", general).get().details["reason"] == "approved by the dispatcher"


def test_a_running_clock_is_overdue_only_after_its_due_time(general):
    assert not general.is_overdue(local("2026-11-11 17:30"))
    assert general.is_overdue(local("2026-11-11 17:31"))


# --- calendar changes recompute open clocks -------------------------------------------------------


def test_a_day_off_declared_later_extends_open_clocks_but_not_stopped_ones(general, officer):
    done = clock_start(start=local("2026-11-02 09:00"), amount=7, unit="working_days", by=officer)
    clock_stop(clock=done, at=local("2026-11-03 09:00"), by=officer)
    day_override_set(calendar=None, day=date(2026, 11, 10), kind=DayKind.HOLIDAY, name="台风停工", by=officer)
    general.refresh_from_db()
    done.refresh_from_db()
    assert general.due_at == local("2026-11-12 17:30")
    assert done.due_at == local("2026-11-11 17:30")
    assert events("deadlines.clock.recompute", general).count() == 1
    assert not events("deadlines.clock.recompute", done).exists()
    assert (
        events("deadlines.day_override.set", DayOverride.objects.get()).get().details["clocks_recomputed"]
        == 1
    )


def test_an_override_in_another_calendar_leaves_the_clock_alone(general, officer):
    other = work_calendar_save(calendar=WorkCalendar(code="other", name="其他"), by=officer)
    day_override_set(calendar=other, day=date(2026, 11, 10), kind=DayKind.HOLIDAY, by=officer)
    general.refresh_from_db()
    assert general.due_at == local("2026-11-11 17:30")


def test_removing_an_override_gives_the_day_back(general, officer):
    override_ = day_override_set(calendar=None, day=date(2026, 11, 10), kind=DayKind.HOLIDAY, by=officer)
    day_override_delete(override=override_, by=officer)
    general.refresh_from_db()
    assert general.due_at == local("2026-11-11 17:30")
    assert is_workday(date(2026, 11, 10))
    assert AuditEvent.objects.filter(action="deadlines.day_override.delete").exists()


def test_new_working_hours_recompute_the_calendars_open_clocks(general, officer, default_calendar):
    default_calendar.working_hours = "08:00-12:00, 14:00-18:00"
    work_calendar_save(calendar=default_calendar, by=officer)
    default_calendar.refresh_from_db()
    assert default_calendar.working_hours == "08:00-12:00,14:00-18:00"
    general.refresh_from_db()
    assert general.due_at == local("2026-11-11 18:00")
    assert events("deadlines.calendar.update", default_calendar).get().changes["working_hours"]


def test_a_new_default_calendar_replaces_the_old_one(officer, default_calendar):
    other = work_calendar_save(
        calendar=WorkCalendar(code="new-default", name="新", is_default=True), by=officer
    )
    default_calendar.refresh_from_db()
    assert not default_calendar.is_default
    assert other.is_default
    clock = clock_start(start=local("2026-11-02 09:00"), amount=1, unit="working_days", by=officer)
    assert clock.calendar == other


def test_the_default_calendar_cannot_be_unmarked(officer, default_calendar):
    default_calendar.is_default = False
    with pytest.raises(DomainError):
        work_calendar_save(calendar=default_calendar, by=officer)


def test_invalid_working_hours_are_refused(officer, default_calendar):
    default_calendar.working_hours = "13:30-17:30, 09:00-12:00"
    with pytest.raises(DomainError):
        work_calendar_save(calendar=default_calendar, by=officer)


# --- holiday years --------------------------------------------------------------------------------

NOTICE_2027 = [(date(2027, 1, 1), "holiday", "元旦"), (date(2027, 2, 20), "workday", "春节")]


def test_loading_a_year_makes_it_known_and_audits_its_days(officer):
    year = holiday_year_load(
        calendar=None, year=2027, days=NOTICE_2027, source=DataSource.FILE, by=officer, notice="国办发明电"
    )
    assert year_known(2027)
    assert year.source == DataSource.FILE
    assert DayOverride.objects.filter(date__year=2027, calendar=None).count() == 2
    event = events("deadlines.holiday_year.load", year).get()
    assert event.changes["days"][1][0] == ["2027-01-01", "holiday", "元旦"]
    assert event.details["holidays"] == 1 and event.details["workdays"] == 1


def test_reloading_a_year_replaces_its_days(officer):
    holiday_year_load(calendar=None, year=2027, days=NOTICE_2027, source=DataSource.FILE, by=officer)
    holiday_year_load(
        calendar=None,
        year=2027,
        days=[(date(2027, 1, 4), DayKind.HOLIDAY)],
        source=DataSource.ADMIN,
        by=officer,
    )
    assert list(DayOverride.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        date(2027, 1, 4)
    ]
    assert HolidayYear.objects.get().source == DataSource.ADMIN
    assert is_workday(date(2027, 1, 1))  # the first load's day off is gone: an ordinary Friday again
    assert not is_workday(date(2027, 1, 4))


@pytest.mark.parametrize(
    "days",
    [
        [(date(2026, 12, 31), "holiday", "")],
        [(date(2027, 1, 1), "holiday", ""), (date(2027, 1, 1), "workday", "")],
        [(date(2027, 2, 20), "workday", "")],
        [(date(2027, 1, 1), "holyday", "")],
        [("2027-01-01", "holiday", "")],
        [],
    ],
)
def test_a_notice_with_a_mistake_is_refused(officer, days):
    with pytest.raises(DomainError):
        holiday_year_load(calendar=None, year=2027, days=days, source=DataSource.FILE, by=officer)
    assert not HolidayYear.objects.exists()
    assert not year_known(2027)


def test_reloading_a_year_recomputes_clocks_that_count_in_it(officer):
    holiday_year_load(calendar=None, year=2027, days=NOTICE_2027, source=DataSource.FILE, by=officer)
    clock = clock_start(start=local("2026-12-28 09:00"), amount=5, unit="working_days", by=officer)
    assert clock.due_at == local("2027-01-05 17:30")
    holiday_year_load(
        calendar=None,
        year=2027,
        days=[*NOTICE_2027, (date(2027, 1, 4), "holiday", "元旦")],
        source=DataSource.FILE,
        by=officer,
    )
    clock.refresh_from_db()
    assert clock.due_at == local("2027-01-06 17:30")


def test_a_year_in_use_by_open_clocks_cannot_be_deleted(officer):
    year = holiday_year_load(calendar=None, year=2027, days=NOTICE_2027, source=DataSource.FILE, by=officer)
    clock = clock_start(start=local("2026-12-28 09:00"), amount=5, unit="working_days", by=officer)
    assert holiday_year_delete_blockers(holiday_year=year)
    with pytest.raises(DomainError):
        holiday_year_delete(holiday_year=year, by=officer)
    assert year_known(2027)
    clock_stop(clock=clock, at=local("2026-12-30 09:00"), by=officer)
    holiday_year_delete(holiday_year=year, by=officer)
    assert not HolidayYear.objects.exists()
    assert not DayOverride.objects.exists()
    assert not year_known(2027)
    assert AuditEvent.objects.filter(action="deadlines.holiday_year.delete").exists()


def test_a_package_year_can_be_deleted_even_with_clocks_as_the_package_still_knows_it(general, officer):
    year = holiday_year_load(
        calendar=None,
        year=2026,
        days=[(date(2026, 11, 10), "holiday", "")],
        source=DataSource.ADMIN,
        by=officer,
    )
    general.refresh_from_db()
    assert general.due_at == local("2026-11-12 17:30")
    assert not holiday_year_delete_blockers(holiday_year=year)
    holiday_year_delete(holiday_year=year, by=officer)
    general.refresh_from_db()
    assert general.due_at == local("2026-11-11 17:30")


def test_an_unknown_kind_or_source_is_refused_with_the_choices(officer):
    with override("en"), pytest.raises(DomainError) as error:
        day_override_set(calendar=None, day=date(2026, 12, 7), kind="vacation", by=officer)
    assert "holiday" in error.value.message
    with pytest.raises(DomainError):
        holiday_year_load(calendar=None, year=2027, days=NOTICE_2027, source="fax", by=officer)
