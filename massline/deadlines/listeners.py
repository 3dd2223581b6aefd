"""The seam through which other apps hear that calendar data changed and which clocks moved.

deadlines knows nothing of the apps above it: an app that copies due times (cases keeps each demand's
due times on the demand, for its queues) registers a listener in its AppConfig.ready(), and every
service that changes calendar data calls the listeners inside its own transaction, after the open
clocks are recomputed. A listener that fails rolls the whole change back, so a due time is never
left behind the calendar it was computed on.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

_LISTENERS = {}


@dataclass(frozen=True)
class ClockMove:
    clock_id: int
    due_before: datetime
    due_after: datetime
    provisional_before: bool
    provisional_after: bool


@dataclass(frozen=True)
class CalendarChange:
    """What changed: the calendar (None: every calendar), the dates touched (None: unbounded), who did
    it and why (the audit action that caused it), and the clocks whose due times moved."""

    calendar_id: int | None
    since: date | None
    until: date | None
    by: object
    cause: str
    moves: tuple[ClockMove, ...] = field(default=())


def register(name, listener):
    """Register (or replace) `listener(change: CalendarChange)` under `name`."""
    _LISTENERS[name] = listener


def announce(change):
    for listener in list(_LISTENERS.values()):
        listener(change)
