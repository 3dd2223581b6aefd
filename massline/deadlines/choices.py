"""Enumerations of the deadlines app, each with a translated label."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeUnit(models.TextChoices):
    """How a time limit is counted (see docs/deadlines.md for the exact rules)."""

    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    HOURS = "hours", _("hours")


# Units counted on the working calendar; the others are plain elapsed time.
WORKING_UNITS = frozenset({TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS})
# Units whose amount must be a whole number.
WHOLE_UNITS = frozenset({TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS})


class AfterHoursReceipt(models.TextChoices):
    """Which day a working-days limit counts from when something arrives after the working hours.

    The setting MASSLINE_AFTER_HOURS_RECEIPT chooses one (docs/deadlines.md, "After hours").
    """

    NEXT_WORKING_DAY = "next_working_day", _("as received on the next working day")
    SAME_DAY = "same_day", _("as received on the day it arrived")


class DayKind(models.TextChoices):
    """What an override makes of one date."""

    HOLIDAY = "holiday", _("day off (holiday)")
    WORKDAY = "workday", _("working day (make-up day)")


class DataSource(models.TextChoices):
    """Where a holiday year or a day override came from."""

    ADMIN = "admin", _("entered in the admin")
    FILE = "file", _("loaded from a file")


class ClockState(models.TextChoices):
    RUNNING = "running", _("running")
    PAUSED = "paused", _("paused")
    STOPPED = "stopped", _("stopped")


OPEN_CLOCK_STATES = frozenset({ClockState.RUNNING, ClockState.PAUSED})


class PauseReason(models.TextChoices):
    """Why a clock stands still (挂起 / 中止计时)."""

    WAITING_FOR_CITIZEN = "citizen", _("waiting for the citizen (clarification, documents)")
    WAITING_FOR_THIRD_PARTY = "third_party", _("waiting for a third party (consultation, appraisal)")
    OTHER = "other", _("other reason (explained in the note)")
