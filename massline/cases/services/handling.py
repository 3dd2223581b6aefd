"""Handling a demand in the units (办理): dispatch (派单), signing (签收), return to the centre and the
centre's decision (退单 / 仲裁), transfer (转办), contact with the citizen, progress notes, extensions
(延期), pausing the reply clock (挂起), joint handling (协办) and the reply (答复).

Rules kept here:
- first-receiver responsibility (首问负责): the first unit that signs stays `first_unit` until closing,
  whatever transfers or re-dispatches follow;
- the reply clock belongs to the demand: it starts at the first signature, pauses while the unit waits
  for the citizen or a third party, moves only by an approved extension, and keeps running through
  returns and transfers (the citizen's promise does not restart because the centre re-routes);
- only the lead unit replies; co-handling units add their part before the reply or not at all.

Every service runs in one transaction and changes the demand through `workflow.case_apply`.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from massline.deadlines.choices import ClockState, PauseReason
from massline.deadlines.services import clock_extend, clock_pause, clock_resume, clock_start, clock_stop
from massline.lib.errors import DomainError, PermissionDenied
from massline.org.choices import Role
from massline.org.selectors import user_scope

from ..actions import ACTIONS
from ..choices import (
    ACTIVE_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    ClockStage,
    EventKind,
    ExtensionStatus,
    NotificationKind,
    ReturnReason,
)
from ..errors import InvalidTransition
from ..models import Assignment, Case, Extension
from ..schedule import centre_due
from ..timelimits import stage_due
from ..workflow import case_apply
from .handling_rules import (
    _active_assignment,
    _apply,
    _check_unit,
    _clean_co_units,
    _copy_back,
    _create_assignments,
    _dispatch_fields,
    _lead_assignment,
    _locked_copy,
    _now,
    _refresh_next_check,
    _tell_unit_new,
    case_policy,
    dispatchers,
    is_unit_member,
    refuse_thread_member,
    require_allowed,
    require_dispatcher,
    require_status,
    require_text,
    require_unit_member,
    tell_citizen,
    tell_staff,
)

# --- dispatch, sign, return, arbitrate, transfer ---------------------------------------------------


def case_dispatch(*, case, lead_unit, co_units=(), by, note="", forced=False, at=None):
    """Send a new demand to its lead unit (and co-handling units): the time to sign starts now (派单)."""
    at = _now(at)
    require_dispatcher(by)
    _check_unit(lead_unit, _("lead unit"))
    co_units = _clean_co_units(lead_unit, co_units)
    with transaction.atomic():
        current = _locked_copy(case)
        refuse_thread_member(current)
        require_allowed(
            current,
            "dispatch",
            message=_(
                "Only a new demand can be dispatched; this one is “%(status)s”. A returned demand is decided "
                "by arbitration, one being handled is moved by a transfer."
            )
            % {"status": CaseStatus(current.status).label},
        )
        _apply(
            current,
            by=by,
            event_kind=EventKind.DISPATCHED,
            to=CaseStatus.DISPATCHED,
            fields=_dispatch_fields(current, lead_unit=lead_unit, at=at),
            at=at,
            unit=lead_unit,
            public_note=_("Sent to %(unit)s.") % {"unit": lead_unit},
            internal_note=note,
            data={"co_units": [u.code for u in co_units], "forced": forced},
        )
        _create_assignments(current, lead_unit=lead_unit, co_units=co_units, by=by, at=at, forced=forced)
        _refresh_next_check(current, at)
        _tell_unit_new(current, [lead_unit, *co_units])
    _copy_back(current, case)
    return case


def case_dispatch_automatically(*, case, lead_unit, suggestion, at=None):
    """Dispatch a new demand without a dispatcher (自动派单), because routing's suggestion cleared the
    administrators' threshold for its category. Done by the system (no actor); `suggestion` (a JSON-ready
    dict: model, confidence, threshold, the top units) is kept on the timeline event and in the audit."""
    at = _now(at)
    _check_unit(lead_unit, _("lead unit"))
    with transaction.atomic():
        current = _locked_copy(case)
        refuse_thread_member(current)
        require_allowed(current, "dispatch")
        _apply(
            current,
            by=None,
            event_kind=EventKind.DISPATCHED,
            to=CaseStatus.DISPATCHED,
            fields=_dispatch_fields(current, lead_unit=lead_unit, at=at),
            at=at,
            unit=lead_unit,
            public_note=_("Sent to %(unit)s.") % {"unit": lead_unit},
            internal_note=_("Dispatched automatically: routing suggested this unit with %(p)s confidence.")
            % {"p": f"{suggestion.get('p', 0):.0%}"},
            data={"co_units": [], "forced": False, "automatic": True, "suggestion": suggestion},
        )
        _create_assignments(current, lead_unit=lead_unit, co_units=(), by=None, at=at, forced=False)
        _refresh_next_check(current, at)
        _tell_unit_new(current, [lead_unit])
    _copy_back(current, case)
    return case


def case_sign(*, case, unit, by, at=None):
    """The unit signs for the demand (签收). For the lead unit the demand is now being handled: the times to
    contact the citizen and to reply start (the reply clock only at the first signature)."""
    at = _now(at)
    require_unit_member(by, unit)
    with transaction.atomic():
        current = _locked_copy(case)
        refuse_thread_member(current)
        assignment = _active_assignment(current, unit)
        if assignment is None or assignment.status != AssignmentStatus.PENDING:
            if current.status == CaseStatus.CLOSED:
                raise InvalidTransition(_("This demand is closed: there is nothing left to sign for."))
            raise InvalidTransition(
                _("%(unit)s has no demand %(code)s waiting for its signature: reload the queue.")
                % {"unit": unit, "code": current.tracking_code}
            )
        require_allowed(current, "sign")
        assignment.status, assignment.signed_by, assignment.signed_at = AssignmentStatus.SIGNED, by, at
        assignment.save(update_fields=["status", "signed_by", "signed_at"])
        if assignment.role == AssignmentRole.CO:
            _apply(current, by=by, event_kind=EventKind.SIGNED, at=at, unit=unit, data={"role": "co"})
        else:
            require_status(current, CaseStatus.DISPATCHED)
            policy = case_policy(current)
            fields = {
                "signed_at": current.signed_at or at,
                "first_unit": current.first_unit or unit,
                "handler": by,
                "stage_since": at,
                "warnings_fired": 0,
                "escalation_level": 0,
                "is_overdue": False,
            }
            if current.first_contact_at is None:
                fields["due_contact_at"] = stage_due(policy=policy, stage=ClockStage.CONTACT, start=at)
            if current.reply_clock is None or current.reply_clock.state == ClockState.STOPPED:
                clock = clock_start(start=at, amount=policy.reply_amount, unit=policy.reply_unit, by=by)
                fields.update(reply_clock=clock, due_reply_at=clock.due_at)
            _apply(
                current,
                by=by,
                event_kind=EventKind.SIGNED,
                to=CaseStatus.IN_PROGRESS,
                fields=fields,
                at=at,
                unit=unit,
                public_note=_("%(unit)s is handling your demand.") % {"unit": unit},
                data={"role": "lead", "late": bool(current.due_sign_at and at > current.due_sign_at)},
            )
    _copy_back(current, case)
    return case


def case_return(*, case, unit, reason, note, by, at=None):
    """The lead unit sends the demand back to the centre with a reason from the fixed list (退单)."""
    at = _now(at)
    require_unit_member(by, unit)
    if reason not in ReturnReason.values:
        raise DomainError(
            _("Choose why the demand is returned: %(reasons)s.")
            % {"reasons": ", ".join(str(label) for label in ReturnReason.labels)},
            code="return_reason_required",
        )
    note = require_text(note, _("Explain the return in the note, so the centre can decide where it belongs."))
    with transaction.atomic():
        current = _locked_copy(case)
        refuse_thread_member(current)
        require_allowed(current, "return")
        assignment = _active_assignment(current, unit, AssignmentRole.LEAD)
        if assignment is None:
            raise InvalidTransition(
                _("%(unit)s is not the lead unit of this demand: only the lead unit can return it.")
                % {"unit": unit}
            )
        if assignment.forced:
            raise InvalidTransition(
                _(
                    "The centre assigned this demand to %(unit)s by decision after a return: it cannot be "
                    "returned again. Handle it, or ask the dispatcher for a transfer."
                )
                % {"unit": unit}
            )
        _apply(
            current,
            by=by,
            event_kind=EventKind.RETURNED,
            to=CaseStatus.ARBITRATION,
            fields={
                "warnings_fired": 0,
                "escalation_level": 0,
                "is_overdue": False,
                "stage_since": at,
                "due_dispatch_at": centre_due(
                    policy=case_policy(current), status=CaseStatus.ARBITRATION, start=at
                ),
            },
            at=at,
            unit=unit,
            internal_note=note,
            data={"reason": reason},
        )
        assignment.status, assignment.returned_at = AssignmentStatus.RETURNED, at
        assignment.return_reason, assignment.return_note = reason, note
        assignment.save(update_fields=["status", "returned_at", "return_reason", "return_note"])
        tell_staff(
            users=dispatchers(),
            case=current,
            kind=NotificationKind.RETURNED,
            text=_("%(unit)s returned %(code)s: %(reason)s.")
            % {"unit": unit, "code": current.tracking_code, "reason": ReturnReason(reason).label},
        )
    _copy_back(current, case)
    return case


ARBITRATE_REDISPATCH = "redispatch"
ARBITRATE_FORCE = "force"


def case_arbitrate(*, case, decision, unit, by, note, co_units=(), at=None):
    """The centre decides a returned demand (仲裁): re-dispatch it to another unit, or force it on the unit
    that returned it (`decision` "force"; that unit must then handle it and cannot return it again)."""
    at = _now(at)
    require_dispatcher(by)
    if decision not in (ARBITRATE_REDISPATCH, ARBITRATE_FORCE):
        raise DomainError(_("Decide to re-dispatch the demand or to force the assignment."), code="decision")
    _check_unit(unit, _("lead unit"))
    note = require_text(note, _("Give the reason for the decision: the units will read it."))
    co_units = _clean_co_units(unit, co_units)
    with transaction.atomic():
        current = _locked_copy(case)
        require_allowed(
            current,
            "arbitrate",
            message=_("Only a returned demand awaits the centre's decision; this one is “%(status)s”.")
            % {"status": CaseStatus(current.status).label},
        )
        returned = (
            Assignment.objects.filter(
                case=current, role=AssignmentRole.LEAD, status=AssignmentStatus.RETURNED
            )
            .order_by("-returned_at")
            .first()
        )
        forced = decision == ARBITRATE_FORCE
        if forced and (returned is None or returned.unit_id != unit.pk):
            raise DomainError(
                _("Forcing keeps the demand with the unit that returned it (%(unit)s): choose that unit.")
                % {"unit": returned.unit if returned else "—"},
                code="force_same_unit",
            )
        if not forced and returned is not None and returned.unit_id == unit.pk:
            raise DomainError(
                _("%(unit)s returned this demand: re-dispatch it to another unit, or force the assignment.")
                % {"unit": unit},
                code="redispatch_same_unit",
            )
        Assignment.objects.filter(
            case=current, role=AssignmentRole.CO, status__in=ACTIVE_ASSIGNMENT_STATUSES
        ).exclude(unit__in=co_units).update(status=AssignmentStatus.CANCELLED)
        _apply(
            current,
            by=by,
            event_kind=EventKind.ARBITRATED,
            to=CaseStatus.DISPATCHED,
            fields=_dispatch_fields(current, lead_unit=unit, at=at),
            at=at,
            unit=unit,
            public_note=_("Sent to %(unit)s.") % {"unit": unit},
            internal_note=note,
            data={"decision": decision, "co_units": [u.code for u in co_units]},
        )
        _create_assignments(current, lead_unit=unit, co_units=co_units, by=by, at=at, forced=forced)
        _refresh_next_check(current, at)
        _tell_unit_new(current, [unit, *co_units])
    _copy_back(current, case)
    return case


def case_transfer(*, case, to_unit, by, note, co_units=(), at=None):
    """The centre moves a demand from its lead unit to another (转办). The first unit that signed stays
    accountable (首问负责) and the reply clock keeps running; the new unit must sign."""
    at = _now(at)
    require_dispatcher(by)
    _check_unit(to_unit, _("new lead unit"))
    note = require_text(note, _("Give the reason for the transfer: both units will read it."))
    co_units = _clean_co_units(to_unit, co_units)
    with transaction.atomic():
        current = _locked_copy(case)
        refuse_thread_member(current)
        require_allowed(current, "transfer")
        lead = _lead_assignment(current)
        if lead is not None and lead.unit_id == to_unit.pk:
            raise DomainError(
                _("%(unit)s already leads this demand: choose another unit.") % {"unit": to_unit},
                code="same_unit",
            )
        _apply(
            current,
            by=by,
            event_kind=EventKind.TRANSFERRED,
            to=CaseStatus.DISPATCHED,
            fields=_dispatch_fields(current, lead_unit=to_unit, at=at),
            at=at,
            unit=to_unit,
            public_note=_("Transferred to %(unit)s.") % {"unit": to_unit},
            internal_note=note,
            data={"from": lead.unit.code if lead else None},
        )
        if lead is not None:
            lead.status = AssignmentStatus.TRANSFERRED
            lead.save(update_fields=["status"])
        _create_assignments(current, lead_unit=to_unit, co_units=co_units, by=by, at=at, forced=False)
        _refresh_next_check(current, at)
        _tell_unit_new(current, [to_unit, *co_units])
    _copy_back(current, case)
    return case


# --- while handling ----------------------------------------------------------------------------------


def _require_lead_member(case, by, *, what):
    lead = _lead_assignment(case)
    if lead is None or lead.status != AssignmentStatus.SIGNED or not is_unit_member(by, lead.unit):
        raise PermissionDenied(
            _("Only the handlers of the unit leading this demand, once it has signed, may %(what)s.")
            % {"what": what}
        )
    return lead


def case_contact(*, case, by, note, at=None):
    """The handler records contact with the citizen (首次联系 and later calls)."""
    at = _now(at)
    note = require_text(note, _("Write down what was said with the citizen."))
    with transaction.atomic():
        current = _locked_copy(case)
        refuse_thread_member(current)
        require_allowed(current, "contact")
        lead = _require_lead_member(current, by, what=_("record contact with the citizen"))
        fields = {}
        if current.first_contact_at is None:
            # The contact stage is over: the warnings and escalation now count toward the reply.
            fields = {"first_contact_at": at, "warnings_fired": 0, "escalation_level": 0, "is_overdue": False}
        _apply(
            current,
            by=by,
            event_kind=EventKind.CONTACTED,
            fields=fields,
            at=at,
            unit=lead.unit,
            public_note=_("The handler contacted you."),
            internal_note=note,
        )
    _copy_back(current, case)
    return case


def case_note(*, case, by, note, at=None):
    """A progress note on the timeline, for staff only (办理进展)."""
    at = _now(at)
    note = require_text(note, _("Write the progress note."))
    with transaction.atomic():
        current = _locked_copy(case)
        require_allowed(current, "note")
        unit = None
        if not user_scope(by).has_role(Role.DISPATCHER, Role.SUPERVISOR):
            unit = _require_lead_member(current, by, what=_("add a progress note")).unit
        case_apply(case=current, by=by, event_kind=EventKind.NOTE, at=at, unit=unit, internal_note=note)
    _copy_back(current, case)
    return case


def case_pause(*, case, reason, note, by, at=None):
    """Stop the reply clock while the unit waits for the citizen or a third party (挂起)."""
    at = _now(at)
    if reason not in PauseReason.values:
        raise DomainError(
            _("Choose why the clock stops: %(reasons)s.")
            % {"reasons": ", ".join(str(label) for label in PauseReason.labels)},
            code="pause_reason_required",
        )
    note = require_text(note, _("Explain what the unit is waiting for."))
    with transaction.atomic():
        current = _locked_copy(case)
        require_allowed(current, "pause")
        lead = _require_lead_member(current, by, what=_("pause the reply clock"))
        clock_pause(clock=current.reply_clock, at=at, reason=reason, note=note, by=by)
        _apply(
            current,
            by=by,
            event_kind=EventKind.NOTE,
            at=at,
            unit=lead.unit,
            internal_note=_("Reply clock paused: %(reason)s. %(note)s")
            % {"reason": PauseReason(reason).label, "note": note},
            data={"clock": "paused", "reason": reason},
        )
    _copy_back(current, case)
    return case


def case_resume(*, case, by, at=None):
    """Restart the reply clock: the due time moves on by the working time it stood still."""
    at = _now(at)
    with transaction.atomic():
        current = _locked_copy(case)
        require_allowed(current, "resume")
        lead = _require_lead_member(current, by, what=_("restart the reply clock"))
        if current.reply_clock is None or current.reply_clock.state != ClockState.PAUSED:
            raise InvalidTransition(_("The reply clock is running, not paused: there is nothing to restart."))
        clock = clock_resume(clock=current.reply_clock, at=at, by=by)
        _apply(
            current,
            by=by,
            event_kind=EventKind.NOTE,
            fields={"due_reply_at": clock.due_at},
            at=at,
            unit=lead.unit,
            internal_note=_("Reply clock restarted."),
            data={"clock": "resumed", "due_reply_at": clock.due_at.isoformat()},
        )
    _copy_back(current, case)
    return case


def _decimal_amount(amount):
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or value <= 0:
        raise DomainError(_("Ask for some extra time: give an amount above zero."), code="amount")
    return value


def extension_request(*, case, amount, reason, by, at=None):
    """The lead unit asks the centre for more time to reply (延期申请), in the reply clock's unit."""
    at = _now(at)
    value = _decimal_amount(amount)
    reason = require_text(reason, _("Explain why more time is needed."))
    with transaction.atomic():
        current = _locked_copy(case)
        require_allowed(current, "extension_request")
        lead = _require_lead_member(current, by, what=_("ask for an extension"))
        policy = case_policy(current)
        if current.extension_count >= policy.max_extensions:
            raise InvalidTransition(
                _(
                    "This demand already had the %(n)d extension(s) its time limit allows: reply now, or "
                    "ask the centre to transfer it."
                )
                % {"n": policy.max_extensions}
            )
        if Extension.objects.filter(case=current, status=ExtensionStatus.REQUESTED).exists():
            raise InvalidTransition(
                _("An extension request for this demand is already waiting for the centre's decision.")
            )
        extension = Extension.objects.create(
            case=current,
            unit=lead.unit,
            requested_by=by,
            requested_at=at,
            amount=value,
            unit_of_time=current.reply_clock.unit,
            reason=reason,
        )
        case_apply(
            case=current,
            by=by,
            event_kind=EventKind.EXTENSION_REQUESTED,
            at=at,
            unit=lead.unit,
            internal_note=reason,
            data={"extension": extension.pk, "amount": str(value), "unit": extension.unit_of_time},
        )
        tell_staff(
            users=dispatchers(),
            case=current,
            kind=NotificationKind.EXTENSION,
            text=_("%(unit)s asks for more time on %(code)s.")
            % {"unit": lead.unit, "code": current.tracking_code},
        )
    _copy_back(current, case)
    return extension


