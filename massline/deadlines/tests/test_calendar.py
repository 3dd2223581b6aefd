from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest
from django.utils.translation import override

from massline.deadlines import calendar as cal
from massline.deadlines.calendar import (
    add_counted_time,
    due_at,
    first_unknown_year,
    is_workday,
    known_years,
    provisional_between,
    working_days_between,
    working_time_between,
    year_known,
)
from massline.deadlines.choices import DataSource, DayKind
from massline.deadlines.models import DayOverride, HolidayYear, WorkCalendar
from massline.deadlines.services import day_override_set, holiday_year_load, work_calendar_save
from massline.lib.errors import DomainError

from .utils import local

pytestmark = pytest.mark.django_db

NOTICE_2027 = [
    (date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
    (date(2027, 1, 4), DayKind.HOLIDAY, "元旦"),
    (date(2027, 1, 9), DayKind.WORKDAY, "元旦"),
]


# --- official holidays and make-up working days (from the chinese-calendar package) ---------------


def test_a_demand_received_before_national_day_is_due_after_it():
    # 2026: 1-7 October are days off; Saturday 10 October is a make-up working day.
    due = due_at(local("2026-09-30 10:00"), 7, "working_days")
    # Working days after 30 September: 8, 9, 10 (Sat), 12, 13, 14, 15 October.
    assert due == local("2026-10-15 17:30")


def test_the_2026_spring_festival_is_skipped():
    # 15-23 February 2026 are days off; Saturday 14 February is a make-up working day.
    start = local("2026-02-13 10:00")
    assert due_at(start, 1, "working_days") == local("2026-02-14 17:30")
    assert due_at(start, 2, "working_days") == local("2026-02-24 17:30")
    assert due_at(local("2026-02-14 16:30"), 2, "working_hours") == local("2026-02-24 10:00")


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 10, 10),
        date(2025, 1, 26),
        date(2025, 2, 8),
    ],
)
def test_a_make_up_weekend_day_counts_as_a_working_day(day):
    assert day.weekday() >= 5
    assert is_workday(day)


@pytest.mark.parametrize(
    "day", [date(2026, 10, 1), date(2026, 10, 7), date(2026, 2, 16), date(2025, 10, 8), date(2025, 5, 5)]
)
def test_an_official_holiday_on_a_weekday_is_a_day_off(day):
    assert day.weekday() < 5
    assert not is_workday(day)


def test_an_ordinary_weekend_is_a_day_off_and_an_ordinary_weekday_is_not():
    assert not is_workday(date(2026, 11, 28))
    assert is_workday(date(2026, 11, 26))


def test_a_make_up_saturday_takes_working_hours_like_a_weekday():
    # Friday 9 October 2026 16:30 + 2 working hours: 1 hour on Friday, 1 on the make-up Saturday.
    assert due_at(local("2026-10-09 16:30"), 2, "working_hours") == local("2026-10-10 10:00")


# --- the counting rules ---------------------------------------------------------------------------


def test_the_day_of_receipt_is_not_counted():
    # Received on Monday 23 November 2026 at 09:00: day 1 is Tuesday.
    assert due_at(local("2026-11-23 09:00"), 1, "working_days") == local("2026-11-24 17:30")


def test_a_demand_received_at_the_weekend_is_counted_from_monday():
    # Saturday: counting starts on Monday (not counted), so one working day ends on Tuesday.
    assert due_at(local("2026-11-28 10:00"), 1, "working_days") == local("2026-12-01 17:30")
    assert due_at(local("2026-11-28 10:00"), 2, "working_hours") == local("2026-11-30 11:00")


def test_a_demand_received_after_hours_is_counted_from_the_next_working_window():
    assert due_at(local("2026-11-23 18:00"), 1, "working_days") == local("2026-11-25 17:30")
    assert due_at(local("2026-11-23 17:30"), 1, "working_hours") == local("2026-11-24 10:00")
    assert due_at(local("2026-11-23 12:30"), 1, "working_hours") == local("2026-11-23 14:30")
    assert due_at(local("2026-11-23 07:00"), 1, "working_hours") == local("2026-11-23 10:00")


