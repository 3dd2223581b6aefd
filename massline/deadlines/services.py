"""Writes of the deadlines app: clocks (start, pause, resume, stop, extend) and calendar data (holiday
years, day overrides, calendars), each in one transaction that writes its audit event.

A change to calendar data bumps the revision of the calendars it touches (so other processes drop their
cached copy), clears this process's copy, and recomputes the due time of the open clocks it affects:
a holiday declared after a clock started still extends it.
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record, diff_fields, snapshot
from massline.lib.errors import DomainError

from . import calendar as cal
from . import listeners
from .choices import OPEN_CLOCK_STATES, WORKING_UNITS, ClockState, DataSource, DayKind, PauseReason
from .errors import ClockStateError
from .listeners import CalendarChange, ClockMove
from .models import (
    FIRST_CALENDAR_YEAR,
    LAST_CALENDAR_YEAR,
    Clock,
    ClockPause,
    DayOverride,
    HolidayYear,
    WorkCalendar,
)

_CLOCK_FIELDS = [
    "state",
    "due_at",
    "provisional",
    "paused_at",
    "paused_time",
    "stopped_at",
    "extended_amount",
]
_CALENDAR_FIELDS = ["code", "name", "name_en", "is_default", "is_active", "working_hours"]
_CENT = Decimal("0.01")


# --- clocks ---------------------------------------------------------------------------------------


def _clock_amount(amount, unit):
    value = cal._amount(amount, cal._unit(unit))
    if value != value.quantize(_CENT):
        raise DomainError(
            _("A time limit is kept to two decimals (%(amount)s): round it, or use a smaller unit.")
            % {"amount": amount}
        )
    return value


def _clock_due(clock):
    """The due time from scratch: the limit plus extensions, moved on by the counted time of closed
    pauses. Sets `clock.provisional` when it rests on a year whose holiday notice is not entered."""
    base = cal.due_at(clock.start, clock.amount + clock.extended_amount, clock.unit, clock.calendar)
    due = cal.add_counted_time(base, clock.paused_time, clock.unit, clock.calendar)
    clock.provisional = cal.provisional_between(clock.start, due, clock.unit, clock.calendar)
    return due


def _lock(clock):
    return Clock.objects.select_for_update(of=("self",)).get(pk=clock.pk)


def _copy_back(locked, clock):
    """Let the caller's instance see what the service wrote to the locked row."""
    for field in Clock._meta.concrete_fields:
        setattr(clock, field.attname, getattr(locked, field.attname))


def _check_time(at, *, not_before, what):
    local = cal._local(at, what)
    if at < not_before:
        raise DomainError(
            _("The %(what)s (%(at)s) comes before %(limit)s, the clock's last recorded time: check the time.")
            % {
                "what": what,
                "at": f"{local:%Y-%m-%d %H:%M}",
                "limit": f"{timezone.localtime(not_before):%Y-%m-%d %H:%M}",
            }
        )


def _last_event_time(clock):
    last_end = (
        clock.pauses.filter(ended_at__isnull=False).order_by("-ended_at").values_list("ended_at", flat=True)
    )
    return max([clock.start, *last_end[:1]])


def _refuse_stopped(clock, message):
    if clock.state == ClockState.STOPPED:
        raise ClockStateError(message % {"at": f"{timezone.localtime(clock.stopped_at):%Y-%m-%d %H:%M}"})


def _close_pause(clock, at):
    pause = clock.pauses.get(ended_at__isnull=True)
    pause.ended_at = at
    pause.counted_time = cal.working_time_between(pause.started_at, at, clock.unit, clock.calendar)
    pause.save(update_fields=["ended_at", "counted_time"])
    clock.paused_time += pause.counted_time
    clock.paused_at = None
    clock.due_at = _clock_due(clock)
    return pause


