"""Working-time arithmetic: which days are working days, when a time limit falls due, and how much
working time lies between two instants. Reads only; every write goes through services.py.

Each process keeps a copy of the calendars it has used (per calendar, per year: which days are working
days) and re-reads the calendars' revision numbers at most every REVISION_CHECK_SECONDS, so a change
made in another process is seen within that time; services clear the copy in their own process at once.
Times are counted on the wall clock of settings.TIME_ZONE and returned there. Every `calendar` argument
takes a WorkCalendar, its primary key (saves loading the row), or None for the default calendar.
"""

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import chinese_calendar
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError

from .choices import WHOLE_UNITS, WORKING_UNITS, AfterHoursReceipt, DayKind, TimeUnit
from .errors import CalendarYearUnknown
from .models import DayOverride, HolidayYear, WorkCalendar, parse_working_hours
from .statutory import provisional_days

__all__ = [
    "PACKAGE_FIRST_YEAR",
    "PACKAGE_LAST_YEAR",
    "CalendarYearUnknown",
    "active_calendars",
    "add_counted_time",
    "cache_clear",
    "due_at",
    "first_unknown_year",
    "get_default_calendar",
    "is_workday",
    "known_years",
    "provisional_between",
    "working_days_between",
    "working_time_between",
    "year_known",
]

# The years the chinese-calendar package knows (it raises NotImplementedError outside them).
PACKAGE_FIRST_YEAR = min(chinese_calendar.holidays).year
PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year
# How often a process re-reads the calendars' revisions to see changes made by other processes.
REVISION_CHECK_SECONDS = 5.0
# The longest time limit accepted, in any unit: far beyond any legal limit, short of datetime overflow.
MAX_AMOUNT = Decimal(100_000)

_DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000
# Names of arguments for error messages: lazy, so that the path without errors translates nothing.
_START, _END, _TIME, _DAY = (
    gettext_lazy("start"),
    gettext_lazy("end"),
    gettext_lazy("time"),
    gettext_lazy("day"),
)


@dataclass(frozen=True)
class _CalendarInfo:
    pk: int
    code: str
    name: str
    name_en: str
    windows: tuple
    is_default: bool
    is_active: bool

    @property
    def day_end(self):
        return self.windows[-1][1]

    @property
    def label(self):
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class _State:
    """One process's copy of the calendars, valid for one set of calendar revisions (`stamp`)."""

    def __init__(self, rows, checked_at):
        self.stamp = rows
        self.checked_at = checked_at
        self.calendars = {}
        self.default_pk = None
        for pk, code, name, name_en, hours, _revision, is_default, is_active in rows:
            self.calendars[pk] = _CalendarInfo(
                pk, code, name, name_en, parse_working_hours(hours), is_default, is_active
            )
            if is_default:
                self.default_pk = pk
        self.flags = {pk: {} for pk in self.calendars}  # calendar -> {date ordinal: is a working day}
        self.years = {}  # (calendar, year) -> known


_state = None


def cache_clear():
    """Forget this process's copy of the calendars (services call it after every calendar change)."""
    global _state
    _state = None


def _current_state(force=False):
    global _state
    state, now = _state, time.monotonic()
    if state is not None and not force and now - state.checked_at < REVISION_CHECK_SECONDS:
        return state
    rows = tuple(
        WorkCalendar.objects.order_by("pk").values_list(
            "pk", "code", "name", "name_en", "working_hours", "revision", "is_default", "is_active"
        )
    )
    if state is not None and state.stamp == rows:
        state.checked_at = now
        return state
    state = _State(rows, now)
    _state = state
    return state


def _calendar_info(calendar):
    """(state, info) for a WorkCalendar, a WorkCalendar's primary key, or None (the default calendar)."""
    if isinstance(calendar, int) and not isinstance(calendar, bool):
        wanted = calendar
    elif calendar is None or isinstance(calendar, WorkCalendar):
        wanted = getattr(calendar, "pk", None)
        if calendar is not None and wanted is None:
            raise DomainError(_("Save the working calendar before counting time with it."))
    else:
        raise DomainError(_("%(value)r is not a working calendar.") % {"value": calendar})
    for force in (False, True):
        state = _current_state(force=force)
        pk = state.default_pk if calendar is None else wanted
        if pk in state.calendars:
            return state, state.calendars[pk]
    if calendar is None:
        raise DomainError(
            _(
                "No working calendar is marked as the default: mark one as the default in the admin "
                "(Deadlines › Working calendars)."
            ),
            code="no_default_calendar",
        )
    code = getattr(calendar, "code", calendar)
    raise DomainError(_("The working calendar “%(code)s” does not exist: choose another.") % {"code": code})