def test_working_hours_end_exactly_at_the_end_of_a_window():
    assert due_at(local("2026-11-23 09:00"), 3, "working_hours") == local("2026-11-23 12:00")
    assert due_at(local("2026-11-23 09:00"), 7, "working_hours") == local("2026-11-23 17:30")


def test_working_hours_run_across_the_lunch_break_and_the_weekend():
    # Emergency: 2 working hours from Friday 16:45 → 45 minutes on Friday, 75 on Monday.
    assert due_at(local("2026-11-27 16:45"), 2, "working_hours") == local("2026-11-30 10:15")
    assert due_at(local("2026-11-23 11:00"), Decimal("1.5"), "working_hours") == local("2026-11-23 14:00")


def test_zero_working_days_end_with_the_working_day_of_receipt():
    assert due_at(local("2026-11-23 09:00"), 0, "working_days") == local("2026-11-23 17:30")
    assert due_at(local("2026-11-28 09:00"), 0, "working_days") == local("2026-11-30 17:30")


def test_calendar_days_and_hours_ignore_holidays():
    start = local("2026-09-30 10:00")
    assert due_at(start, 7, "calendar_days") == local("2026-10-07 10:00")
    assert due_at(start, 24, "hours") == local("2026-10-01 10:00")
    assert due_at(start, Decimal("0.5"), "hours") == local("2026-09-30 10:30")


def test_the_result_is_in_local_time_whatever_zone_the_start_was_given_in():
    start = local("2026-11-23 09:00").astimezone(UTC)
    due = due_at(start, 1, "working_days")
    assert due == local("2026-11-24 17:30")
    assert due.utcoffset() == timedelta(hours=8)


def test_plain_units_never_read_the_calendar_so_they_count_into_an_unknown_year():
    assert due_at(local("2026-12-30 10:00"), 5, "calendar_days") == local("2027-01-04 10:00")
    assert due_at(local("2026-12-31 20:00"), 10, "hours") == local("2027-01-01 06:00")


# --- refusals -------------------------------------------------------------------------------------


def test_it_refuses_a_naive_start_and_says_to_give_a_time_zone():
    from datetime import datetime

    with override("en"), pytest.raises(DomainError) as error:
        due_at(datetime(2026, 11, 23, 9), 1, "working_days")
    assert "time zone" in error.value.message


@pytest.mark.parametrize("amount", [-1, Decimal("-0.5"), -0.1])
def test_it_refuses_a_negative_amount(amount):
    with override("en"), pytest.raises(DomainError) as error:
        due_at(local("2026-11-23 09:00"), amount, "working_hours")
    assert "zero or more" in error.value.message


def test_it_refuses_a_fraction_of_a_working_day_and_points_to_hours():
    with override("en"), pytest.raises(DomainError) as error:
        due_at(local("2026-11-23 09:00"), Decimal("1.5"), "working_days")
    assert "hours" in error.value.message


@pytest.mark.parametrize("amount", ["7", True, None, float("nan")])
def test_it_refuses_an_amount_that_is_not_a_number(amount):
    with pytest.raises(DomainError):
        due_at(local("2026-11-23 09:00"), amount, "working_days")


def test_it_refuses_an_unknown_unit():
    with override("en"), pytest.raises(DomainError) as error:
        due_at(local("2026-11-23 09:00"), 1, "fortnights")
    assert "working_days" in error.value.message


def test_it_refuses_a_time_limit_far_beyond_any_law():
    with pytest.raises(DomainError):
        due_at(local("2026-11-23 09:00"), cal.MAX_AMOUNT + 1, "hours")


def test_it_says_what_to_do_when_no_calendar_is_the_default(default_calendar):
    WorkCalendar.objects.update(is_default=False)
    with override("en"), pytest.raises(DomainError) as error:
        due_at(local("2026-11-23 09:00"), 1, "working_days")
    assert "default" in error.value.message
    assert error.value.code == "no_default_calendar"


