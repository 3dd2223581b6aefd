"""Opinions (意见): submit, like, flag, moderate, and the unit's public replies."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record, diff_fields, snapshot
from massline.lib.errors import DomainError

from .. import conf
from ..choices import (
    ConsultationStatus,
    ModerationVerdict,
    OpinionStatus,
)
from ..models import (
    Consultation,
    Flag,
    Opinion,
    OpinionLike,
    Reply,
)
from ._common import _actor, _clean_text, _coordinate, _require_manager, _require_open

# --- opinions ----------------------------------------------------------------------------------------


@transaction.atomic
def opinion_submit(
    *, consultation, participant, body, section=None, passage="", latitude=None, longitude=None, now=None
):
    """A citizen's opinion on the draft, on one section, or on a passage of it (提交意见)."""
    now = now or timezone.now()
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _require_open(consultation, now)
    if section is not None and section.consultation_id != consultation.pk:
        raise DomainError(
            _("That section belongs to another consultation: choose one of this draft's sections.")
        )
    body = _clean_text(body, what=_("opinion"), max_length=conf.opinion_max_length())
    passage = _clean_text(passage, what=_("quoted passage"), max_length=2000, required=False)
    if passage and section is not None and passage not in section.body:
        raise DomainError(
            _("The quoted passage is not in that section: select the passage again."), code="bad_passage"
        )
    lat = _coordinate(latitude, low=-90, high=90, what=_("latitude"))
    lon = _coordinate(longitude, low=-180, high=180, what=_("longitude"))
    if (lat is None) != (lon is None):
        raise DomainError(_("Give both latitude and longitude of the place, or neither."), code="bad_place")
    opinion = Opinion.objects.create(
        consultation=consultation,
        section=section,
        passage=passage,
        participant=participant,
        body=body,
        latitude=lat,
        longitude=lon,
    )
    audit_record(
        action="opinion.submit",
        obj=opinion,
        actor=_actor(participant),
        details={"consultation": consultation.pk, "participant": participant.pk, "length": len(body)},
    )
    return opinion


@transaction.atomic
def opinion_like(*, opinion, participant, now=None):
    now = now or timezone.now()
    _require_open(opinion.consultation, now)
    if opinion.status != OpinionStatus.VISIBLE:
        raise DomainError(_("This opinion is hidden and cannot be liked."), code="hidden")
    if opinion.participant_id == participant.pk:
        raise DomainError(_("You cannot like your own opinion."), code="own_opinion")
    try:
        with transaction.atomic():
            like = OpinionLike.objects.create(opinion=opinion, participant=participant)
    except IntegrityError:
        raise DomainError(_("You already like this opinion."), code="already_liked") from None
    audit_record(
        action="opinion.like", obj=opinion, actor=_actor(participant), details={"participant": participant.pk}
    )
    return like


@transaction.atomic
def opinion_flag(*, opinion, participant, reason, now=None):
    """Report an opinion to the moderators; enough flags hide it until a moderator decides (举报)."""
    now = now or timezone.now()
    reason = _clean_text(reason, what=_("reason for the report"), max_length=300)
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if opinion.status == OpinionStatus.MODERATED:
        raise DomainError(_("This opinion has already been moderated."), code="already_moderated")
    try:
        with transaction.atomic():
            flag = Flag.objects.create(opinion=opinion, participant=participant, reason=reason)
    except IntegrityError:
        raise DomainError(
            _("You have already reported this opinion: the moderators will review it."),
            code="already_flagged",
        ) from None
    count = opinion.flags.count()
    hidden = opinion.status == OpinionStatus.VISIBLE and count >= conf.flags_to_hide()
    if hidden:
        opinion.status = OpinionStatus.PENDING_REVIEW
        opinion.save(update_fields=["status"])
    audit_record(
        action="opinion.flag",
        obj=opinion,
        actor=_actor(participant),
        details={"reason": reason, "flags": count, "hidden_pending_review": hidden},
    )
    return flag


@transaction.atomic
def opinion_moderate(*, opinion, by, verdict, reason, now=None):
    """Hide an opinion with a public reason, or restore it (审核). Every decision is audited."""
    now = now or timezone.now()
    opinion = Opinion.objects.select_for_update().select_related("consultation__unit").get(pk=opinion.pk)
    _require_manager(by, opinion.consultation.unit)
    if opinion.consultation.status == ConsultationStatus.ANSWERED:
        raise DomainError(
            _("The report is published: opinions can no longer be moderated."), code="wrong_status"
        )
    reason = _clean_text(reason, what=_("moderation reason"), max_length=300)
    before = snapshot(opinion, ["status", "moderation_reason"])
    if verdict == ModerationVerdict.HIDE:
        opinion.status = OpinionStatus.MODERATED
        opinion.moderation_reason = reason
    elif verdict == ModerationVerdict.RESTORE:
        opinion.status = OpinionStatus.VISIBLE
        opinion.moderation_reason = ""
    else:
        raise DomainError(_("Choose whether to hide or restore the opinion."), code="bad_verdict")
    opinion.moderated_at = now
    opinion.save(update_fields=["status", "moderation_reason", "moderated_at"])
    audit_record(
        action=f"opinion.moderate.{verdict}",
        obj=opinion,
        actor=by,
        changes=diff_fields(
            before, snapshot(opinion, ["status", "moderation_reason"]), ["status", "moderation_reason"]
        ),
        details={"reason": reason},
    )
    return opinion


@transaction.atomic
def reply_post(*, opinion, by, body):
    """The responsible unit's public reply to an opinion (回复)."""
    _require_manager(by, opinion.consultation.unit)
    if opinion.consultation.status == ConsultationStatus.DRAFT:
        raise DomainError(_("Opinions of a draft cannot be replied to."), code="wrong_status")
    reply = Reply.objects.create(
        opinion=opinion,
        author=by,
        body=_clean_text(body, what=_("reply"), max_length=conf.opinion_max_length()),
    )
    audit_record(action="opinion.reply", obj=opinion, actor=by, details={"reply": reply.pk})
    return reply