def extension_decide(*, extension, approve, by, note="", at=None):
    """The dispatcher approves or rejects an extension request; on approval the reply is due later and the
    citizen is told."""
    at = _now(at)
    require_dispatcher(by)
    if not approve:
        note = require_text(note, _("Say why the extension is refused: the unit will read it."))
    with transaction.atomic():
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        if extension.status != ExtensionStatus.REQUESTED:
            raise InvalidTransition(
                _("This extension request was already decided (%(status)s).")
                % {"status": ExtensionStatus(extension.status).label}
            )
        current = _locked_copy(Case.objects.get(pk=extension.case_id))
        require_allowed(current, "extension_decide")
        fields = {}
        public_note = ""
        if approve:
            policy = case_policy(current)
            if current.extension_count >= policy.max_extensions:
                raise InvalidTransition(
                    _("This demand already had the %(n)d extension(s) its time limit allows.")
                    % {"n": policy.max_extensions}
                )
            clock = clock_extend(
                clock=current.reply_clock, amount=extension.amount, by=by, reason=extension.reason
            )
            fields = {"due_reply_at": clock.due_at, "extension_count": current.extension_count + 1}
            if at < clock.due_at:
                fields.update(is_overdue=False, escalation_level=0)
            # A localised date ("2026年10月13日 17:30"): the masking of public notes takes long digit runs
            # such as 2026-10-13 17 for phone numbers.
            public_note = _("More time was granted; the reply is now due by %(due)s.") % {
                "due": formats.date_format(timezone.localtime(clock.due_at), "DATETIME_FORMAT")
            }
        extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        extension.decided_by, extension.decided_at, extension.decision_note = by, at, note
        extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _apply(
            current,
            by=by,
            event_kind=EventKind.EXTENSION_DECIDED,
            fields=fields,
            at=at,
            unit=extension.unit,
            public_note=public_note,
            internal_note=note,
            data={"extension": extension.pk, "approved": bool(approve)},
        )
        tell_staff(
            users=[extension.requested_by],
            case=current,
            kind=NotificationKind.EXTENSION,
            text=(_("Extension approved for %(code)s.") if approve else _("Extension refused for %(code)s."))
            % {"code": current.tracking_code},
        )
        if approve:
            tell_citizen(case=current, kind="extended")
    return extension


