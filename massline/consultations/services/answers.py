"""Answers to opinions (答复) and the adoption report (意见采纳情况报告)."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.lib.errors import DomainError

from .. import conf
from ..choices import (
    ConsultationStatus,
    Decision,
    OpinionStatus,
)
from ..models import (
    Answer,
    AnswerTemplate,
    Consultation,
    Opinion,
)
from ._common import _clean_text, _notify_followers, _require_manager, _require_status, _sync

# --- answers and the report ------------------------------------------------------------------------


def _check_answerable(consultation, opinions):
    _require_status(
        consultation,
        ConsultationStatus.CLOSED,
        message=_("Opinions are answered after the consultation closes and before the report is published."),
    )
    if not opinions:
        raise DomainError(_("Select at least one opinion to answer."), code="no_opinions")
    if any(o.consultation_id != consultation.pk for o in opinions):
        raise DomainError(_("Some selected opinions belong to another consultation."))
    if any(o.status == OpinionStatus.MODERATED for o in opinions):
        raise DomainError(
            _(
                "Moderated opinions are listed with their moderation reason and need no answer: "
                "deselect them."
            ),
            code="moderated",
        )


@transaction.atomic
def answer_set(*, consultation, opinions, by, decision, reason, topic="", template=None, now=None):
    """One answer for one opinion, or for several merged by topic (合并答复): decision and reason."""
    now = now or timezone.now()
    _require_manager(by, consultation.unit)
    consultation.refresh_from_db(fields=["status"])
    # Read the opinions afresh: their status and current answer decide what may be done.
    opinions = list(Opinion.objects.filter(pk__in=[o.pk for o in opinions]))
    _check_answerable(consultation, opinions)
    if decision not in Decision.values:
        raise DomainError(
            _("Choose adopted, partly adopted, not adopted or outside the decision's scope."),
            code="bad_decision",
        )
    reason = _clean_text(reason, what=_("reason for the decision"), max_length=conf.opinion_max_length())
    answer = Answer.objects.create(
        consultation=consultation,
        topic=(topic or "").strip()[:200],
        decision=decision,
        reason=reason,
        template=template,
        answered_by=by,
        answered_at=now,
    )
    previous = sorted({o.answer_id for o in opinions if o.answer_id})  # read afresh above
    Opinion.objects.filter(pk__in=[o.pk for o in opinions]).update(answer=answer)
    # Answers no longer covering any opinion are replaced, not kept as orphans.
    Answer.objects.filter(pk__in=previous, opinions__isnull=True).delete()
    audit_record(
        action="answer.set",
        obj=answer,
        actor=by,
        details={
            "consultation": consultation.pk,
            "opinions": [o.pk for o in opinions],
            "decision": decision,
            "template": getattr(template, "pk", None),
            "replaced": previous,
        },
    )
    return answer


@transaction.atomic
def answer_draft_bulk(*, consultation, opinions, by, template, merge=False, now=None):
    """Answer many opinions from a reusable template: one answer each, or one merged answer (批量答复)."""
    _require_manager(by, consultation.unit)
    if template.unit_id != consultation.unit_id:
        raise DomainError(
            _("Use one of the responsible unit's own answer templates."), code="foreign_template"
        )
    consultation.refresh_from_db(fields=["status"])
    opinions = list(Opinion.objects.filter(pk__in=[o.pk for o in opinions]))
    if merge:
        return [
            answer_set(
                consultation=consultation,
                opinions=opinions,
                by=by,
                decision=template.decision,
                reason=template.reason,
                topic=template.title,
                template=template,
                now=now,
            )
        ]
    _check_answerable(consultation, opinions)
    return [
        answer_set(
            consultation=consultation,
            opinions=[opinion],
            by=by,
            decision=template.decision,
            reason=template.reason,
            template=template,
            now=now,
        )
        for opinion in opinions
    ]


@transaction.atomic
def answer_template_create(*, unit, by, title, decision, reason):
    _require_manager(by, unit)
    if decision not in Decision.values:
        raise DomainError(_("Choose adopted, partly adopted, not adopted or outside the decision's scope."))
    template = AnswerTemplate.objects.create(
        unit=unit,
        title=_clean_text(title, what=_("title"), max_length=200),
        decision=decision,
        reason=_clean_text(reason, what=_("reason for the decision"), max_length=conf.opinion_max_length()),
    )
    audit_record(action="answer_template.create", obj=template, actor=by)
    return template


@transaction.atomic
def report_publish(*, consultation, by, decision, now=None):
    """Publish the adoption report (意见采纳情况报告): refused while any opinion is unanswered."""
    now = now or timezone.now()
    original, consultation = consultation, Consultation.objects.select_for_update().get(pk=consultation.pk)
    _require_manager(by, consultation.unit)
    _require_status(
        consultation,
        ConsultationStatus.CLOSED,
        message=_("The report is published once, after the consultation closes; this one is %(status)s.")
        % {"status": consultation.get_status_display()},
    )
    pending = consultation.opinions.filter(status=OpinionStatus.PENDING_REVIEW).count()
    if pending:
        raise DomainError(
            _("%(n)d flagged opinion(s) still await review: hide or restore them, then answer them.")
            % {"n": pending},
            code="pending_review",
        )
    unanswered = consultation.opinions.filter(status=OpinionStatus.VISIBLE, answer__isnull=True).count()
    if unanswered:
        raise DomainError(
            _(
                "%(n)d opinion(s) have no answer yet. Every opinion must be answered "
                "(adopted, partly adopted, "
                "not adopted or out of scope, with the reason) before the report is published."
            )
            % {"n": unanswered},
            code="unanswered_opinions",
        )
    decision = _clean_text(decision, what=_("decision taken"), max_length=10000)
    last_answer = consultation.answers.aggregate(m=Max("answered_at"))["m"]
    consultation.decision = decision
    consultation.status = ConsultationStatus.ANSWERED
    consultation.answered_at = last_answer or now
    consultation.report_published_at = now
    consultation.save()
    audit_record(
        action="consultation.report_publish",
        obj=consultation,
        actor=by,
        changes={"status": [ConsultationStatus.CLOSED, ConsultationStatus.ANSWERED]},
        details={"answered_at": consultation.answered_at, "overdue": bool(consultation.answer_overdue_at)},
    )
    _notify_followers(
        consultation,
        _("Report published: %(title)s") % {"title": consultation.title},
        _("The unit has answered every opinion on “%(title)s” and published its report.")
        % {"title": consultation.title},
    )
    return _sync(original, consultation)
