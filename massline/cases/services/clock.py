"""The demands' clock (督办): warnings at the policy's shares of the time used, overdue marking and the
escalation ladder (reminder → warning to the unit head → listing for the supervisor → accountability
record), the centre's own limits (dispatching a new demand, deciding a return), auto-closing of unrated
demands, the supervisor's decision on a record, the staff's daily digest, and following the working
calendar when a holiday notice moves due times.

`massline worker` calls `clock_tick` every few seconds. Each demand records when it must next be looked
at (`next_check_at`, indexed). A tick claims the demands whose time has come in batches with
`SELECT … FOR UPDATE SKIP LOCKED`, so several workers share the work and none sees a demand another
holds; it acts on a batch in one transaction with bulk writes, and repeats until nothing is due.
This is bookkeeping, not an edit: the worker never bumps a demand's `version`, so an official with the
page open is not told that someone else changed it. A status change the clock makes (auto-closing an
unrated reply) goes through the services like any other.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record, audit_record_many
from massline.lib.errors import DomainError, PermissionDenied
from massline.org.choices import Role, UnitKind
from massline.org.models import Membership, Unit, User
from massline.org.selectors import user_scope

from ..choices import (
    AccountabilityDecision,
    AccountabilityKind,
    CaseStatus,
    ClockStage,
    EscalationLevel,
    EventKind,
    NotificationKind,
)
from ..errors import ConcurrentUpdate, InvalidTransition
from ..models import AccountabilityRecord, Case, CaseEvent, Notification
from ..schedule import (
    PolicyBook,
    auto_close_at,
    centre_due,
    current_stage,
    escalation_time,
    next_check,
    warning_points,
)
from ..selectors import case_scope_q
from ..timelimits import stage_due
from .handling_rules import dispatchers, tell_staff
from .visit import auto_close_one

log = logging.getLogger("massline.cases.clock")

STAGE_KIND = {
    ClockStage.DISPATCH: AccountabilityKind.LATE_DISPATCH,
    ClockStage.ARBITRATE: AccountabilityKind.LATE_ARBITRATION,
    ClockStage.SIGN: AccountabilityKind.LATE_SIGN,
    ClockStage.CONTACT: AccountabilityKind.LATE_CONTACT,
    ClockStage.REPLY: AccountabilityKind.LATE_REPLY,
}
OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.DISPATCHED, CaseStatus.ARBITRATION, CaseStatus.IN_PROGRESS)
# Statuses in which the centre, not a unit, owes the next step.
CENTRE_STATUSES = (CaseStatus.RECEIVED, CaseStatus.ARBITRATION)
# Fields the clock keeps on a demand (bookkeeping, written without bumping the version), and the due
# times it follows when the calendar changes. A batch writes them all from the rows it holds locked.
CLOCK_FIELDS = (
    "warnings_fired",
    "escalation_level",
    "is_overdue",
    "next_check_at",
    "due_dispatch_at",
    "due_sign_at",
    "due_contact_at",
    "due_reply_at",
)
# When a demand cannot be measured (no policy), look again this much later; the error is logged.
RETRY_AFTER = timedelta(hours=1)


def _when(instant):
    return f"{timezone.localtime(instant):%Y-%m-%d %H:%M}"


# --- who hears about it ----------------------------------------------------------------------------


class Audience:
    """Who is told what, read once per batch: unit staff by role, the supervisors, the centre."""

    def __init__(self):
        self._staff = {}
        self._supervisors = None
        self._centre = None

    def staff_of(self, unit_id, roles):
        key = (unit_id, tuple(sorted(roles)))
        if unit_id is None:
            return []
        if key not in self._staff:
            self._staff[key] = list(
                User.objects.filter(
                    memberships__unit_id=unit_id, memberships__role__in=roles, is_active=True
                ).distinct()
            )
        return self._staff[key]

    def handlers(self, case):
        if case.handler_id and case.status == CaseStatus.IN_PROGRESS:
            return [case.handler]
        return self.staff_of(case.lead_unit_id, [Role.HANDLER, Role.UNIT_HEAD])

    def centre(self):
        if self._centre is None:
            self._centre = Unit.objects.filter(kind=UnitKind.CENTRE, is_active=True).order_by("pk").first()
        return self._centre

    def owners(self, case, stage):
        """Who owes the next step: the dispatchers for the centre's limits, else the unit's handlers."""
        return dispatchers() if stage.owed_by_centre else self.handlers(case)

    def heads(self, case, stage):
        unit_id = getattr(self.centre(), "pk", None) if stage.owed_by_centre else case.lead_unit_id
        return self.staff_of(unit_id, [Role.UNIT_HEAD])

    def supervisors(self, case):
        if self._supervisors is None:
            self._supervisors = [
                (m.user, m.region.path)
                for m in Membership.objects.filter(
                    role=Role.SUPERVISOR, user__is_active=True, region__isnull=False
                ).select_related("region", "user")
            ]
        paths = []
        if case.region_id:
            paths.append(case.region.path)
        if case.lead_unit_id:
            paths += list(case.lead_unit.regions.values_list("path", flat=True))
        return list({user for user, path in self._supervisors if any(p.startswith(path) for p in paths)})


# --- one demand: what the clock does, as a plan ----------------------------------------------------


@dataclass
class Plan:
    """What the clock does to one demand: its new bookkeeping fields, timeline events and messages."""

    case: Case
    fields: dict = field(default_factory=dict)
    events: list = field(default_factory=list)  # (kind, internal note, data, {field: [before, after]})
    messages: list = field(default_factory=list)  # (users, kind, text)
    acted: bool = False


def _set(plan, event_kind, changes, *, internal, data):
    """Record an event that changes `changes` on the demand, keeping what each field was before."""
    diff = {}
    for name, value in changes.items():
        before = plan.fields.get(name, getattr(plan.case, name))
        if before != value:
            diff[name] = [before, value]
        plan.fields[name] = value
        setattr(plan.case, name, value)
    plan.events.append((event_kind, internal, data, diff))
    plan.acted = True


def _accountability_open(case, stage, now, audience):
    unit = audience.centre() if stage.owed_by_centre else (case.first_unit or case.lead_unit)
    if unit is None:
        return None
    record, created = AccountabilityRecord.objects.get_or_create(
        case=case,
        unit=unit,
        kind=STAGE_KIND[stage.stage],
        defaults={
            "official": case.handler if case.status == CaseStatus.IN_PROGRESS else None,
            "description": _("%(what)s was due at %(due)s and was still not done at %(now)s (%(unit)s).")
            % {
                "what": stage.label,
                "due": _when(stage.due),
                "now": _when(now),
                "unit": unit if stage.owed_by_centre else (case.lead_unit or unit),
            },
            "opened_at": now,
        },
    )
    if created:
        audit_record(
            action="cases.accountability.open",
            obj=record,
            changes={"decision": [None, record.decision]},
            details={"case": case.pk, "kind": record.kind, "unit": unit.code},
        )
    return record if created else None


def _escalate(plan, stage, level, now, audience):
    """Act on reaching rung `level` of the ladder; returns the internal note of the event."""
    case, what = plan.case, stage.label
    values = {"code": case.tracking_code, "what": what, "due": _when(stage.due)}
    if level == EscalationLevel.WARNED:
        plan.messages.append(
            (
                audience.heads(case, stage),
                NotificationKind.OVERDUE,
                _("Warning: %(code)s is overdue (%(what)s was due at %(due)s).") % values,
            )
        )
        if stage.owed_by_centre:
            return _("Warning sent to the head of the centre.")
        return _("Warning sent to the head of %(unit)s.") % {"unit": case.lead_unit}
    if level == EscalationLevel.LISTED:
        plan.messages.append(
            (
                audience.supervisors(case),
                NotificationKind.OVERDUE,
                _("%(code)s is listed for supervision: %(what)s was due at %(due)s.") % values,
            )
        )
        return _("Listed for the supervisor.")
    record = _accountability_open(case, stage, now, audience)
    return _("Accountability record opened.") if record else _("Accountability record already open.")


def _schedule_centre(plan, book):
    """A new demand has no time limit yet (intake writes none, to stay lean): give it the centre's."""
    case = plan.case
    policy = book.policy(category=case.category, urgency=case.urgency)
    due = centre_due(policy=policy, status=case.status, start=case.received_at)
    plan.fields["due_dispatch_at"] = due
    case.due_dispatch_at = due