# --- joint handling and the reply -------------------------------------------------------------------


def case_co_reply(*, case, unit, text, by, at=None):
    """A co-handling unit adds its part (协办意见), which the lead unit sees before replying."""
    at = _now(at)
    require_unit_member(by, unit)
    text = require_text(text, _("Write your unit's part of the answer."))
    with transaction.atomic():
        current = _locked_copy(case)
        if current.status not in ACTIONS["co_reply"].statuses:
            raise InvalidTransition(
                _(
                    "This demand is “%(status)s”: co-handling units add their part before the lead unit "
                    "replies."
                )
                % {"status": CaseStatus(current.status).label}
            )
        assignment = _active_assignment(current, unit, AssignmentRole.CO)
        if assignment is None:
            raise PermissionDenied(
                _("%(unit)s does not co-handle this demand: only its co-handling units add a part.")
                % {"unit": unit}
            )
        case_apply(case=current, by=by, event_kind=EventKind.CO_REPLIED, at=at, unit=unit, internal_note=text)
        assignment.co_reply = text
        fields = ["co_reply"]
        if assignment.status == AssignmentStatus.PENDING:
            assignment.status, assignment.signed_by, assignment.signed_at = AssignmentStatus.SIGNED, by, at
            fields += ["status", "signed_by", "signed_at"]
        assignment.save(update_fields=fields)
    _copy_back(current, case)
    return case


