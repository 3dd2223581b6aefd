"""Accountability records opened by other apps (责任追究): the seam through which a decision taken
outside a demand, such as a discipline case on an integrity tip-off, reaches the official's record."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.lib.errors import DomainError

from ..choices import AccountabilityDecision, AccountabilityKind
from ..models import AccountabilityRecord


def accountability_record_open(*, unit, official, kind, description, decision, decision_note, by, at=None):
    """Open an accountability record of `unit` (and `official`, if known) that is not tied to a demand,
    already decided by `by` (the discipline inspector who concluded the case). Returns the record."""
    at = at or timezone.now()
    if kind not in AccountabilityKind.values:
        raise DomainError(_("Choose what the record is about."), code="kind")
    if decision not in AccountabilityDecision.values or decision == AccountabilityDecision.PENDING:
        raise DomainError(_("Choose a decision for the record."), code="decision")
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe what the record is about: the unit and the appraisal will read it."))
    with transaction.atomic():
        record = AccountabilityRecord.objects.create(
            case=None,
            unit=unit,
            official=official,
            kind=kind,
            description=description[:1000],
            opened_at=at,
            decision=decision,
            decided_by=by,
            decided_at=at,
            decision_note=(decision_note or "")[:1000],
        )
        audit_record(
            action="cases.accountability.open",
            obj=record,
            actor=by,
            details={"unit": unit.pk, "official": getattr(official, "pk", None), "kind": kind},
        )
    return record
