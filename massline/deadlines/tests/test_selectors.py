from datetime import date

import pytest
from django.test import override_settings
from django.utils.translation import override

from massline.deadlines.choices import DataSource, PauseReason
from massline.deadlines.models import WorkCalendar
from massline.deadlines.selectors import calendar_warnings, clock_share_used, clock_warning_at
from massline.deadlines.services import (
    clock_pause,
    clock_resume,
    clock_start,
    holiday_year_load,
    work_calendar_save,
)

from .utils import local

pytestmark = pytest.mark.django_db

NOTICE_2027 = [(date(2027, 1, 1), "holiday", "元旦")]


# --- calendar warnings ----------------------------------------------------------------------------


def test_staff_are_warned_before_a_year_without_holidays_begins():
    with override("en"):
        [warning] = calendar_warnings(today=date(2026, 11, 26), warn_days=60)
    assert warning.year == 2027
    assert warning.level == "warning"
    assert warning.days_left == 36
    assert warning.calendars == ()
    assert "2027 begins in 36 days" in str(warning)
    assert "load-year" in str(warning)


def test_the_warning_period_comes_from_the_settings():
    with override_settings(MASSLINE_CALENDAR_WARN_DAYS=30):
        assert calendar_warnings(today=date(2026, 11, 26)) == []
    with override_settings(MASSLINE_CALENDAR_WARN_DAYS=40):
        assert len(calendar_warnings(today=date(2026, 11, 26))) == 1


def test_there_is_no_warning_well_before_the_year_or_once_it_is_entered(officer):
    assert calendar_warnings(today=date(2026, 6, 1), warn_days=60) == []
    holiday_year_load(calendar=None, year=2027, days=NOTICE_2027, source=DataSource.FILE, by=officer)
    assert calendar_warnings(today=date(2026, 12, 31), warn_days=60) == []


def test_a_year_that_has_begun_without_holidays_is_an_error():
    with override("en"):
        [warning] = calendar_warnings(today=date(2027, 1, 4), warn_days=60)
    assert warning.level == "error"
    assert warning.days_left == 0
    assert "provisional" in warning.message


def test_the_warning_names_the_calendars_that_miss_the_year(officer, default_calendar):
    other = work_calendar_save(calendar=WorkCalendar(code="water", name="水务", name_en="Water"), by=officer)
    holiday_year_load(calendar=other, year=2027, days=NOTICE_2027, source=DataSource.ADMIN, by=officer)
    with override("en"):
        [warning] = calendar_warnings(today=date(2026, 12, 1), warn_days=60)
    assert warning.calendars == (default_calendar.name_en,)
    assert default_calendar.name_en in warning.message
    assert "Water" not in warning.message


def test_inactive_calendars_are_not_warned_about(officer, default_calendar):
    work_calendar_save(calendar=WorkCalendar(code="old", name="旧", is_active=False), by=officer)
    holiday_year_load(
        calendar=default_calendar, year=2027, days=NOTICE_2027, source=DataSource.ADMIN, by=officer
    )
    assert calendar_warnings(today=date(2026, 12, 1), warn_days=60) == []


def test_the_warning_is_in_chinese_for_chinese_staff():
    with override("zh-hans"):
        [warning] = calendar_warnings(today=date(2026, 11, 26), warn_days=60)
    assert "国务院" in warning.message
    assert "36" in warning.message


# --- how far a clock has run ----------------------------------------------------------------------


@pytest.fixture
def general(officer):
    # 7 working days from Monday 2 November 2026 09:00 to Wednesday 11 November 17:30: 56 working hours
    # (Monday's 7, then 7 working days of 7).
    return clock_start(start=local("2026-11-02 09:00"), amount=7, unit="working_days", by=officer)


def test_the_share_of_time_used_counts_working_time(general):
    assert clock_share_used(clock=general, at=local("2026-11-02 09:00")) == 0
    assert clock_share_used(clock=general, at=local("2026-11-06 17:30")) == pytest.approx(5 * 7 / 56)
    assert clock_share_used(clock=general, at=local("2026-11-07 12:00")) == pytest.approx(5 * 7 / 56)
    assert clock_share_used(clock=general, at=general.due_at) == pytest.approx(1)
    assert clock_share_used(clock=general, at=local("2026-11-12 17:30")) == pytest.approx(63 / 56)


def test_a_paused_clock_uses_no_time_and_a_pause_is_left_out(general, officer):
    clock_pause(
        clock=general, at=local("2026-11-03 09:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
    )
    frozen = clock_share_used(clock=general, at=local("2026-11-03 09:00"))
    assert clock_share_used(clock=general, at=local("2026-11-10 09:00")) == pytest.approx(frozen)
    assert clock_warning_at(clock=general, share=0.8) is None
    clock_resume(clock=general, at=local("2026-11-04 09:00"), by=officer)
    assert clock_share_used(clock=general, at=local("2026-11-04 09:00")) == pytest.approx(frozen)
    assert clock_share_used(clock=general, at=general.due_at) == pytest.approx(1)


def test_the_warning_instant_is_when_that_share_is_used(general, officer):
    assert clock_warning_at(clock=general, share=1) == general.due_at
    assert clock_warning_at(clock=general, share=0) == general.start
    at = clock_warning_at(clock=general, share=0.5)
    assert at == local("2026-11-05 17:30")  # 28 working hours: Monday to Thursday
    assert clock_share_used(clock=general, at=at) == pytest.approx(0.5)
    clock_pause(
        clock=general, at=local("2026-11-03 09:00"), reason=PauseReason.WAITING_FOR_CITIZEN, by=officer
    )
    clock_resume(clock=general, at=local("2026-11-04 09:00"), by=officer)
    later = clock_warning_at(clock=general, share=0.5)
    assert later == local("2026-11-06 17:30")  # a day later: Tuesday was paused
    assert clock_share_used(clock=general, at=later) == pytest.approx(0.5)


def test_a_plain_clock_shares_elapsed_time(officer):
    clock = clock_start(start=local("2026-11-02 09:00"), amount=24, unit="hours", by=officer)
    assert clock_share_used(clock=clock, at=local("2026-11-02 21:00")) == pytest.approx(0.5)
    assert clock_warning_at(clock=clock, share=0.75) == local("2026-11-03 03:00")