def clock_start(*, start, amount, unit, calendar=None, by=None):
    """Start a clock: a time limit of `amount` `unit` from `start` on `calendar` (default calendar if None).

    A limit that reaches a year whose holiday notice is not entered is counted on the statutory holidays
    and marked `provisional`; entering the notice recomputes it.
    """
    with transaction.atomic():
        calendar = calendar if calendar is not None else cal.get_default_calendar()
        value = _clock_amount(amount, unit)
        clock = Clock(calendar=calendar, start=start, amount=value, unit=cal._unit(unit))
        clock.due_at = _clock_due(clock)
        clock.save()
        audit_record(
            action="deadlines.clock.start",
            obj=clock,
            actor=by,
            details={
                "start": start,
                "amount": str(value),
                "unit": clock.unit,
                "calendar": calendar.code,
                "due_at": clock.due_at,
                "provisional": clock.provisional,
            },
        )
    return clock


def clock_pause(*, clock, at, reason, by, note=""):
    """Pause a running clock at `at` (挂起): it stands still until resumed.

    An overdue clock cannot be paused: a pause must not wipe out a delay that has already happened.
    """
    try:
        reason = PauseReason(reason)
    except ValueError:
        raise DomainError(
            _("Unknown pause reason %(reason)r: use one of %(reasons)s.")
            % {"reason": reason, "reasons": ", ".join(PauseReason.values)}
        ) from None
    if reason == PauseReason.OTHER and not note.strip():
        raise DomainError(_("Explain in the note why the clock is paused."))
    with transaction.atomic():
        locked = _lock(clock)
        _refuse_stopped(locked, _("This clock was stopped at %(at)s: a stopped clock cannot be paused."))
        if locked.state == ClockState.PAUSED:
            raise ClockStateError(
                _("This clock is already paused since %(at)s: resume it before pausing it again.")
                % {"at": f"{timezone.localtime(locked.paused_at):%Y-%m-%d %H:%M}"}
            )
        _check_time(at, not_before=_last_event_time(locked), what=_("pause time"))
        if at > locked.due_at:
            raise ClockStateError(
                _(
                    "The time limit ran out at %(due)s, before the pause at %(at)s: an overdue clock cannot "
                    "be paused. Ask for an extension instead."
                )
                % {
                    "due": f"{timezone.localtime(locked.due_at):%Y-%m-%d %H:%M}",
                    "at": f"{timezone.localtime(at):%Y-%m-%d %H:%M}",
                }
            )
        before = snapshot(locked, _CLOCK_FIELDS)
        pause = ClockPause.objects.create(clock=locked, started_at=at, reason=reason, note=note.strip())
        locked.state, locked.paused_at = ClockState.PAUSED, at
        locked.save(update_fields=["state", "paused_at"])
        audit_record(
            action="deadlines.clock.pause",
            obj=locked,
            actor=by,
            changes=diff_fields(before, snapshot(locked, _CLOCK_FIELDS), _CLOCK_FIELDS),
            details={"pause": pause.pk, "reason": reason.value, "note": pause.note},
        )
    _copy_back(locked, clock)
    return clock


def clock_resume(*, clock, at, by):
    """Resume a paused clock at `at`: the due time moves on by the pause's counted time, never back."""
    with transaction.atomic():
        locked = _lock(clock)
        _refuse_stopped(locked, _("This clock was stopped at %(at)s: a stopped clock cannot be resumed."))
        if locked.state != ClockState.PAUSED:
            raise ClockStateError(_("This clock is running, not paused: there is nothing to resume."))
        _check_time(at, not_before=locked.paused_at, what=_("resume time"))
        before = snapshot(locked, _CLOCK_FIELDS)
        pause = _close_pause(locked, at)
        locked.state = ClockState.RUNNING
        locked.save(update_fields=["state", "paused_at", "paused_time", "due_at", "provisional"])
        audit_record(
            action="deadlines.clock.resume",
            obj=locked,
            actor=by,
            changes=diff_fields(before, snapshot(locked, _CLOCK_FIELDS), _CLOCK_FIELDS),
            details={"pause": pause.pk, "counted_time": pause.counted_time},
        )
    _copy_back(locked, clock)
    return clock


