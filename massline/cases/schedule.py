"""When a demand must next be looked at: the time limit it runs against now (its stage), the warning
points on it, the escalation ladder's next rung and the auto-close of an unrated reply.

Reads only, and no service: the handling services call `next_check` after every transition and the
clock worker (services/clock.py) acts on what falls due. The policies are read once per batch
(`PolicyBook`), not per demand.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from massline.deadlines.calendar import add_counted_time
from massline.deadlines.choices import WORKING_UNITS, ClockState, TimeUnit

from .choices import CaseStatus, ClockStage, EscalationLevel
from .models import TimeLimitPolicy
from .timelimits import policy_for, stage_due, warning_times


class PolicyBook:
    """Every time-limit policy, read once: policy_for without a query per demand."""

    def __init__(self):
        self._policies = list(TimeLimitPolicy.objects.select_related("category"))
        self._found = {}

    def policy(self, *, category, urgency):
        key = (getattr(category, "path", None), urgency)
        if key not in self._found:
            self._found[key] = policy_for(category=category, urgency=urgency, policies=self._policies)
        return self._found[key]


def escalation_step():
    """Working hours between two rungs of the escalation ladder once a time limit has passed."""
    return timedelta(hours=float(settings.MASSLINE_ESCALATION_STEP_HOURS))


def auto_close_at(case):
    return case.replied_at + timedelta(days=settings.MASSLINE_AUTO_CLOSE_DAYS) if case.replied_at else None


@dataclass(frozen=True)
class Stage:
    """The time limit a demand is running against now."""

    stage: ClockStage
    start: datetime
    due: datetime
    unit: str  # the unit the warnings are measured in
    warning_shares: tuple

    @property
    def label(self):
        return ClockStage(self.stage).label

    @property
    def owed_by_centre(self):
        return self.stage in (ClockStage.DISPATCH, ClockStage.ARBITRATE)


def _measure_unit(unit):
    return TimeUnit.WORKING_HOURS if unit in WORKING_UNITS else TimeUnit.HOURS


def _policy(case, book):
    if book is not None:
        return book.policy(category=case.category, urgency=case.urgency)
    return policy_for(category=case.category, urgency=case.urgency)


def centre_due(*, policy, status, start):
    """The centre's due time from `start`: to dispatch a received demand, or to decide a returned one."""
    stage = ClockStage.ARBITRATE if status == CaseStatus.ARBITRATION else ClockStage.DISPATCH
    return stage_due(policy=policy, stage=stage, start=start)


def current_stage(case, *, book=None):
    """The Stage `case` is in, or None when no time limit runs (replied, closed, merged, paused)."""
    if case.thread_id:
        return None
    status = case.status
    if status in (CaseStatus.RECEIVED, CaseStatus.ARBITRATION) and case.due_dispatch_at:
        policy = _policy(case, book)
        stage, unit = (
            (ClockStage.ARBITRATE, policy.arbitration_unit)
            if status == CaseStatus.ARBITRATION
            else (ClockStage.DISPATCH, policy.dispatch_unit)
        )
        start = case.stage_since or case.received_at
        due = case.due_dispatch_at
        return Stage(stage, min(start, due), due, _measure_unit(unit), tuple(policy.warning_shares))
    if status == CaseStatus.DISPATCHED and case.due_sign_at:
        policy = _policy(case, book)
        start = case.stage_since or case.dispatched_at or case.received_at
        return Stage(
            ClockStage.SIGN,
            min(start, case.due_sign_at),
            case.due_sign_at,
            _measure_unit(policy.sign_unit),
            tuple(policy.warning_shares),
        )
    if status != CaseStatus.IN_PROGRESS:
        return None
    if case.first_contact_at is None and case.due_contact_at:
        policy = _policy(case, book)
        start = case.stage_since or case.signed_at or case.received_at
        return Stage(
            ClockStage.CONTACT,
            min(start, case.due_contact_at),
            case.due_contact_at,
            _measure_unit(policy.contact_unit),
            tuple(policy.warning_shares),
        )
    clock = case.reply_clock
    if clock is None or clock.state != ClockState.RUNNING:
        return None
    due = case.due_reply_at or clock.due_at
    policy = _policy(case, book)
    return Stage(
        ClockStage.REPLY, min(clock.start, due), due, _measure_unit(clock.unit), tuple(policy.warning_shares)
    )


def warning_points(stage):
    return warning_times(start=stage.start, due=stage.due, shares=stage.warning_shares, unit=stage.unit)


def escalation_time(stage, level):
    """When an overdue demand at `level` climbs to the next rung."""
    return add_counted_time(stage.due, escalation_step() * level, TimeUnit.WORKING_HOURS)


def next_check(case, *, book=None):
    """When the worker must next look at `case` (a warning point, a due time, an escalation, the
    auto-close of an unrated reply), or None when nothing is pending."""
    if case.status == CaseStatus.REPLIED:
        return auto_close_at(case)
    if case.status == CaseStatus.RECEIVED and case.due_dispatch_at is None and not case.thread_id:
        return case.received_at  # not yet scheduled: the worker gives it the centre's time limit
    stage = current_stage(case, book=book)
    if stage is None:
        return None
    if case.is_overdue:
        if case.escalation_level >= EscalationLevel.ACCOUNTABLE:
            return None
        return escalation_time(stage, max(case.escalation_level, 1))
    points = warning_points(stage)[case.warnings_fired :] + [stage.due]
    return min(points)