def _read_year(state, info, year):
    """Load one calendar's working days for one year into `state`; returns whether the year is known.

    A known year (the package's, or one whose notice was entered) is counted exactly. Any other year is
    counted provisionally on the statutory holidays (statutory.py), so a time limit is always computed;
    callers mark such results provisional (`provisional_between`) and services recompute them when the
    notice is entered. Administrators' overrides count in both.
    """
    scope = Q(calendar__isnull=True) | Q(calendar_id=info.pk)
    in_package = PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR
    known = in_package or HolidayYear.objects.filter(scope, year=year).exists()
    first, last = date(year, 1, 1), date(year, 12, 31)
    flags = {}
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        day = date.fromordinal(ordinal)
        if in_package and day in chinese_calendar.workdays:
            flags[ordinal] = True
        elif in_package and day in chinese_calendar.holidays:
            flags[ordinal] = False
        else:
            flags[ordinal] = day.weekday() < 5
    if not known:
        try:
            statutory = provisional_days(year)
        except ValueError:
            raise CalendarYearUnknown(year, info.label) from None
        for day, (working, _name) in statutory.items():
            flags[day.toordinal()] = working
    overrides = DayOverride.objects.filter(scope, date__gte=first, date__lte=last).values_list(
        "date", "kind", "calendar_id"
    )
    # Overrides for all calendars first, so that the calendar's own override wins.
    for day, kind, _calendar_id in sorted(overrides, key=lambda row: row[2] is not None):
        flags[day.toordinal()] = kind == DayKind.WORKDAY
    state.flags[info.pk].update(flags)
    state.years[(info.pk, year)] = known
    return known


def _workday(state, info, ordinal):
    flag = state.flags[info.pk].get(ordinal)
    if flag is None:
        _year_known(state, info, date.fromordinal(ordinal).year)
        flag = state.flags[info.pk][ordinal]
    return flag


def _year_known(state, info, year):
    known = state.years.get((info.pk, year))
    return _read_year(state, info, year) if known is None else known


def _counting_day(state, info, local):
    """The day a working-days limit starts counting from (起算日), which is itself not counted.

    Received inside or before the working hours of a working day: that day. Received after them, the
    rule MASSLINE_AFTER_HOURS_RECEIPT decides (docs/deadlines.md): "next_working_day" (the default)
    treats the demand as received on the next working day, "same_day" keeps the day of receipt.
    """
    ordinal, us = _split(local)
    if settings.MASSLINE_AFTER_HOURS_RECEIPT == AfterHoursReceipt.SAME_DAY and _workday(state, info, ordinal):
        return ordinal
    return _next_working_instant(state, info, ordinal, us)[0]


# --- input checks ---------------------------------------------------------------------------------


def _local(instant, what):
    if not isinstance(instant, datetime):
        raise DomainError(
            _("The %(what)s must be a date with a time of day, not %(value)r.")
            % {"what": what, "value": instant}
        )
    if timezone.is_naive(instant):
        raise DomainError(
            _(
                "The %(what)s %(value)s has no time zone, so it is unclear which clock it was read from: "
                "give a time with its zone (timezone.now(), or timezone.make_aware() for local times in "
                "%(zone)s)."
            )
            % {"what": what, "value": instant.isoformat(), "zone": timezone.get_default_timezone_name()}
        )
    return instant.astimezone(timezone.get_default_timezone())


def _unit(unit):
    try:
        return TimeUnit(unit)
    except ValueError:
        raise DomainError(
            _("Unknown time unit %(unit)r: use one of %(units)s.")
            % {"unit": unit, "units": ", ".join(TimeUnit.values)}
        ) from None


def _amount(amount, unit):
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
        raise DomainError(_("The amount of time must be a number, not %(value)r.") % {"value": amount})
    try:
        value = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise DomainError(_("The amount of time must be a number, not %(value)r.") % {"value": amount})
    if value < 0:
        raise DomainError(
            _("A time limit cannot be negative (%(amount)s): give zero or more.") % {"amount": amount}
        )
    if value > MAX_AMOUNT:
        raise DomainError(
            _("A time limit of %(amount)s %(unit)s is too long: give at most %(max)s.")
            % {"amount": amount, "unit": unit.label, "max": MAX_AMOUNT}
        )
    if unit in WHOLE_UNITS and value != value.to_integral_value():
        raise DomainError(
            _("%(unit)s are counted whole: %(amount)s is not a whole number. Use hours for parts of a day.")
            % {"unit": unit.label.capitalize(), "amount": amount}
        )
    return value