def clock_stop(*, clock, at, by):
    """Stop a clock at `at` (the work is done, e.g. the reply was sent). A paused clock is resumed first."""
    with transaction.atomic():
        locked = _lock(clock)
        _refuse_stopped(locked, _("This clock was already stopped at %(at)s."))
        not_before = locked.paused_at if locked.state == ClockState.PAUSED else _last_event_time(locked)
        _check_time(at, not_before=not_before, what=_("stop time"))
        before = snapshot(locked, _CLOCK_FIELDS)
        if locked.state == ClockState.PAUSED:
            _close_pause(locked, at)
        locked.state, locked.stopped_at = ClockState.STOPPED, at
        locked.save(
            update_fields=["state", "paused_at", "paused_time", "due_at", "provisional", "stopped_at"]
        )
        audit_record(
            action="deadlines.clock.stop",
            obj=locked,
            actor=by,
            changes=diff_fields(before, snapshot(locked, _CLOCK_FIELDS), _CLOCK_FIELDS),
            details={"on_time": at <= locked.due_at},
        )
    _copy_back(locked, clock)
    return clock


def clock_extend(*, clock, amount, by, reason=""):
    """Extend an open clock by `amount` more of its own unit (an approved extension, 延期)."""
    with transaction.atomic():
        locked = _lock(clock)
        _refuse_stopped(
            locked,
            _("This clock was stopped at %(at)s: a stopped clock cannot be extended. Start a new one."),
        )
        value = _clock_amount(amount, locked.unit)
        if value == 0:
            raise DomainError(_("An extension must add some time: give an amount above zero."))
        before = snapshot(locked, _CLOCK_FIELDS)
        locked.extended_amount += value
        locked.due_at = _clock_due(locked)
        locked.save(update_fields=["extended_amount", "due_at", "provisional"])
        audit_record(
            action="deadlines.clock.extend",
            obj=locked,
            actor=by,
            changes=diff_fields(before, snapshot(locked, _CLOCK_FIELDS), _CLOCK_FIELDS),
            details={"amount": str(value), "reason": reason},
        )
    _copy_back(locked, clock)
    return clock


def _clock_recompute(clock):
    """Re-measure the closed pauses and the due time after a calendar change; True if anything moved."""
    total = timedelta(0)
    for pause in clock.pauses.filter(ended_at__isnull=False):
        counted = cal.working_time_between(pause.started_at, pause.ended_at, clock.unit, clock.calendar)
        if counted != pause.counted_time:
            pause.counted_time = counted
            pause.save(update_fields=["counted_time"])
        total += counted
    before = (clock.paused_time, clock.due_at, clock.provisional)
    clock.paused_time = total
    clock.due_at = _clock_due(clock)
    return before != (clock.paused_time, clock.due_at, clock.provisional)


def _clocks_recompute(*, calendar, since, until, by, cause):
    """Recompute the open clocks on working units (of `calendar`, or of all if None) whose time from
    start to due touches the dates since..until (None: unbounded), then tell the listeners
    (listeners.py) which moved, in the same transaction. Returns how many moved."""
    tz = timezone.get_default_timezone()
    clocks = Clock.objects.select_for_update(of=("self",)).filter(
        state__in=OPEN_CLOCK_STATES, unit__in=WORKING_UNITS
    )
    if calendar is not None:
        clocks = clocks.filter(calendar=calendar)
    if until is not None:
        clocks = clocks.filter(start__lt=datetime.combine(until + timedelta(days=1), dtime.min, tzinfo=tz))
    if since is not None:
        clocks = clocks.filter(
            Q(due_at__gte=datetime.combine(since, dtime.min, tzinfo=tz)) | Q(state=ClockState.PAUSED)
        )
    moves = []
    for clock in clocks.select_related("calendar").order_by("pk"):
        before = snapshot(clock, _CLOCK_FIELDS)
        due_before, provisional_before = clock.due_at, clock.provisional
        if _clock_recompute(clock):
            clock.save(update_fields=["paused_time", "due_at", "provisional"])
            audit_record(
                action="deadlines.clock.recompute",
                obj=clock,
                actor=by,
                changes=diff_fields(before, snapshot(clock, _CLOCK_FIELDS), _CLOCK_FIELDS),
                details={"cause": cause},
            )
            moves.append(ClockMove(clock.pk, due_before, clock.due_at, provisional_before, clock.provisional))
    listeners.announce(
        CalendarChange(
            calendar_id=getattr(calendar, "pk", None),
            since=since,
            until=until,
            by=by,
            cause=cause,
            moves=tuple(moves),
        )
    )
    return len(moves)


