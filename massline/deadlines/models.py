"""Working calendars, their day overrides and entered holiday years, and pausable clocks."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import ClockState, DataSource, DayKind, PauseReason, TimeUnit

# Years a holiday notice may be entered for: the package starts in 2004; beyond 2100 is a typo.
FIRST_CALENDAR_YEAR = 2000
LAST_CALENDAR_YEAR = 2100

_MINUTE_US = 60_000_000
_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–—~～]\s*(\d{1,2}):(\d{2})$")
_HOURS_FORMAT_HELP = _(
    "Write working hours as HH:MM-HH:MM windows separated by commas, e.g. 09:00-12:00, 13:30-17:30."
)


def parse_working_hours(text):
    """ "09:00-12:00, 13:30-17:30" -> ((start, end), …) in microseconds after midnight, validated.

    Windows are in order, do not overlap and lie within one day (so a working day ends on that day).
    Raises ValidationError.
    """
    windows = []
    parts = [part.strip() for part in re.split(r"[,，;；]", text or "") if part.strip()]
    if not parts:
        raise ValidationError(_HOURS_FORMAT_HELP, code="empty")
    for part in parts:
        match = _WINDOW.match(part)
        if not match:
            raise ValidationError(_HOURS_FORMAT_HELP, code="format")
        h1, m1, h2, m2 = (int(value) for value in match.groups())
        start, end = (h1 * 60 + m1) * _MINUTE_US, (h2 * 60 + m2) * _MINUTE_US
        if m1 > 59 or m2 > 59 or h1 > 23 or h2 > 23:
            raise ValidationError(
                _("%(window)s is not a time of day: hours run from 00:00 to 23:59."),
                code="range",
                params={"window": part},
            )
        if end <= start:
            raise ValidationError(
                _("The window %(window)s must end after it starts."), code="order", params={"window": part}
            )
        if windows and start < windows[-1][1]:
            raise ValidationError(
                _("The window %(window)s overlaps or comes before the one before it: list windows in order."),
                code="overlap",
                params={"window": part},
            )
        windows.append((start, end))
    return tuple(windows)


def format_working_hours(windows):
    """((start, end), …) in microseconds -> "09:00-12:00,13:30-17:30"."""

    def hhmm(us):
        minutes = us // _MINUTE_US
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    return ",".join(f"{hhmm(start)}-{hhmm(end)}" for start, end in windows)


def validate_working_hours(text):
    parse_working_hours(text)


class WorkCalendar(models.Model):
    """A working calendar (工作日历): its working hours and its own day overrides.

    Every calendar follows China's official holidays and make-up working days; a calendar only adds
    its own working hours and local overrides (a unit that works a Saturday, a local holiday).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_default = models.BooleanField(
        _("default calendar"),
        default=False,
        help_text=_("Used when a time limit names no calendar. Exactly one calendar is the default."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Staff pages warn about missing holiday years of active calendars only."),
    )
    working_hours = models.CharField(
        _("working hours"),
        max_length=200,
        default="09:00-12:00,13:30-17:30",
        validators=[validate_working_hours],
        help_text=_HOURS_FORMAT_HELP,
    )
    # Bumped by every change that affects this calendar's arithmetic, so that other processes
    # notice and drop their cached copy (see calendar.py).
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)

    class Meta:
        ordering = ["-is_default", "code"]
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="deadlines_one_default_calendar"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The name in the active language, falling back to the Chinese name."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def windows(self):
        return parse_working_hours(self.working_hours)

    def validate_constraints(self, exclude=None):
        # Marking a calendar as the default unmarks the previous one (services.work_calendar_save), so
        # forms must not refuse it; the database constraint still guards against two defaults.
        super().validate_constraints(exclude={*(exclude or ()), "is_default"})

    def clean(self):
        try:
            self.working_hours = format_working_hours(parse_working_hours(self.working_hours))
        except ValidationError as exc:
            raise ValidationError({"working_hours": exc.messages}) from exc