def plan_for(case, now, *, book, audience):
    """What the clock must do to `case` at `now` (nothing is written here)."""
    plan = Plan(case)
    if case.status == CaseStatus.RECEIVED and case.due_dispatch_at is None and not case.thread_id:
        _schedule_centre(plan, book)
    stage = current_stage(case, book=book)
    if stage is not None:
        points = warning_points(stage)
        passed = sum(1 for t in points if t <= now)
        values = {"code": case.tracking_code, "what": stage.label.lower(), "due": _when(stage.due)}
        if not case.is_overdue and now < stage.due and passed > case.warnings_fired:
            share = stage.warning_shares[passed - 1]
            _set(
                plan,
                EventKind.WARNING,
                {"warnings_fired": passed},
                internal=_("%(share)d%% of the %(what)s used; due at %(due)s.")
                % {**values, "share": round(share * 100)},
                data={"stage": stage.stage, "share": share},
            )
            plan.messages.append(
                (
                    audience.owners(case, stage),
                    NotificationKind.WARNING,
                    _("%(code)s: %(share)d%% of the time used, %(what)s due at %(due)s.")
                    % {**values, "share": round(share * 100)},
                )
            )
        if now >= stage.due and not case.is_overdue:
            _set(
                plan,
                EventKind.OVERDUE,
                {
                    "is_overdue": True,
                    "escalation_level": EscalationLevel.REMINDED,
                    "warnings_fired": len(points),
                },
                internal=_("%(what)s was due at %(due)s. Reminder sent.")
                % {"what": stage.label, "due": _when(stage.due)},
                data={"stage": stage.stage, "level": int(EscalationLevel.REMINDED)},
            )
            plan.messages.append(
                (
                    audience.owners(case, stage),
                    NotificationKind.OVERDUE,
                    _("Reminder: %(code)s is overdue (%(what)s was due at %(due)s).") % values,
                )
            )
        if case.is_overdue:  # a worker that was down climbs every rung whose time has passed
            while case.escalation_level < EscalationLevel.ACCOUNTABLE and now >= escalation_time(
                stage, case.escalation_level
            ):
                level = case.escalation_level + 1
                note = _escalate(plan, stage, level, now, audience)
                _set(
                    plan,
                    EventKind.ESCALATED,
                    {"escalation_level": level},
                    internal=note,
                    data={"stage": stage.stage, "level": level},
                )
    plan.fields["next_check_at"] = next_check(case, book=book)
    return plan