def _hours_us(hours):
    return int((hours * _HOUR_US).to_integral_value(rounding=ROUND_HALF_UP))


def _span_us(duration):
    if not isinstance(duration, timedelta):
        raise DomainError(_("The duration must be a timedelta, not %(value)r.") % {"value": duration})
    if duration < timedelta(0):
        raise DomainError(_("A duration cannot be negative (%(value)s).") % {"value": duration})
    return (duration.days * 86_400 + duration.seconds) * 1_000_000 + duration.microseconds


def _split(local):
    return local.toordinal(), (
        (local.hour * 60 + local.minute) * 60 + local.second
    ) * 1_000_000 + local.microsecond


def _join(ordinal, us, tz):
    ordinal, us = ordinal + us // _DAY_US, us % _DAY_US
    day = date.fromordinal(ordinal)
    seconds, micro = divmod(us, 1_000_000)
    return datetime(
        day.year, day.month, day.day, seconds // 3600, seconds // 60 % 60, seconds % 60, micro, tzinfo=tz
    )


# --- walking the calendar -------------------------------------------------------------------------


def _next_working_instant(state, info, ordinal, us):
    """The first instant at or after (day, time) inside a working window of a working day.

    The end of a window is outside it: 12:00 in a 09:00-12:00 window moves to the next window.
    """
    while True:
        if _workday(state, info, ordinal):
            for start, end in info.windows:
                if us < end:
                    return ordinal, max(us, start)
        ordinal, us = ordinal + 1, 0


def _add_working(state, info, ordinal, us, amount):
    """The instant at which `amount` microseconds (> 0) of working time after (day, time) have passed."""
    day_total = sum(end - start for start, end in info.windows)
    while True:
        if _workday(state, info, ordinal):
            if us == 0 and amount > day_total:
                amount -= day_total
            else:
                for start, end in info.windows:
                    if us >= end:
                        continue
                    begin = max(us, start)
                    if amount <= end - begin:
                        return ordinal, begin + amount
                    amount -= end - begin
                    us = end
        ordinal, us = ordinal + 1, 0


# --- the public functions -------------------------------------------------------------------------


def get_default_calendar():
    """The default WorkCalendar (the one used when a time limit names none)."""
    _state, info = _calendar_info(None)
    return WorkCalendar.objects.get(pk=info.pk)


def due_at(start, amount, unit, calendar=None):
    """When a time limit of `amount` `unit` that starts at `start` falls due (期限届满时间).

    - working_days: counting starts at the first working instant at or after `start`; that day is not
      counted (起算日不计入); due at the end of the last working window of the Nth working day after it.
    - working_hours: hours inside the working windows of working days, from the first working instant.
    - calendar_days: the same wall-clock time N days later; hours: elapsed time. Neither reads a calendar.

    `start` must be timezone-aware; the result is in settings.TIME_ZONE. `calendar` None means the
    default calendar. A year whose notice is not entered is counted on its statutory holidays
    (provisional_between tells); DomainError for a naive time, a negative amount, or days that are not
    whole.
    """
    unit = _unit(unit)
    value = _amount(amount, unit)
    local = _local(start, _START)
    tz = local.tzinfo
    if unit is TimeUnit.HOURS:
        return (start.astimezone(UTC) + timedelta(microseconds=_hours_us(value))).astimezone(tz)
    if unit is TimeUnit.CALENDAR_DAYS:
        ordinal, us = _split(local)
        return _join(ordinal + int(value), us, tz)
    state, info = _calendar_info(calendar)
    if unit is TimeUnit.WORKING_HOURS:
        ordinal, us = _next_working_instant(state, info, *_split(local))
        amount_us = _hours_us(value)
        if amount_us == 0:
            return _join(ordinal, us, tz)
        return _join(*_add_working(state, info, ordinal, us, amount_us), tz)
    ordinal = _counting_day(state, info, local)
    remaining = int(value)
    while remaining:
        ordinal += 1
        if _workday(state, info, ordinal):
            remaining -= 1
    return _join(ordinal, info.day_end, tz)


