"""The worker's rounds: close due consultations, recompute stale groups, escalate overdue answers."""

from django.db import transaction
from django.utils import timezone

from massline.audit.services import audit_record
from massline.lib.errors import DomainError

from ..choices import (
    ConsultationStatus,
    OpinionStatus,
)
from ..models import (
    Consultation,
    Escalation,
)
from ._common import log
from .consultations import consultation_close
from .groups import groups_compute

# --- the worker's rounds ---------------------------------------------------------------------------


def consultations_close_due(*, now=None):
    """Close every open consultation whose closing date has passed. Returns how many were closed."""
    now = now or timezone.now()
    closed = 0
    for consultation in Consultation.objects.filter(status=ConsultationStatus.OPEN, closes_at__lte=now):
        try:
            consultation_close(consultation=consultation, now=now)
            closed += 1
        except DomainError as exc:
            log.warning("consultation %s could not be closed: %s", consultation.pk, exc.message)
    return closed


def groups_recompute_stale(*, now=None):
    """Recompute the groups of consultations that received votes since their last computation."""
    count = 0
    for consultation in Consultation.objects.filter(groups_stale=True):
        groups_compute(consultation=consultation, now=now)
        count += 1
    return count


@transaction.atomic
def answers_escalate_overdue(*, now=None):
    """Mark closed consultations whose answering deadline passed and record an escalation (超期督办).

    The Escalation row is the seam for the demand-handling app's accountability records: it names the
    unit, the deadline and how many opinions were unanswered. Claimed with a conditional UPDATE, so two
    workers never escalate the same consultation twice.
    """
    now = now or timezone.now()
    escalated = 0
    due = Consultation.objects.filter(
        status=ConsultationStatus.CLOSED, answer_due_at__lt=now, answer_overdue_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        if not Consultation.objects.filter(pk=pk, answer_overdue_at__isnull=True).update(
            answer_overdue_at=now
        ):
            continue
        consultation = Consultation.objects.select_related("unit").get(pk=pk)
        unanswered = consultation.opinions.filter(status=OpinionStatus.VISIBLE, answer__isnull=True).count()
        escalation = Escalation.objects.create(
            consultation=consultation,
            unit=consultation.unit,
            due_at=consultation.answer_due_at,
            unanswered=unanswered,
        )
        audit_record(
            action="consultation.answers_overdue",
            obj=consultation,
            details={
                "escalation": escalation.pk,
                "unanswered": unanswered,
                "due_at": consultation.answer_due_at,
            },
        )
        escalated += 1
    return escalated


def worker_round(*, now=None):
    """One worker round: close due consultations, recompute stale groups, escalate overdue answers."""
    return (
        consultations_close_due(now=now) + groups_recompute_stale(now=now) + answers_escalate_overdue(now=now)
    )
