"""Properties of the arithmetic, checked on generated starts and amounts over 2025-2026 (both years the
package knows): due times never precede the start, more time or a later start never makes a limit
due earlier, limits never fall due on a day off, and pauses never shorten a clock."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massline.deadlines import calendar as cal
from massline.deadlines.calendar import (
    add_counted_time,
    due_at,
    is_workday,
    working_days_between,
    working_time_between,
)
from massline.deadlines.choices import DayKind, PauseReason
from massline.deadlines.models import DayOverride, WorkCalendar
from massline.deadlines.services import clock_pause, clock_resume, clock_start

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
DEFAULT_WINDOWS = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 30)))
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Starts from 2025 to October 2026, so that every amount below stays inside the years the package knows.
starts = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 10, 31, 23, 59), timezones=st.just(TZ)
)
working_days = st.integers(min_value=0, max_value=40)
hours_amounts = st.decimals(min_value=0, max_value=200, places=2)
limits = st.one_of(
    st.tuples(working_days, st.just("working_days")),
    st.tuples(hours_amounts, st.just("working_hours")),
    st.tuples(st.integers(min_value=0, max_value=60), st.just("calendar_days")),
    st.tuples(hours_amounts, st.just("hours")),
)


def amount_strategy(unit):
    return {
        "working_days": working_days,
        "working_hours": hours_amounts,
        "calendar_days": st.integers(min_value=0, max_value=60),
        "hours": hours_amounts,
    }[unit]


units = st.sampled_from(["working_days", "working_hours", "calendar_days", "hours"])


def as_hours(amount):
    return timedelta(microseconds=int(Decimal(amount) * 3_600_000_000))


def in_a_working_window(instant, *, closed_end):
    clock = instant.astimezone(TZ).time()
    return any(
        (start < clock <= end) if closed_end else (start <= clock < end) for start, end in DEFAULT_WINDOWS
    )


@PROPERTY_SETTINGS
@given(start=starts, limit=limits)
def test_a_limit_never_falls_due_before_it_starts(start, limit):
    amount, unit = limit
    assert due_at(start, amount, unit) >= start


@PROPERTY_SETTINGS
@given(start=starts, unit=units, data=st.data())
def test_more_time_never_makes_a_limit_due_earlier(start, unit, data):
    strategy = amount_strategy(unit)
    smaller, larger = sorted([data.draw(strategy), data.draw(strategy)])
    assert due_at(start, smaller, unit) <= due_at(start, larger, unit)


@PROPERTY_SETTINGS
@given(first=starts, second=starts, limit=limits)
def test_a_later_start_never_makes_a_limit_due_earlier(first, second, limit):
    amount, unit = limit
    earlier, later = sorted([first, second])
    assert due_at(earlier, amount, unit) <= due_at(later, amount, unit)


@PROPERTY_SETTINGS
@given(start=starts, amount=working_days)
def test_working_days_fall_due_at_the_end_of_a_working_day(start, amount):
    due = due_at(start, amount, "working_days")
    assert is_workday(due.date())
    assert due.time() == time(17, 30)
    assert working_days_between(start, due) == amount
    # Counting starts the day after the first working instant: never on the day of receipt itself.
    if amount:
        assert due.date() > start.astimezone(TZ).date()


@PROPERTY_SETTINGS
@given(start=starts, amount=hours_amounts)
def test_working_hours_are_taken_only_inside_working_windows_of_working_days(start, amount):
    due = due_at(start, amount, "working_hours")
    assert is_workday(due.date())
    assert in_a_working_window(due, closed_end=amount > 0)
    assert working_time_between(start, due, "working_hours") == as_hours(amount)


@PROPERTY_SETTINGS
@given(start=starts, hours=st.integers(min_value=0, max_value=1000))
def test_plain_hours_are_elapsed_time(start, hours):
    assert due_at(start, hours, "hours") - start == timedelta(hours=hours)


class _Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    days_off=st.sets(st.dates(min_value=date(2026, 11, 2), max_value=date(2026, 12, 4)), max_size=12),
    start=st.datetimes(
        min_value=datetime(2026, 11, 1), max_value=datetime(2026, 11, 30), timezones=st.just(TZ)
    ),
    amount=st.integers(min_value=0, max_value=10),
    hours=st.decimals(min_value=0, max_value=40, places=1),
)
def test_days_off_entered_by_an_administrator_are_skipped(days_off, start, amount, hours):
    try:
        with transaction.atomic():
            DayOverride.objects.bulk_create(DayOverride(date=day, kind=DayKind.HOLIDAY) for day in days_off)
            cal.cache_clear()
            due = due_at(start, amount, "working_days")
            assert due.date() not in days_off
            assert working_days_between(start, due) == amount
            due_hours = due_at(start, hours, "working_hours")
            assert due_hours.date() not in days_off
            assert working_time_between(start, due_hours, "working_hours") == as_hours(hours)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        cal.cache_clear()


@PROPERTY_SETTINGS
@given(
    due=starts,
    unit=units,
    pause_start=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)),
    pause_length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5)),
)
def test_extending_by_a_pause_never_moves_a_due_time_back(due, unit, pause_start, pause_length):
    paused_from = due - pause_start
    counted = working_time_between(paused_from, paused_from + pause_length, unit)
    assert counted <= pause_length
    assert add_counted_time(due, counted, unit) >= due


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 5), max_value=datetime(2026, 9, 30), timezones=st.just(TZ)
    ),
    limit=st.one_of(
        st.tuples(st.integers(min_value=1, max_value=20), st.just("working_days")),
        st.tuples(st.decimals(min_value=1, max_value=80, places=2), st.just("working_hours")),
        st.tuples(st.integers(min_value=1, max_value=20), st.just("calendar_days")),
        st.tuples(st.decimals(min_value=1, max_value=200, places=2), st.just("hours")),
    ),
    pauses=st.lists(
        st.tuples(
            st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4)),
            st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
        ),
        max_size=4,
    ),
)
def test_pauses_never_shorten_a_clock_and_are_left_out_of_its_time(start, limit, pauses):
    amount, unit = limit
    calendar = WorkCalendar.objects.get(is_default=True)
    clock = clock_start(start=start, amount=amount, unit=unit, calendar=calendar)
    original_due = clock.due_at
    cursor = start
    for gap, length in pauses:
        at = cursor + gap
        if at > clock.due_at:
            break
        due_before = clock.due_at
        clock_pause(clock=clock, at=at, reason=PauseReason.WAITING_FOR_CITIZEN, by=None)
        clock_resume(clock=clock, at=at + length, by=None)
        assert clock.due_at >= due_before
        cursor = at + length
    # The time the clock grants is the same as without pauses: the pauses are simply left out.
    granted = working_time_between(start, clock.due_at, unit) - clock.paused_time
    assert granted == working_time_between(start, original_due, unit)
    assert clock.paused_time == sum((p.counted_time for p in clock.pauses.all()), timedelta(0))
    assert clock.amount == Decimal(str(amount))