# --- calendar data --------------------------------------------------------------------------------


@contextmanager
def _changing_calendars(calendar):
    """Bump the revision of `calendar` (all calendars if None) and keep this process's cache honest:
    cleared before the change is used, after a rollback, and once the change is committed."""
    calendars = (
        WorkCalendar.objects.all() if calendar is None else WorkCalendar.objects.filter(pk=calendar.pk)
    )
    calendars.update(revision=F("revision") + 1)
    cal.cache_clear()
    try:
        yield
    finally:
        cal.cache_clear()
    transaction.on_commit(cal.cache_clear)


def _scope(calendar):
    return {"calendar__isnull": True} if calendar is None else {"calendar": calendar}


def _scope_label(calendar):
    return calendar.code if calendar is not None else "*"


def _choice(choices, value):
    try:
        return choices(value)
    except ValueError:
        raise DomainError(
            _("Unknown value %(value)r: use one of %(values)s.")
            % {"value": value, "values": ", ".join(choices.values)}
        ) from None


def _refuse_invalid(obj):
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="invalid") from exc


def holiday_year_validate(*, year, days):
    """Check a year's notice before it is loaded; returns the days as sorted (date, DayKind, name) triples.

    `days` holds (date, kind) or (date, kind, name) items. Raises DomainError naming the first problem.
    """
    if not isinstance(year, int) or not FIRST_CALENDAR_YEAR <= year <= LAST_CALENDAR_YEAR:
        raise DomainError(
            _(
                "%(year)s is not a year a holiday notice can be entered for: "
                "give a year from %(first)d to %(last)d."
            )
            % {"year": year, "first": FIRST_CALENDAR_YEAR, "last": LAST_CALENDAR_YEAR}
        )
    checked, seen = [], set()
    for item in days:
        if not isinstance(item, tuple | list) or len(item) not in (2, 3):
            raise DomainError(
                _("%(value)r is not a day of a notice: give (date, kind) or (date, kind, name).")
                % {"value": item}
            )
        day, kind, name = item[0], item[1], item[2] if len(item) == 3 else ""
        if not isinstance(day, date) or isinstance(day, datetime):
            raise DomainError(_("%(value)r is not a date: give dates such as 2027-01-01.") % {"value": day})
        if day.year != year:
            raise DomainError(
                _("%(day)s is not in %(year)d: a year's notice lists only that year's days.")
                % {"day": day.isoformat(), "year": year}
            )
        if day in seen:
            raise DomainError(
                _("%(day)s is listed twice: keep one line per date.") % {"day": day.isoformat()}
            )
        try:
            kind = DayKind(kind)
        except ValueError:
            raise DomainError(
                _("%(day)s: unknown kind %(kind)r, use “holiday” or “workday”.")
                % {"day": day.isoformat(), "kind": kind}
            ) from None
        seen.add(day)
        checked.append((day, kind, (name or "").strip()[:100]))
    if not any(kind == DayKind.HOLIDAY for _day, kind, _name in checked):
        raise DomainError(
            _(
                "The notice for %(year)d lists no days off, but every State Council notice has holidays "
                "(元旦, 春节 …): check the days entered or the file."
            )
            % {"year": year}
        )
    return sorted(checked)


