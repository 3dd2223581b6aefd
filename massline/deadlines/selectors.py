"""Reads of the deadlines app: warnings about years without holidays, and how far a clock has run.

Nothing here is personal or scoped to a unit: every official may see calendar warnings and the clocks
of the work they can already see (the calling app scopes the work itself).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from massline.lib.errors import DomainError

from . import calendar as cal
from .choices import ClockState


@dataclass(frozen=True)
class CalendarWarning:
    """A year without holidays in some active calendar. `str()` is the translated sentence to show."""

    year: int
    level: str  # "error": the year has begun; "warning": it begins within the warning period
    days_left: int
    calendars: tuple  # labels of the calendars missing the year; empty when every active one is
    message: str

    def __str__(self):
        return self.message


def _missing_message(year, days_left, calendars):
    todo = _(
        "Enter the State Council's holiday notice for %(year)d in the admin (Deadlines › Holiday years) "
        "or load it with `massline deadlines load-year FILE`."
    ) % {"year": year}
    names = "、".join(calendars)
    if days_left <= 0:
        if calendars:
            problem = _(
                "The working calendar(s) %(names)s have no holiday notice for %(year)d: time limits reaching "
                "into %(year)d are provisional (counted on the statutory holidays) until it is entered."
            ) % {"names": names, "year": year}
        else:
            problem = _(
                "There is no holiday notice for %(year)d: time limits reaching into %(year)d are provisional "
                "(counted on the statutory holidays) until it is entered."
            ) % {"year": year}
    elif calendars:
        problem = ngettext(
            "%(year)d begins in %(days)d day and the working calendar(s) %(names)s have no holidays for it "
            "yet: time limits reaching into %(year)d are provisional (counted on the statutory holidays) "
            "until its notice is entered.",
            "%(year)d begins in %(days)d days and the working calendar(s) %(names)s have no holidays for it "
            "yet: time limits reaching into %(year)d are provisional (counted on the statutory holidays) "
            "until its notice is entered.",
            days_left,
        ) % {"year": year, "days": days_left, "names": names}
    else:
        problem = ngettext(
            "%(year)d begins in %(days)d day and there are no holidays for it yet: time limits reaching "
            "into %(year)d are provisional (counted on the statutory holidays) until its notice is entered.",
            "%(year)d begins in %(days)d days and there are no holidays for it yet: time limits reaching "
            "into %(year)d are provisional (counted on the statutory holidays) until its notice is entered.",
            days_left,
        ) % {"year": year, "days": days_left}
    # Two sentences: English puts a space between them, Chinese does not.
    return _("%(problem)s %(todo)s") % {"problem": problem, "todo": todo}


def calendar_warnings(*, today=None, warn_days=None):
    """Warnings for staff pages: this year, or next year when it begins within `warn_days` days
    (settings.MASSLINE_CALENDAR_WARN_DAYS), has no holidays in some active calendar.

    Cheap enough for every page: it reads this process's calendar copy, no query once it is warm.
    """
    today = today or timezone.localdate()
    warn_days = settings.MASSLINE_CALENDAR_WARN_DAYS if warn_days is None else warn_days
    active = cal.active_calendars()
    years = [today.year]
    if (date(today.year + 1, 1, 1) - today).days <= warn_days:
        years.append(today.year + 1)
    warnings = []
    for year in years:
        missing = tuple(label for pk, label in active if not cal.year_known(year, pk))
        if not missing:
            continue
        days_left = (date(year, 1, 1) - today).days
        named = () if len(missing) == len(active) else missing
        warnings.append(
            CalendarWarning(
                year=year,
                level="error" if days_left <= 0 else "warning",
                days_left=max(days_left, 0),
                calendars=named,
                message=_missing_message(year, days_left, named),
            )
        )
        break  # the earliest missing year is the one to act on; later years follow from it
    return warnings


def _used(clock, at):
    """Counted time the clock has used by `at` (pauses excluded)."""
    end = {ClockState.PAUSED: clock.paused_at, ClockState.STOPPED: clock.stopped_at}.get(clock.state, at)
    end = max(min(end, at), clock.start)
    used = cal.working_time_between(clock.start, end, clock.unit, clock.calendar_id) - clock.paused_time
    return max(used, timedelta(0))


def _budget(clock):
    """Counted time the clock grants: from start to due, less the pauses that moved the due time."""
    return (
        cal.working_time_between(clock.start, clock.due_at, clock.unit, clock.calendar_id) - clock.paused_time
    )


def clock_share_used(*, clock, at):
    """The share of a clock's time used by `at`: 0.0 at the start, 1.0 at the due time, above 1 when overdue.

    Counted in the clock's unit (working time for working units), pauses excluded; a paused clock's share
    stands still. For warnings "at 80% of the time" (cases) and progress bars.
    """
    budget = _budget(clock)
    used = _used(clock, at)
    if budget <= timedelta(0):
        return 1.0 if at >= clock.due_at else 0.0
    return used / budget


def clock_warning_at(*, clock, share):
    """The instant at which a running clock will have used `share` of its time (1.0 is the due time),
    assuming no further pause; an instant in the past means the share is already used. None unless running.

    Store it in an indexed column to fire warnings without scanning every clock (re-read it after a
    pause, resume or extension).
    """
    share = float(share)
    if not share >= 0:
        raise DomainError(
            _("A share of time must be zero or more, such as 0.8 for 80%%, not %(share)s.") % {"share": share}
        )
    if clock.state != ClockState.RUNNING:
        return None
    target = _budget(clock) * share + clock.paused_time
    return cal.add_counted_time(clock.start, target, clock.unit, clock.calendar_id)