# --- one tick --------------------------------------------------------------------------------------


def _write(plans, now):
    """Write a batch of plans: one bulk update of the bookkeeping fields, then the events, their audit
    events and the notifications in bulk."""
    if not plans:
        return
    cases = []
    for plan in plans:
        for name, value in plan.fields.items():
            setattr(plan.case, name, value)
        cases.append(plan.case)
    _store_bookkeeping(cases)
    events, audits, notes = [], [], []
    for plan in plans:
        for kind, internal, data, diff in plan.events:
            events.append(
                CaseEvent(case=plan.case, kind=kind, at=now, actor=None, internal_note=internal, data=data)
            )
            audits.append(
                {
                    "action": f"cases.case.{kind}",
                    "obj": plan.case,
                    "changes": diff,
                    "details": {"unit": getattr(plan.case.lead_unit, "code", None), **data},
                }
            )
        for users, kind, text in plan.messages:
            seen = set()
            for user in users:
                if user is None or user.pk in seen or not user.is_active:
                    continue
                seen.add(user.pk)
                notes.append(Notification(user=user, case=plan.case, kind=kind, text=str(text)[:500]))
    CaseEvent.objects.bulk_create(events, batch_size=500)
    audit_record_many(audits)
    Notification.objects.bulk_create(notes, batch_size=500)