class DayOverride(models.Model):
    """One date made a day off or a working day, for one calendar or (calendar empty) for all.

    Precedence, strongest first: the calendar's own override, the override for all calendars, the
    chinese-calendar package, Monday to Friday. Overrides alone never make a year known: see HolidayYear.
    """

    calendar = models.ForeignKey(
        WorkCalendar,
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="overrides",
        help_text=_("Leave empty for a national holiday or make-up day: it applies to every calendar."),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("For example 国庆节."))
    source = models.CharField(
        _("source"), max_length=10, choices=DataSource.choices, default=DataSource.ADMIN
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("day override")
        verbose_name_plural = _("day overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(calendar__isnull=True),
                name="deadlines_override_unique_national_date",
                violation_error_message=_(
                    "This date already has an override for all calendars: edit that one."
                ),
            ),
            models.UniqueConstraint(
                fields=["calendar", "date"],
                condition=Q(calendar__isnull=False),
                name="deadlines_override_unique_calendar_date",
                violation_error_message=_(
                    "This date already has an override in this calendar: edit that one."
                ),
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.date.isoformat()} {DayKind(self.kind).label} {self.name}".strip()


class HolidayYear(models.Model):
    """The record that a year's holiday notice (国务院办公厅关于…部分节假日安排的通知) has been entered.

    A year outside the chinese-calendar package can be counted only once such a record exists, for the
    calendar or for all calendars; its days off and make-up working days are DayOverride rows.
    """

    calendar = models.ForeignKey(
        WorkCalendar,
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="holiday_years",
        help_text=_("Leave empty for the State Council's notice: it applies to every calendar."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_CALENDAR_YEAR), MaxValueValidator(LAST_CALENDAR_YEAR)]
    )
    source = models.CharField(
        _("source"), max_length=10, choices=DataSource.choices, default=DataSource.ADMIN
    )
    notice = models.CharField(
        _("notice"), max_length=200, blank=True, help_text=_("The notice's document number or title.")
    )
    note = models.TextField(_("note"), blank=True)
    entered_at = models.DateTimeField(_("entered"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday year")
        verbose_name_plural = _("holiday years")
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(calendar__isnull=True),
                name="deadlines_holidayyear_unique_national",
                violation_error_message=_("This year has already been entered for all calendars: edit it."),
            ),
            models.UniqueConstraint(
                fields=["calendar", "year"],
                condition=Q(calendar__isnull=False),
                name="deadlines_holidayyear_unique_calendar",
                violation_error_message=_("This year has already been entered for this calendar: edit it."),
            ),
        ]

    def __str__(self):
        if self.calendar_id:
            return f"{self.year} ({self.calendar})"
        return str(self.year)


class Clock(models.Model):
    """A running time limit (计时): start, amount and unit on a calendar, with pauses and extensions.

    `due_at` is always the due time given the closed pauses and extensions; while the clock is paused it
    stands still and is extended on resume. Other apps point a foreign key at their clock.
    """

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="clocks"
    )
    start = models.DateTimeField(_("start"))
    amount = models.DecimalField(
        _("amount"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=20, choices=TimeUnit.choices)
    extended_amount = models.DecimalField(
        _("extension"),
        max_digits=9,
        decimal_places=2,
        default=0,
        help_text=_("Approved extensions, in the clock's unit."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING
    )
    due_at = models.DateTimeField(_("due"))
    # The due time rests on a year whose holiday notice was not entered (counted on the statutory
    # holidays); entering the notice recomputes the clock and clears this.
    provisional = models.BooleanField(_("provisional"), default=False)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    # Counted time (working time for working units, elapsed time otherwise) of the closed pauses.
    paused_time = models.DurationField(_("time paused"), default=timedelta(0))
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        indexes = [models.Index(fields=["state", "due_at"], name="deadlines_clock_state_due")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="deadlines_clock_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(extended_amount__gte=0), name="deadlines_clock_extension_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(state=ClockState.PAUSED, paused_at__isnull=False)
                | (~Q(state=ClockState.PAUSED) & Q(paused_at__isnull=True)),
                name="deadlines_clock_paused_at_iff_paused",
            ),
            models.CheckConstraint(
                condition=Q(state=ClockState.STOPPED, stopped_at__isnull=False)
                | (~Q(state=ClockState.STOPPED) & Q(stopped_at__isnull=True)),
                name="deadlines_clock_stopped_at_iff_stopped",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gte=F("start")), name="deadlines_clock_due_after_start"
            ),
        ]

    def __str__(self):
        start, due = timezone.localtime(self.start), timezone.localtime(self.due_at)
        amount = f"{self.amount.normalize():f} {TimeUnit(self.unit).label}"
        return f"{amount} {start:%Y-%m-%d %H:%M} → {due:%Y-%m-%d %H:%M}"

    @property
    def is_open(self):
        return self.state != ClockState.STOPPED

    def is_overdue(self, at):
        """Running past its due time, or stopped after it. A paused clock is never overdue: it stands still
        (and cannot have been paused once overdue)."""
        if self.state == ClockState.RUNNING:
            return at > self.due_at
        if self.state == ClockState.STOPPED:
            return self.stopped_at > self.due_at
        return False


class ClockPause(models.Model):
    """One stretch of time during which a clock stood still, and why (挂起原因)."""

    clock = models.ForeignKey(Clock, verbose_name=_("clock"), on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=PauseReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The time the pause added to the clock: working time for working units, elapsed time otherwise.
    counted_time = models.DurationField(_("counted time"), null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        constraints = [
            models.UniqueConstraint(
                fields=["clock"],
                condition=Q(ended_at__isnull=True),
                name="deadlines_one_open_pause_per_clock",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="deadlines_pause_ends_after_start",
            ),
        ]

    def __str__(self):
        end = f"{timezone.localtime(self.ended_at):%Y-%m-%d %H:%M}" if self.ended_at else "…"
        return (
            f"{timezone.localtime(self.started_at):%Y-%m-%d %H:%M} – {end} {PauseReason(self.reason).label}"
        )