# --- unknown years --------------------------------------------------------------------------------


def test_counting_into_2027_without_its_notice_is_provisional_on_the_statutory_holidays():
    # Sunday 20 December 2026: counting starts Monday 21 (not counted); 1 January 2027 is New Year's
    # Day by the national rules, so day 15 is Tuesday 12 January.
    start = local("2026-12-20 10:00")
    due = due_at(start, 15, "working_days")
    assert due == local("2027-01-12 17:30")
    assert provisional_between(start, due, "working_days")
    assert not year_known(2027)
    assert year_known(2026)


def test_a_limit_inside_a_known_year_is_not_provisional():
    start = local("2026-12-01 10:00")
    due = due_at(start, 5, "working_days")
    assert not provisional_between(start, due, "working_days")
    # Plain units never read a calendar.
    assert not provisional_between(local("2026-12-31 10:00"), local("2027-02-01 10:00"), "hours")
    assert not provisional_between(start, None, "working_days")


def test_the_provisional_2027_spring_festival_follows_the_2024_rules():
    # 2027: the eve (Friday 5 February) and the first three days (6-8 February) are off; 6 and 7 fall on
    # a weekend, so they are made up on Tuesday 9 and Wednesday 10 (article 6).
    for day in (5, 8, 9, 10):
        assert not is_workday(date(2027, 2, day))
    assert is_workday(date(2027, 2, 4))
    assert is_workday(date(2027, 2, 11))
    assert due_at(local("2027-02-04 10:00"), 1, "working_days") == local("2027-02-11 17:30")
    # Labour Day (1-2 May) and National Day (1-3 October) by the same rules.
    assert not is_workday(date(2027, 5, 3))
    assert not is_workday(date(2027, 10, 1))
    assert is_workday(date(2027, 10, 6))


def test_a_provisional_year_is_never_plain_monday_to_friday():
    assert not is_workday(date(2027, 1, 1))  # a Friday, New Year's Day
    assert due_at(local("2026-12-31 17:00"), 1, "working_hours") == local("2027-01-04 09:30")
    assert working_time_between(
        local("2026-12-31 09:00"), local("2027-01-02 09:00"), "working_hours"
    ) == timedelta(hours=7)


def test_administrators_overrides_count_in_a_provisional_year(officer):
    day_override_set(calendar=None, day=date(2027, 1, 4), kind=DayKind.HOLIDAY, by=officer)
    assert not is_workday(date(2027, 1, 4))
    assert not year_known(2027)


def test_a_loaded_2027_notice_makes_2027_countable(officer):
    holiday_year_load(calendar=None, year=2027, days=NOTICE_2027, source=DataSource.FILE, by=officer)
    assert year_known(2027)
    # From Thursday 31 December 2026, day 1 is Tuesday 5 January: 1 and 4 January are days off.
    assert due_at(local("2026-12-31 10:00"), 1, "working_days") == local("2027-01-05 17:30")
    assert is_workday(date(2027, 1, 9))  # a make-up Saturday from the notice
    assert not is_workday(date(2027, 1, 10))  # an ordinary Sunday
    assert is_workday(date(2027, 1, 6))  # an ordinary Wednesday
    assert first_unknown_year(from_year=2026) == 2028
    assert known_years()[-2:] == [2026, 2027]