def _days_of(queryset):
    return [[day.isoformat(), kind, name] for day, kind, name in queryset.values_list("date", "kind", "name")]


def holiday_year_load(*, calendar, year, days, source, by, notice="", note=""):
    """Enter a year's holiday notice (for all calendars when `calendar` is None): its days off and
    make-up working days replace the overrides of that year in that scope, and the year becomes known.

    Open clocks counted over that year are recomputed. Returns the HolidayYear.
    """
    checked = holiday_year_validate(year=year, days=days)
    source = _choice(DataSource, source)
    with transaction.atomic(), _changing_calendars(calendar):
        overrides = DayOverride.objects.filter(**_scope(calendar), date__year=year).order_by("date")
        before = _days_of(overrides)
        overrides.delete()
        DayOverride.objects.bulk_create(
            DayOverride(calendar=calendar, date=day, kind=kind, name=name, source=source)
            for day, kind, name in checked
        )
        holiday_year, _created = HolidayYear.objects.update_or_create(
            **_scope(calendar), year=year, defaults={"source": source, "notice": notice, "note": note}
        )
        after = [[day.isoformat(), kind.value, name] for day, kind, name in checked]
        moved = _clocks_recompute(
            calendar=calendar,
            since=date(year, 1, 1),
            until=date(year, 12, 31),
            by=by,
            cause=f"deadlines.holiday_year.load {year}",
        )
        audit_record(
            action="deadlines.holiday_year.load",
            obj=holiday_year,
            actor=by,
            changes={"days": [before, after]} if before != after else {},
            details={
                "year": year,
                "calendar": _scope_label(calendar),
                "source": source.value,
                "notice": notice,
                "holidays": sum(1 for _d, kind, _n in checked if kind == DayKind.HOLIDAY),
                "workdays": sum(1 for _d, kind, _n in checked if kind == DayKind.WORKDAY),
                "clocks_recomputed": moved,
            },
        )
    return holiday_year


def _calendars_losing_year(holiday_year):
    """The calendars that would no longer know the year if `holiday_year` were deleted."""
    year = holiday_year.year
    if cal.PACKAGE_FIRST_YEAR <= year <= cal.PACKAGE_LAST_YEAR:
        return WorkCalendar.objects.none()
    if holiday_year.calendar_id is not None:
        if HolidayYear.objects.filter(calendar__isnull=True, year=year).exists():
            return WorkCalendar.objects.none()
        return WorkCalendar.objects.filter(pk=holiday_year.calendar_id)
    return WorkCalendar.objects.exclude(holiday_years__year=year)


def holiday_year_delete_blockers(*, holiday_year):
    """Why `holiday_year` cannot be deleted (translated sentences), or an empty list."""
    year = holiday_year.year
    tz = timezone.get_default_timezone()
    clocks = Clock.objects.filter(
        state__in=OPEN_CLOCK_STATES,
        unit__in=WORKING_UNITS,
        calendar__in=_calendars_losing_year(holiday_year),
        start__lt=datetime(year + 1, 1, 1, tzinfo=tz),
    ).filter(Q(due_at__gte=datetime(year, 1, 1, tzinfo=tz)) | Q(state=ClockState.PAUSED))
    count = clocks.count()
    if not count:
        return []
    return [
        _(
            "%(count)d open time limit(s) count working days in %(year)d with these holidays: correct the "
            "year's days instead of deleting it."
        )
        % {"count": count, "year": year}
    ]


def holiday_year_delete(*, holiday_year, by):
    """Withdraw an entered year together with its overrides in that scope (a year entered by mistake).

    Refused while open clocks count working days in that year with it.
    """
    calendar, year = holiday_year.calendar, holiday_year.year
    with transaction.atomic(), _changing_calendars(calendar):
        blockers = holiday_year_delete_blockers(holiday_year=holiday_year)
        if blockers:
            raise DomainError(blockers[0], code="holiday_year_in_use")
        overrides = DayOverride.objects.filter(**_scope(calendar), date__year=year)
        removed = _days_of(overrides.order_by("date"))
        audit_record(
            action="deadlines.holiday_year.delete",
            obj=holiday_year,
            actor=by,
            changes={"days": [removed, []]} if removed else {},
            details={"year": year, "calendar": _scope_label(calendar)},
        )
        overrides.delete()
        holiday_year.delete()
        _clocks_recompute(
            calendar=calendar,
            since=date(year, 1, 1),
            until=date(year, 12, 31),
            by=by,
            cause=f"deadlines.holiday_year.delete {year}",
        )