def _store_bookkeeping(cases):
    """Write CLOCK_FIELDS of `cases` (rows this transaction holds) in one statement.

    On PostgreSQL an UPDATE … FROM unnest(arrays): Django's bulk_update builds a CASE per field and row,
    which cost most of a batch's time when measured (bench/clock.py). Elsewhere bulk_update.
    """
    if connection.vendor != "postgresql":
        Case.objects.bulk_update(cases, CLOCK_FIELDS, batch_size=500)
        return
    fields = [Case._meta.get_field(name) for name in CLOCK_FIELDS]
    pk = Case._meta.pk
    table = connection.ops.quote_name(Case._meta.db_table)
    columns = [pk, *fields]
    arrays = ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in columns)
    names = ", ".join(connection.ops.quote_name(field.column) for field in columns)
    assignments = ", ".join(
        f"{connection.ops.quote_name(f.column)} = v.{connection.ops.quote_name(f.column)}" for f in fields
    )
    values = [[case.pk for case in cases]] + [
        [field.get_db_prep_value(getattr(case, field.attname), connection) for case in cases]
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS c SET {assignments} FROM unnest({arrays}) AS v({names}) "  # noqa: S608
            f"WHERE c.{connection.ops.quote_name(pk.column)} = v.{connection.ops.quote_name(pk.column)}",
            values,
        )


def _claim(now, limit):
    due = Case.objects.filter(next_check_at__lte=now).order_by("next_check_at")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    return list(
        due.select_related("category", "reply_clock", "lead_unit", "first_unit", "handler", "region")[:limit]
    )


@dataclass
class TickResult:
    checked: int = 0  # demands looked at
    acted: int = 0  # demands on which something fired (an event)
    deferred: int = 0  # demands that could not be measured (logged, looked at again later)
    ids: list = field(default_factory=list)  # the demands looked at


def clock_batch(*, now, limit=None):
    """Claim up to `limit` demands whose check time has come and act on them, in one transaction.

    Returns a TickResult; `checked` 0 means nothing was due (or another worker holds what is).
    """
    limit = limit or settings.MASSLINE_CLOCK_BATCH
    result = TickResult()
    book, audience = PolicyBook(), Audience()
    with transaction.atomic():
        plans = []
        for case in _claim(now, limit):
            result.checked += 1
            result.ids.append(case.pk)
            if case.status == CaseStatus.REPLIED:
                if now >= auto_close_at(case):
                    # A status change: through the service, in a savepoint of its own.
                    try:
                        with transaction.atomic():
                            auto_close_one(case=case, now=now)
                        result.acted += 1
                    except ConcurrentUpdate:
                        log.info("demand %s changed while the clock closed it", case.tracking_code)
                else:
                    plans.append(Plan(case, fields={"next_check_at": auto_close_at(case)}))
                continue
            kept = {name: getattr(case, name) for name in CLOCK_FIELDS}
            try:
                plan = plan_for(case, now, book=book, audience=audience)
            except DomainError as exc:
                # A demand the clock cannot measure (no policy) must not stop the others; what the plan
                # had already set on it is put back, so only the next look moves.
                for name, value in kept.items():
                    setattr(case, name, value)
                log.warning("clock cannot check demand %s: %s", case.tracking_code, exc.message)
                plans.append(Plan(case, fields={"next_check_at": now + RETRY_AFTER}))
                result.deferred += 1
                continue
            plans.append(plan)
            result.acted += plan.acted
        _write(plans, now)
    return result


def clock_tick(*, now=None, limit=None):
    """Act on every demand whose check time has come, batch after batch until none is left; returns how
    many demands something fired on (the worker logs it)."""
    now = now or timezone.now()
    acted, seen = 0, set()
    while True:
        result = clock_batch(now=now, limit=limit)
        acted += result.acted
        if result.checked == 0:
            return acted
        if seen.issuperset(result.ids):
            # Every demand of this batch was already looked at in this tick and is due again at once:
            # a schedule that does not move forward. Stop rather than spin; the next tick retries.
            log.error("clock: demands %s stay due after being checked", result.ids[:10])
            return acted
        seen.update(result.ids)


# --- following the calendar ----------------------------------------------------------------------