def _reply_fields(case, *, text, at, was_late, lead_unit):
    return {
        "reply": text,
        "replied_at": at,
        "was_late": was_late,
        "lead_unit": lead_unit,
        "is_overdue": False,
        "warnings_fired": 0,
        "escalation_level": 0,
    }


def case_reply(*, case, text, by, at=None):
    """The lead unit answers the citizen (答复): the reply clock stops and the demand awaits the rating.
    Demands merged into this one's handling thread get the same reply (each is rated on its own)."""
    at = _now(at)
    text = require_text(text, _("Write the reply to the citizen."))
    with transaction.atomic():
        current = _locked_copy(case)
        refuse_thread_member(current)
        if current.status not in ACTIONS["reply"].statuses:
            raise InvalidTransition(
                _("This demand is “%(status)s”: only a demand being handled can be replied to.")
                % {"status": CaseStatus(current.status).label}
            )
        lead = _lead_assignment(current)
        if lead is None or not is_unit_member(by, lead.unit):
            raise PermissionDenied(_("This demand is led by another unit: only the lead unit replies to it."))
        clock = current.reply_clock
        if clock is not None and clock.state != ClockState.STOPPED:
            clock = clock_stop(clock=clock, at=at, by=by)
        was_late = bool(clock and clock.stopped_at and clock.stopped_at > clock.due_at) or bool(
            current.due_reply_at and at > current.due_reply_at
        )
        _apply(
            current,
            by=by,
            event_kind=EventKind.REPLIED,
            to=CaseStatus.REPLIED,
            fields=_reply_fields(current, text=text, at=at, was_late=was_late, lead_unit=lead.unit),
            at=at,
            unit=lead.unit,
            public_note=_("Your demand was answered."),
            data={"late": was_late},
        )
        Assignment.objects.filter(case=current, status__in=ACTIVE_ASSIGNMENT_STATUSES).update(
            status=AssignmentStatus.DONE
        )
        tell_citizen(case=current, kind="replied")
        for member in Case.objects.filter(thread=current).exclude(
            status__in=[CaseStatus.REPLIED, CaseStatus.CLOSED]
        ):
            member_copy = _locked_copy(member)
            member_copy.version = member.version
            _apply(
                member_copy,
                by=by,
                event_kind=EventKind.REPLIED,
                to=CaseStatus.REPLIED,
                fields={
                    **_reply_fields(member_copy, text=text, at=at, was_late=was_late, lead_unit=lead.unit),
                    "handler": current.handler,
                    "first_unit": member_copy.first_unit or current.first_unit,
                },
                at=at,
                unit=lead.unit,
                public_note=_("Your demand was answered together with %(code)s.")
                % {"code": current.tracking_code},
                data={"thread": current.pk, "late": was_late},
            )
            tell_citizen(case=member_copy, kind="replied")
    _copy_back(current, case)
    return case
