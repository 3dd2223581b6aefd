"""The demands' clock (督办): warnings at the policy's shares of the time used, overdue marking and the
escalation ladder (reminder to the handler → warning to the unit head → listing for the supervisor →
accountability record), auto-closing of unrated demands, the supervisor's decision on a record, and
the staff's daily digest.

`massline worker` calls `clock_tick` every few seconds. Each demand records when it must next be looked
at (`next_check_at`, indexed); the tick takes the demands whose time has come and acts on each through
`case_apply`, whose update is conditional on the version it read: when two workers pick the same demand,
only the first update changes a row and the second worker's transaction is rolled back (Healthchecks'
`sendalerts` pattern), so nothing fires twice.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.deadlines.calendar import add_counted_time
from massline.deadlines.choices import WORKING_UNITS, ClockState, TimeUnit
from massline.lib.errors import DomainError
from massline.org.choices import Role
from massline.org.models import Membership, User
from massline.org.selectors import user_scope

from ..choices import (
    AccountabilityDecision,
    AccountabilityKind,
    AssignmentRole,
    CaseStatus,
    ClockStage,
    EscalationLevel,
    EventKind,
    NotificationKind,
)
from ..errors import ConcurrentUpdate, InvalidTransition
from ..models import AccountabilityRecord, Assignment, Case, Notification
from ..timelimits import policy_for, warning_times
from ..workflow import case_apply

log = logging.getLogger("massline.cases.clock")

BATCH = 200
STAGE_KIND = {
    ClockStage.SIGN: AccountabilityKind.LATE_SIGN,
    ClockStage.CONTACT: AccountabilityKind.LATE_CONTACT,
    ClockStage.REPLY: AccountabilityKind.LATE_REPLY,
}


def escalation_step():
    """Working hours between two rungs of the escalation ladder once a time limit has passed."""
    return timedelta(hours=float(getattr(settings, "MASSLINE_ESCALATION_STEP_HOURS", 4)))


def auto_close_days():
    return int(getattr(settings, "MASSLINE_AUTO_CLOSE_DAYS", 7))


def digest_hour():
    return int(getattr(settings, "MASSLINE_DIGEST_HOUR", 8))


@dataclass(frozen=True)
class Stage:
    """The time limit a demand is running against now."""

    stage: ClockStage
    start: datetime
    due: datetime
    unit: str  # the unit the warnings are measured in

    @property
    def label(self):
        return ClockStage(self.stage).label


def _lead_assignment(case):
    return (
        Assignment.objects.filter(case=case, role=AssignmentRole.LEAD)
        .order_by("-dispatched_at", "-pk")
        .only("dispatched_at", "signed_at", "unit_id")
        .first()
    )


def _measure_unit(unit):
    return TimeUnit.WORKING_HOURS if unit in WORKING_UNITS else TimeUnit.HOURS


def current_stage(case):
    """The Stage `case` is in (signing, first contact, reply), or None when no clock runs against a unit."""
    if case.thread_id:
        return None
    if case.status == CaseStatus.DISPATCHED and case.due_sign_at:
        lead = _lead_assignment(case)
        start = lead.dispatched_at if lead else case.dispatched_at
        policy = policy_for(category=case.category, urgency=case.urgency)
        return Stage(
            ClockStage.SIGN, min(start, case.due_sign_at), case.due_sign_at, _measure_unit(policy.sign_unit)
        )
    if case.status != CaseStatus.IN_PROGRESS:
        return None
    if case.first_contact_at is None and case.due_contact_at:
        lead = _lead_assignment(case)
        start = (lead.signed_at if lead and lead.signed_at else None) or case.signed_at
        policy = policy_for(category=case.category, urgency=case.urgency)
        return Stage(
            ClockStage.CONTACT,
            min(start, case.due_contact_at),
            case.due_contact_at,
            _measure_unit(policy.contact_unit),
        )
    clock = case.reply_clock
    if clock is None or clock.state != ClockState.RUNNING:
        return None
    due = case.due_reply_at or clock.due_at
    return Stage(ClockStage.REPLY, min(clock.start, due), due, _measure_unit(clock.unit))


def _warnings(case, stage):
    policy = policy_for(category=case.category, urgency=case.urgency)
    return warning_times(start=stage.start, due=stage.due, shares=policy.warning_shares, unit=stage.unit)


def _escalation_time(stage, level):
    """When an overdue demand at `level` climbs to the next rung."""
    return add_counted_time(stage.due, escalation_step() * level, TimeUnit.WORKING_HOURS)


def auto_close_at(case):
    return case.replied_at + timedelta(days=auto_close_days()) if case.replied_at else None


def next_check(case, *, now=None):
    """When the worker must next look at `case` (a warning point, a due time, an escalation, the
    auto-close of an unrated reply), or None when nothing is pending."""
    if case.status == CaseStatus.REPLIED:
        return auto_close_at(case)
    stage = current_stage(case)
    if stage is None:
        return None
    if case.is_overdue:
        if case.escalation_level >= EscalationLevel.ACCOUNTABLE:
            return None
        return _escalation_time(stage, max(case.escalation_level, 1))
    points = _warnings(case, stage)[case.warnings_fired :] + [stage.due]
    return min(points)


def case_refresh_next_check(case, *, now=None):
    """Recompute and store `next_check_at` (after an admin edit of a policy or the calendar, say)."""
    value = next_check(case, now=now)
    Case.objects.filter(pk=case.pk).update(next_check_at=value)
    case.next_check_at = value
    return value


# --- who hears about it ----------------------------------------------------------------------------


def _staff_of(unit, roles):
    if unit is None:
        return []
    return list(
        User.objects.filter(memberships__unit=unit, memberships__role__in=roles, is_active=True).distinct()
    )


def _handlers(case):
    if case.handler_id and case.status == CaseStatus.IN_PROGRESS:
        return [case.handler]
    return _staff_of(case.lead_unit, [Role.HANDLER, Role.UNIT_HEAD])


def _supervisors(case):
    paths = []
    if case.region_id:
        paths.append(case.region.path)
    if case.lead_unit_id:
        paths += list(case.lead_unit.regions.values_list("path", flat=True))
    memberships = Membership.objects.filter(role=Role.SUPERVISOR, user__is_active=True).select_related(
        "region", "user"
    )
    return list(
        {m.user for m in memberships if m.region_id and any(path.startswith(m.region.path) for path in paths)}
    )


def _tell(users, case, kind, text):
    from .handling_rules import tell_staff

    tell_staff(users=users, case=case, kind=kind, text=text)


def _when(instant):
    return f"{timezone.localtime(instant):%Y-%m-%d %H:%M}"


# --- one tick --------------------------------------------------------------------------------------


def _claim_without_event(case, value):
    """Move next_check_at when nothing fires, under the same version condition as case_apply."""
    updated = Case.objects.filter(pk=case.pk, version=case.version).update(
        next_check_at=value, version=F("version") + 1
    )
    if updated != 1:
        raise ConcurrentUpdate()
    case.next_check_at, case.version = value, case.version + 1


def _accountability_open(case, stage, now):
    unit = case.first_unit or case.lead_unit
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
                "unit": case.lead_unit or unit,
            },
            "opened_at": now,
        },
    )
    return record if created else None


def _escalate(case, stage, level, now):
    """Act on reaching rung `level` of the ladder; returns (public note, internal note)."""
    what = stage.label
    if level == EscalationLevel.WARNED:
        _tell(
            _staff_of(case.lead_unit, [Role.UNIT_HEAD]),
            case,
            NotificationKind.OVERDUE,
            _("Warning: %(code)s is overdue (%(what)s was due at %(due)s).")
            % {"code": case.tracking_code, "what": what, "due": _when(stage.due)},
        )
        return _("Warning sent to the head of %(unit)s.") % {"unit": case.lead_unit}
    if level == EscalationLevel.LISTED:
        _tell(
            _supervisors(case),
            case,
            NotificationKind.OVERDUE,
            _("%(code)s is listed for supervision: %(what)s was due at %(due)s.")
            % {"code": case.tracking_code, "what": what, "due": _when(stage.due)},
        )
        return _("Listed for the supervisor.")
    record = _accountability_open(case, stage, now)
    return _("Accountability record opened.") if record else _("Accountability record already open.")


def _tick_one(case, now):
    """Act on one demand whose check time has come. Returns True if this call acted, False if another
    worker got there first. Runs in its own transaction."""
    with transaction.atomic():
        if case.status == CaseStatus.REPLIED:
            from .visit import auto_close_one

            if now >= auto_close_at(case):
                auto_close_one(case=case, now=now)
            else:
                _claim_without_event(case, auto_close_at(case))
            return True
        stage = current_stage(case)
        acted = False
        if stage is not None:
            warn_at = _warnings(case, stage)
            passed = sum(1 for t in warn_at if t <= now)
            if not case.is_overdue and now < stage.due and passed > case.warnings_fired:
                share = policy_for(category=case.category, urgency=case.urgency).warning_shares[passed - 1]
                _event(
                    case,
                    now,
                    EventKind.WARNING,
                    {"warnings_fired": passed},
                    internal=_("%(share)d%% of the %(what)s used; due at %(due)s.")
                    % {"share": round(share * 100), "what": stage.label.lower(), "due": _when(stage.due)},
                    data={"stage": stage.stage, "share": share},
                )
                _tell(
                    _handlers(case),
                    case,
                    NotificationKind.WARNING,
                    _("%(code)s: %(share)d%% of the time used, %(what)s due at %(due)s.")
                    % {
                        "code": case.tracking_code,
                        "share": round(share * 100),
                        "what": stage.label.lower(),
                        "due": _when(stage.due),
                    },
                )
                acted = True
            if now >= stage.due and not case.is_overdue:
                _event(
                    case,
                    now,
                    EventKind.OVERDUE,
                    {
                        "is_overdue": True,
                        "escalation_level": EscalationLevel.REMINDED,
                        "warnings_fired": len(warn_at),
                    },
                    internal=_("%(what)s was due at %(due)s. Reminder sent to the handler.")
                    % {"what": stage.label, "due": _when(stage.due)},
                    data={"stage": stage.stage, "level": int(EscalationLevel.REMINDED)},
                )
                _tell(
                    _handlers(case),
                    case,
                    NotificationKind.OVERDUE,
                    _("Reminder: %(code)s is overdue (%(what)s was due at %(due)s).")
                    % {"code": case.tracking_code, "what": stage.label.lower(), "due": _when(stage.due)},
                )
                acted = True
            elif case.is_overdue:
                while case.escalation_level < EscalationLevel.ACCOUNTABLE and now >= _escalation_time(
                    stage, case.escalation_level
                ):
                    level = case.escalation_level + 1
                    note = _escalate(case, stage, level, now)
                    _event(
                        case,
                        now,
                        EventKind.ESCALATED,
                        {"escalation_level": level},
                        internal=note,
                        data={"stage": stage.stage, "level": level},
                    )
                    acted = True
        if not acted:
            _claim_without_event(case, next_check(case, now=now))
        return True


def _event(case, now, kind, fields, *, internal, data):
    for name, value in fields.items():
        setattr(case, name, value)
    fields = {**fields, "next_check_at": next_check(case, now=now)}
    case_apply(case=case, by=None, event_kind=kind, fields=fields, at=now, internal_note=internal, data=data)


def clock_tick(*, now=None):
    """Act on every demand whose check time has come; returns how many this call acted on."""
    now = now or timezone.now()
    ids = list(
        Case.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    acted = 0
    for case in Case.objects.filter(pk__in=ids).select_related(
        "category", "reply_clock", "lead_unit", "first_unit", "handler", "region"
    ):
        try:
            if _tick_one(case, now):
                acted += 1
        except ConcurrentUpdate:
            log.info("demand %s was taken by another worker", case.tracking_code)
        except DomainError as exc:
            # A demand the clock cannot measure (no policy, unknown calendar year) must not stop the others;
            # it is looked at again in an hour and the error is logged for the administrator.
            log.warning("clock cannot check demand %s: %s", case.tracking_code, exc.message)
            Case.objects.filter(pk=case.pk, version=case.version).update(
                next_check_at=now + timedelta(hours=1)
            )
    return acted


# --- the supervisor's decision -----------------------------------------------------------------------


def accountability_decide(*, record, decision, note, by, at=None):
    """The supervisor decides an accountability record (责任追究): excused, reminder, criticism, referral."""
    at = at or timezone.now()
    if by is None or not user_scope(by).has_role(Role.SUPERVISOR):
        from massline.lib.errors import PermissionDenied

        raise PermissionDenied(_("Only a supervisor decides accountability records."))
    if decision not in AccountabilityDecision.values or decision == AccountabilityDecision.PENDING:
        raise DomainError(_("Choose a decision for the record."), code="decision")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Give the reason for the decision: the unit and the appraisal will read it."))
    from ..selectors import case_scope_q

    with transaction.atomic():
        record = AccountabilityRecord.objects.select_for_update().get(pk=record.pk)
        if not Case.objects.filter(case_scope_q(by), pk=record.case_id).exists():
            from massline.lib.errors import PermissionDenied

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
    how many digests were sent. Sent at most once per official per day, at or after MASSLINE_DIGEST_HOUR."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < digest_hour():
        return 0
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    horizon = now + timedelta(days=1)
    open_cases = Case.objects.filter(
        status__in=[CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS],
        thread__isnull=True,
        lead_unit__isnull=False,
    )
    per_unit = {}
    for unit_id, status, due_sign, due_reply, overdue in open_cases.values_list(
        "lead_unit_id", "status", "due_sign_at", "due_reply_at", "is_overdue"
    ):
        counts = per_unit.setdefault(unit_id, [0, 0, 0])
        if overdue:
            counts[2] += 1
        elif status == CaseStatus.DISPATCHED and due_sign and due_sign <= horizon:
            counts[0] += 1
        elif status == CaseStatus.IN_PROGRESS and due_reply and due_reply <= horizon:
            counts[1] += 1
    recipients = {}
    for membership in Membership.objects.filter(
        role__in=[Role.HANDLER, Role.UNIT_HEAD], unit_id__in=per_unit.keys(), user__is_active=True
    ).select_related("user"):
        totals = recipients.setdefault(membership.user, [0, 0, 0])
        for i, n in enumerate(per_unit[membership.unit_id]):
            totals[i] += n
    queue = {
        "new": Case.objects.filter(status=CaseStatus.RECEIVED, thread__isnull=True).count(),
        "returned": Case.objects.filter(status=CaseStatus.ARBITRATION).count(),
    }
    sent = 0
    with transaction.atomic():
        already = set(
            Notification.objects.filter(kind=NotificationKind.DIGEST, created_at__gte=day_start).values_list(
                "user_id", flat=True
            )
        )
        for user, (sign, reply, late) in recipients.items():
            if user.pk in already or not (sign or reply or late):
                continue
            Notification.objects.create(
                user=user,
                kind=NotificationKind.DIGEST,
                text=_(
                    "Today: %(sign)d demand(s) to sign and %(reply)d to reply to within a day; "
                    "%(late)d overdue."
                )
                % {"sign": sign, "reply": reply, "late": late},
            )
            sent += 1
        if queue["new"] or queue["returned"]:
            for user in User.objects.filter(memberships__role=Role.DISPATCHER, is_active=True).distinct():
                if user.pk in already:
                    continue
                Notification.objects.create(
                    user=user,
                    kind=NotificationKind.DIGEST,
                    text=_("Today: %(new)d new demand(s) to dispatch, %(returned)d returned ones to decide.")
                    % queue,
                )
                sent += 1
    return sent