def _open_cases_touching(change):
    """Open demands whose due times may rest on the dates the calendar change touched."""
    tz = timezone.get_default_timezone()
    cases = Case.objects.filter(status__in=OPEN_STATUSES, thread__isnull=True)
    moved_clocks = [move.clock_id for move in change.moves]
    if change.since is not None:
        since = datetime.combine(change.since, time.min, tzinfo=tz)
        cases = cases.filter(
            Q(due_dispatch_at__gte=since)
            | Q(due_sign_at__gte=since)
            | Q(due_contact_at__gte=since, first_contact_at__isnull=True)
            | Q(reply_clock_id__in=moved_clocks)
        )
    return cases.select_related("category", "reply_clock", "lead_unit", "first_unit", "handler", "region")


def _recomputed_dues(case, book):
    policy = book.policy(category=case.category, urgency=case.urgency)
    dues = {}
    if case.status in (CaseStatus.RECEIVED, CaseStatus.ARBITRATION) and case.due_dispatch_at:
        start = case.stage_since or case.received_at
        dues["due_dispatch_at"] = centre_due(policy=policy, status=case.status, start=start)
    if case.status == CaseStatus.DISPATCHED and case.due_sign_at:
        start = case.stage_since or case.dispatched_at or case.received_at
        dues["due_sign_at"] = stage_due(policy=policy, stage=ClockStage.SIGN, start=start)
    if case.status == CaseStatus.IN_PROGRESS and case.first_contact_at is None and case.due_contact_at:
        start = case.stage_since or case.signed_at or case.received_at
        dues["due_contact_at"] = stage_due(policy=policy, stage=ClockStage.CONTACT, start=start)
    if case.reply_clock_id and case.reply_clock.state != "stopped":
        dues["due_reply_at"] = case.reply_clock.due_at
    return dues


def cases_follow_calendar(change):
    """Listener of deadlines' calendar changes: every open demand whose due times moved gets them
    recomputed in the same transaction, with a timeline event and an audit event; a demand that was
    overdue and no longer is says so in that record; each unit's staff are told how many moved."""
    now = timezone.now()
    book, audience = PolicyBook(), Audience()
    plans, per_unit = [], defaultdict(int)
    for case in _open_cases_touching(change):
        dues = _recomputed_dues(case, book)
        moved = {name: value for name, value in dues.items() if getattr(case, name) != value}
        if not moved:
            continue
        plan = Plan(case)
        was_overdue = case.is_overdue
        before = {name: getattr(case, name) for name in moved}
        for name, value in moved.items():
            setattr(case, name, value)
        stage = current_stage(case, book=book)
        changes = dict(moved)
        note = _("Due times recomputed after a change of the working calendar (%(cause)s).") % {
            "cause": change.cause
        }
        if was_overdue and stage is not None and stage.due > now:
            changes.update(is_overdue=False, escalation_level=EscalationLevel.NONE, warnings_fired=0)
            note += " " + _("It was overdue under the old calendar and is not any more: due at %(due)s.") % {
                "due": _when(stage.due)
            }
        elif not was_overdue and stage is not None:
            changes["warnings_fired"] = sum(1 for t in warning_points(stage) if t <= now)
        for name, value in before.items():
            setattr(case, name, value)
        _set(
            plan,
            EventKind.DUE_MOVED,
            changes,
            internal=note,
            data={"cause": change.cause, **{name: value.isoformat() for name, value in moved.items()}},
        )
        plan.fields["next_check_at"] = next_check(case, book=book)
        plans.append(plan)
        owner = None if case.status in CENTRE_STATUSES else case.lead_unit_id
        per_unit[owner] += 1
    _write(plans, now)
    for unit_id, count in per_unit.items():
        users = (
            dispatchers() if unit_id is None else audience.staff_of(unit_id, [Role.HANDLER, Role.UNIT_HEAD])
        )
        tell_staff(
            users=users,
            case=None,
            kind=NotificationKind.DUE_MOVED,
            text=_(
                "The working calendar changed (%(cause)s): the due times of %(count)d of your open "
                "demands moved. The queue shows the new times."
            )
            % {"cause": change.cause, "count": count},
        )
    return len(plans)


# --- the supervisor's decision -----------------------------------------------------------------------