def day_override_set(*, calendar, day, kind, by, name="", source=DataSource.ADMIN):
    """Make `day` a day off or a working day, in `calendar` or (None) in every calendar.

    Overrides win over the package for any year, but never make an unknown year known.
    """
    if not isinstance(day, date) or isinstance(day, datetime):
        raise DomainError(_("%(value)r is not a date: give dates such as 2027-01-01.") % {"value": day})
    kind, source = _choice(DayKind, kind), _choice(DataSource, source)
    with transaction.atomic(), _changing_calendars(calendar):
        override = DayOverride.objects.filter(**_scope(calendar), date=day).first()
        fields = ["kind", "name", "source"]
        before = snapshot(override, fields) if override else {}
        if override is None:
            override = DayOverride(calendar=calendar, date=day)
        override.kind, override.name, override.source = kind, name.strip(), source
        _refuse_invalid(override)
        override.save()
        moved = _clocks_recompute(
            calendar=calendar, since=day, until=day, by=by, cause=f"deadlines.day_override.set {day}"
        )
        audit_record(
            action="deadlines.day_override.set",
            obj=override,
            actor=by,
            changes=diff_fields(before, snapshot(override, fields), fields),
            details={"date": day, "calendar": _scope_label(calendar), "clocks_recomputed": moved},
        )
    return override


def day_override_delete(*, override, by):
    """Remove an override: the date follows the package (or Monday to Friday) again."""
    calendar, day = override.calendar, override.date
    with transaction.atomic(), _changing_calendars(calendar):
        audit_record(
            action="deadlines.day_override.delete",
            obj=override,
            actor=by,
            changes={"kind": [override.kind, None], "name": [override.name, None]},
            details={"date": day, "calendar": _scope_label(calendar)},
        )
        override.delete()
        _clocks_recompute(
            calendar=calendar, since=day, until=day, by=by, cause=f"deadlines.day_override.delete {day}"
        )


def work_calendar_save(*, calendar, by):
    """Create or update a working calendar. Marking it the default unmarks the previous default; a new
    working-hours setting recomputes the calendar's open clocks."""
    _refuse_invalid(calendar)
    with transaction.atomic():
        previous = (
            WorkCalendar.objects.select_for_update().filter(pk=calendar.pk).first() if calendar.pk else None
        )
        before = snapshot(previous, _CALENDAR_FIELDS) if previous else {}
        if previous and previous.is_default and not calendar.is_default:
            raise DomainError(
                _(
                    "One calendar must always be the default: mark another calendar as the default "
                    "instead of unmarking this one."
                ),
                code="default_calendar_required",
            )
        if calendar.is_default:
            WorkCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(
                is_default=False, revision=F("revision") + 1
            )
        if previous:
            calendar.save(update_fields=_CALENDAR_FIELDS)
        else:
            calendar.save()
        with _changing_calendars(calendar):
            moved = 0
            if previous and previous.working_hours != calendar.working_hours:
                moved = _clocks_recompute(
                    calendar=calendar, since=None, until=None, by=by, cause="deadlines.calendar.working_hours"
                )
        calendar.refresh_from_db(fields=["revision"])
        audit_record(
            action="deadlines.calendar.update" if previous else "deadlines.calendar.create",
            obj=calendar,
            actor=by,
            changes=diff_fields(before, snapshot(calendar, _CALENDAR_FIELDS), _CALENDAR_FIELDS),
            details={"clocks_recomputed": moved},
        )
    return calendar