def test_overrides_alone_never_make_a_year_known(officer):
    day_override_set(calendar=None, day=date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦", by=officer)
    assert not year_known(2027)
    assert provisional_between(local("2027-01-05 09:00"), local("2027-01-06 09:00"))


def test_a_year_entered_for_one_calendar_leaves_the_others_unknown(officer, default_calendar):
    other = work_calendar_save(
        calendar=WorkCalendar(code="hotline", name="热线", working_hours="08:00-12:00,13:00-18:00"),
        by=officer,
    )
    holiday_year_load(calendar=other, year=2027, days=NOTICE_2027, source=DataSource.ADMIN, by=officer)
    assert year_known(2027, other)
    assert not year_known(2027, default_calendar)
    start, end = local("2027-01-05 09:00"), local("2027-01-06 09:00")
    assert provisional_between(start, end, "working_days", default_calendar)
    assert not provisional_between(start, end, "working_days", other)


def test_first_unknown_year_is_the_year_after_the_package():
    assert first_unknown_year(from_year=2020) == cal.PACKAGE_LAST_YEAR + 1 == 2027


# --- overrides and per-calendar working hours ------------------------------------------------------


def test_an_override_for_all_calendars_wins_over_the_package(officer):
    # Say 8 October 2026 were declared a day off: the 7 working days after 30 September end a day later.
    day_override_set(calendar=None, day=date(2026, 10, 8), kind=DayKind.HOLIDAY, name="台风", by=officer)
    assert not is_workday(date(2026, 10, 8))
    assert due_at(local("2026-09-30 10:00"), 7, "working_days") == local("2026-10-16 17:30")


def test_an_override_can_cancel_a_make_up_day_of_the_package(officer):
    day_override_set(calendar=None, day=date(2026, 10, 10), kind=DayKind.HOLIDAY, by=officer)
    assert not is_workday(date(2026, 10, 10))


def test_a_calendars_own_override_wins_over_the_override_for_all(officer, default_calendar):
    other = work_calendar_save(calendar=WorkCalendar(code="water", name="水务"), by=officer)
    day_override_set(calendar=None, day=date(2026, 12, 7), kind=DayKind.HOLIDAY, by=officer)
    day_override_set(calendar=other, day=date(2026, 12, 7), kind=DayKind.WORKDAY, by=officer)
    assert not is_workday(date(2026, 12, 7), default_calendar)
    assert is_workday(date(2026, 12, 7), other)
    # Order of entry does not matter: the calendar's own override still wins after a later national one.
    day_override_set(calendar=other, day=date(2026, 12, 12), kind=DayKind.WORKDAY, by=officer)
    day_override_set(calendar=None, day=date(2026, 12, 12), kind=DayKind.HOLIDAY, by=officer)
    assert is_workday(date(2026, 12, 12), other)


def test_each_calendar_counts_its_own_working_hours(officer):
    long_day = work_calendar_save(
        calendar=WorkCalendar(code="long-day", name="长班", working_hours="08:00-12:00, 14:00-18:00"),
        by=officer,
    )
    start = local("2026-11-23 09:00")
    assert due_at(start, 1, "working_days", long_day) == local("2026-11-24 18:00")
    assert due_at(start, 5, "working_hours", long_day) == local("2026-11-23 16:00")
    assert due_at(start, 5, "working_hours") == local("2026-11-23 15:30")


def test_a_calendar_can_be_given_by_its_primary_key(default_calendar):
    start = local("2026-11-23 09:00")
    assert due_at(start, 3, "working_days", default_calendar.pk) == due_at(start, 3, "working_days")


def test_an_unknown_calendar_is_refused(default_calendar):
    with pytest.raises(DomainError):
        due_at(local("2026-11-23 09:00"), 1, "working_days", default_calendar.pk + 1000)
    with pytest.raises(DomainError):
        due_at(local("2026-11-23 09:00"), 1, "working_days", WorkCalendar(code="unsaved", name="x"))


# --- measuring working time -----------------------------------------------------------------------


def test_working_time_between_counts_only_working_windows_of_working_days():
    between = working_time_between(local("2026-10-09 16:30"), local("2026-10-12 10:00"), "working_hours")
    assert between == timedelta(hours=9)  # 1 h Friday, 7 h make-up Saturday, 1 h Monday
    holiday = working_time_between(local("2026-10-01 00:00"), local("2026-10-08 00:00"), "working_days")
    assert holiday == timedelta(0)


def test_working_time_between_plain_units_is_elapsed_time():
    assert working_time_between(local("2026-10-01 08:00"), local("2026-10-02 09:30"), "hours") == timedelta(
        hours=25, minutes=30
    )


def test_working_time_between_refuses_an_end_before_the_start():
    with pytest.raises(DomainError):
        working_time_between(local("2026-10-02 09:00"), local("2026-10-01 09:00"), "working_hours")


def test_working_days_between_says_which_day_of_the_period_it_is():
    start = local("2026-09-30 10:00")
    assert working_days_between(start, local("2026-09-30 16:00")) == 0
    assert working_days_between(start, local("2026-10-05 12:00")) == 0
    assert working_days_between(start, local("2026-10-08 09:00")) == 1
    assert working_days_between(start, local("2026-10-11 12:00")) == 3
    assert working_days_between(start, due_at(start, 7, "working_days")) == 7


def test_add_counted_time_moves_on_by_working_time_and_leaves_zero_alone():
    due = local("2026-11-27 17:30")
    assert add_counted_time(due, timedelta(0), "working_days") == due
    assert add_counted_time(due, timedelta(hours=1), "working_days") == local("2026-11-30 10:00")
    assert add_counted_time(due, timedelta(hours=1), "hours") == local("2026-11-27 18:30")
    with pytest.raises(DomainError):
        add_counted_time(due, timedelta(hours=-1), "hours")


# --- the cache ------------------------------------------------------------------------------------


def test_a_change_through_a_service_counts_at_once_in_this_process(officer):
    start = local("2026-11-23 09:00")
    assert due_at(start, 1, "working_days") == local("2026-11-24 17:30")
    day_override_set(calendar=None, day=date(2026, 11, 24), kind=DayKind.HOLIDAY, by=officer)
    assert due_at(start, 1, "working_days") == local("2026-11-25 17:30")


def test_a_change_made_by_another_process_is_seen_after_the_revision_check(monkeypatch, default_calendar):
    start = local("2026-11-23 09:00")
    assert due_at(start, 1, "working_days") == local("2026-11-24 17:30")
    # Another process: writes the override and bumps the revision, as its services do.
    DayOverride.objects.create(calendar=None, date=date(2026, 11, 24), kind=DayKind.HOLIDAY)
    WorkCalendar.objects.filter(pk=default_calendar.pk).update(revision=default_calendar.revision + 1)
    assert due_at(start, 1, "working_days") == local("2026-11-24 17:30")  # still this process's copy
    monkeypatch.setattr(cal, "REVISION_CHECK_SECONDS", 0.0)
    assert due_at(start, 1, "working_days") == local("2026-11-25 17:30")


def test_an_entered_year_is_seen_by_a_process_that_found_it_unknown(monkeypatch, default_calendar):
    assert not year_known(2027)
    HolidayYear.objects.create(calendar=None, year=2027, source=DataSource.FILE)
    DayOverride.objects.create(calendar=None, date=date(2027, 1, 1), kind=DayKind.HOLIDAY)
    WorkCalendar.objects.update(revision=default_calendar.revision + 1)
    monkeypatch.setattr(cal, "REVISION_CHECK_SECONDS", 0.0)
    assert year_known(2027)
    assert not is_workday(date(2027, 1, 1))


# --- after hours ----------------------------------------------------------------------------------


def test_after_hours_counts_as_the_next_working_day_by_default():
    # Monday 23 November 2026, 20:00: received on Tuesday, day 1 is Wednesday.
    assert due_at(local("2026-11-23 20:00"), 1, "working_days") == local("2026-11-25 17:30")
    assert working_days_between(local("2026-11-23 20:00"), local("2026-11-25 17:30")) == 1


def test_the_same_day_rule_counts_the_evening_as_the_day_it_arrived(settings):
    settings.MASSLINE_AFTER_HOURS_RECEIPT = "same_day"
    assert due_at(local("2026-11-23 20:00"), 1, "working_days") == local("2026-11-24 17:30")
    assert working_days_between(local("2026-11-23 20:00"), local("2026-11-24 17:30")) == 1
    # A weekend is no working day under either rule; working hours are not affected.
    assert due_at(local("2026-11-28 10:00"), 1, "working_days") == local("2026-12-01 17:30")
    assert due_at(local("2026-11-23 20:00"), 1, "working_hours") == local("2026-11-24 10:00")