def accountability_decide(*, record, decision, note, by, at=None):
    """The supervisor decides an accountability record (责任追究): excused, reminder, criticism, referral."""
    at = at or timezone.now()
    if by is None or not user_scope(by).has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor decides accountability records."))
    if decision not in AccountabilityDecision.values or decision == AccountabilityDecision.PENDING:
        raise DomainError(_("Choose a decision for the record."), code="decision")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Give the reason for the decision: the unit and the appraisal will read it."))
    with transaction.atomic():
        record = AccountabilityRecord.objects.select_for_update().get(pk=record.pk)
        if not Case.objects.filter(case_scope_q(by), pk=record.case_id).exists():
            raise PermissionDenied(_("This record is outside your jurisdiction."))
        if record.decision != AccountabilityDecision.PENDING:
            raise InvalidTransition(
                _("This record was already decided (%(decision)s).")
                % {"decision": AccountabilityDecision(record.decision).label}
            )
        record.decision, record.decided_by, record.decided_at, record.decision_note = decision, by, at, note
        record.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
        audit_record(
            action="cases.accountability.decide",
            obj=record,
            actor=by,
            changes={"decision": [AccountabilityDecision.PENDING, decision]},
            details={"case": record.case_id, "note": note},
        )
    return record


# --- the daily digest --------------------------------------------------------------------------------


def digest_send(*, now=None):
    """Send each unit's staff (and the dispatchers) one in-app digest a day of what falls due; returns
    how many digests were sent. At most one per official per day (a unique constraint, so two workers
    cannot both send it), at or after MASSLINE_DIGEST_HOUR. The counting is done by the database."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.MASSLINE_DIGEST_HOUR:
        return 0
    today = local.date()
    horizon = now + timedelta(days=1)
    per_unit = {
        row["lead_unit_id"]: (row["sign"], row["reply"], row["late"])
        for row in Case.objects.filter(
            status__in=[CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS],
            thread__isnull=True,
            lead_unit__isnull=False,
        )
        .values("lead_unit_id")
        .annotate(
            late=Count("pk", filter=Q(is_overdue=True)),
            sign=Count(
                "pk", filter=Q(is_overdue=False, status=CaseStatus.DISPATCHED, due_sign_at__lte=horizon)
            ),
            reply=Count(
                "pk", filter=Q(is_overdue=False, status=CaseStatus.IN_PROGRESS, due_reply_at__lte=horizon)
            ),
        )
    }
    totals = defaultdict(lambda: [0, 0, 0])
    for user_id, unit_id in (
        Membership.objects.filter(
            role__in=[Role.HANDLER, Role.UNIT_HEAD], unit_id__in=per_unit.keys(), user__is_active=True
        )
        .values_list("user_id", "unit_id")
        .distinct()
    ):
        for i, n in enumerate(per_unit[unit_id]):
            totals[user_id][i] += n
    rows = [
        Notification(
            user_id=user_id,
            kind=NotificationKind.DIGEST,
            digest_day=today,
            text=_(
                "Today: %(sign)d demand(s) to sign and %(reply)d to reply to within a day; %(late)d overdue."
            )
            % {"sign": sign, "reply": reply, "late": late},
        )
        for user_id, (sign, reply, late) in totals.items()
        if sign or reply or late
    ]
    queue = Case.objects.filter(thread__isnull=True).aggregate(
        new=Count("pk", filter=Q(status=CaseStatus.RECEIVED)),
        returned=Count("pk", filter=Q(status=CaseStatus.ARBITRATION)),
    )
    if queue["new"] or queue["returned"]:
        text = _("Today: %(new)d new demand(s) to dispatch, %(returned)d returned ones to decide.") % queue
        rows += [
            Notification(user_id=user.pk, kind=NotificationKind.DIGEST, digest_day=today, text=text)
            for user in dispatchers()
            if user.pk not in totals
        ]
    already = set(
        Notification.objects.filter(digest_day=today, user_id__in=[row.user_id for row in rows]).values_list(
            "user_id", flat=True
        )
    )
    rows = [row for row in rows if row.user_id not in already]
    # The constraint decides between two workers racing here: the loser's rows are ignored.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