def add_counted_time(instant, duration, unit, calendar=None):
    """`instant` moved on by `duration` of counted time: working time (inside working windows of working
    days) for working units, elapsed time for plain ones. A zero duration leaves `instant` as it is.

    This is how a pause extends a due time: by the working time (or elapsed time) it took.
    """
    unit = _unit(unit)
    local = _local(instant, _TIME)
    amount = _span_us(duration)
    if amount == 0:
        return local
    if unit not in WORKING_UNITS:
        return (instant.astimezone(UTC) + duration).astimezone(local.tzinfo)
    state, info = _calendar_info(calendar)
    return _join(*_add_working(state, info, *_split(local), amount), local.tzinfo)


def working_time_between(start, end, unit, calendar=None):
    """The counted time from `start` to `end` as a timedelta: for working units the time inside working
    windows of working days, for plain units the elapsed time. `end` must not come before `start`."""
    unit = _unit(unit)
    first, last = _local(start, _START), _local(end, _END)
    if last < first:
        raise DomainError(
            _("The end %(end)s comes before the start %(start)s: give the earlier time first.")
            % {"start": first.isoformat(), "end": last.isoformat()}
        )
    if unit not in WORKING_UNITS:
        return end - start
    state, info = _calendar_info(calendar)
    (day_a, us_a), (day_b, us_b) = _split(first), _split(last)
    total = 0
    for ordinal in range(day_a, day_b + 1):
        low = us_a if ordinal == day_a else 0
        high = us_b if ordinal == day_b else _DAY_US
        if high <= low or not _workday(state, info, ordinal):
            continue
        total += sum(max(0, min(end_w, high) - max(start_w, low)) for start_w, end_w in info.windows)
    return timedelta(microseconds=total)


def working_days_between(start, end, calendar=None):
    """Which working day of a period that started at `start` the instant `end` falls on (第几个工作日).

    Counts the working days after the day counting starts on, up to and including the day of `end`;
    for every n, working_days_between(s, due_at(s, n, "working_days")) == n.
    """
    first, last = _local(start, _START), _local(end, _END)
    if last < first:
        raise DomainError(
            _("The end %(end)s comes before the start %(start)s: give the earlier time first.")
            % {"start": first.isoformat(), "end": last.isoformat()}
        )
    state, info = _calendar_info(calendar)
    counting_day = _counting_day(state, info, first)
    return sum(
        1 for ordinal in range(counting_day + 1, last.toordinal() + 1) if _workday(state, info, ordinal)
    )


def is_workday(day, calendar=None):
    """True if `day` (a date; an aware datetime is read in TIME_ZONE) is a working day of the calendar."""
    if isinstance(day, datetime):
        day = _local(day, _DAY).date()
    state, info = _calendar_info(calendar)
    return _workday(state, info, day.toordinal())


def year_known(year, calendar=None):
    """True if the calendar's holidays for `year` are known: from the package or an entered HolidayYear.

    An unknown year is still counted, provisionally, on the statutory holidays (statutory.py).
    """
    state, info = _calendar_info(calendar)
    return _year_known(state, info, year)


def provisional_between(start, end, unit=TimeUnit.WORKING_DAYS, calendar=None):
    """True if time counted from `start` to `end` in `unit` rests on a year whose notice is not entered.

    Plain units never read a calendar, so they are never provisional. `end` may be None (nothing due).
    """
    if end is None or _unit(unit) not in WORKING_UNITS:
        return False
    first, last = _local(start, _START), _local(end, _END)
    state, info = _calendar_info(calendar)
    return any(
        not _year_known(state, info, year) for year in range(min(first, last).year, max(first, last).year + 1)
    )


def first_unknown_year(calendar=None, *, from_year=None):
    """The first year, from `from_year` (default: this year), whose holidays the calendar does not know."""
    state, info = _calendar_info(calendar)
    year = timezone.localdate().year if from_year is None else from_year
    while _year_known(state, info, year):
        year += 1
    return year


def known_years(calendar=None):
    """Every year the calendar can count, ascending: the package's years and the entered ones."""
    _state, info = _calendar_info(calendar)
    entered = HolidayYear.objects.filter(Q(calendar__isnull=True) | Q(calendar_id=info.pk)).values_list(
        "year", flat=True
    )
    return sorted(set(range(PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR + 1)) | set(entered))


def active_calendars():
    """(pk, label) of the active calendars, the default first, from this process's copy."""
    state = _current_state()
    infos = sorted(state.calendars.values(), key=lambda info: (not info.is_default, info.code))
    return [(info.pk, info.label) for info in infos if info.is_active]
