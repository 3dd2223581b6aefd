"""Consultations (征求意见事项) and their participants: create, edit, publish, close, follow."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record, diff_fields, snapshot
from massline.deadlines.calendar import due_at
from massline.lib.errors import DomainError
from massline.lib.uploads import check_upload

from .. import conf
from ..choices import (
    ConsultationStatus,
    Participation,
)
from ..models import (
    Attachment,
    Consultation,
    Follower,
    Participant,
    Section,
)
from ._common import EDITABLE_FIELDS, _clean_text, _notify_followers, _require_manager, _require_status, _sync

# --- consultations ---------------------------------------------------------------------------------


@transaction.atomic
def consultation_create(
    *,
    by,
    unit,
    title,
    summary,
    sections=(),
    region=None,
    participation=Participation.ANONYMOUS,
    citizen_statements=False,
    min_open_days=None,
):
    """Create a draft (草案) of `unit`, with its sections given as (title, text) pairs."""
    _require_manager(by, unit)
    if participation not in Participation.values:
        raise DomainError(_("Choose who may take part from the list."), code="bad_participation")
    minimum = conf.min_open_days()
    days = minimum if min_open_days in (None, "") else int(min_open_days)
    if days < minimum:
        raise DomainError(
            _("A consultation stays open at least %(min)d days: choose %(min)d or more.") % {"min": minimum},
            code="window_too_short",
        )
    consultation = Consultation.objects.create(
        title=_clean_text(title, what=_("title"), max_length=200),
        summary=_clean_text(summary, what=_("summary"), max_length=10000),
        unit=unit,
        region=region,
        participation=participation,
        citizen_statements=bool(citizen_statements),
        min_open_days=days,
        created_by=by,
    )
    for position, (section_title, body) in enumerate(sections, start=1):
        Section.objects.create(
            consultation=consultation,
            position=position,
            title=_clean_text(section_title, what=_("section title"), max_length=200),
            body=_clean_text(body, what=_("section text"), max_length=100000),
        )
    audit_record(action="consultation.create", obj=consultation, actor=by, details={"unit": unit.code})
    return consultation


@transaction.atomic
def consultation_update(*, consultation, by, **fields):
    """Change the draft's title, summary, participation or the decision taken; followers hear of changes."""
    _require_manager(by, consultation.unit)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    if consultation.status == ConsultationStatus.ANSWERED:
        raise DomainError(
            _("The report is published: the consultation can no longer be changed."), code="wrong_status"
        )
    if consultation.status != ConsultationStatus.DRAFT and set(fields) - {"decision", "summary"}:
        raise DomainError(
            _("Once published, only the summary and the decision taken can be changed."), code="wrong_status"
        )
    before = snapshot(consultation, EDITABLE_FIELDS)
    for name, value in fields.items():
        if name in ("title", "summary"):
            value = _clean_text(value, what=_(name), max_length=200 if name == "title" else 10000)
        if name == "min_open_days" and int(value) < conf.min_open_days():
            raise DomainError(
                _("A consultation stays open at least %(min)d days: choose %(min)d or more.")
                % {"min": conf.min_open_days()},
                code="window_too_short",
            )
        setattr(consultation, name, value)
    consultation.save()
    changes = diff_fields(before, snapshot(consultation, EDITABLE_FIELDS), EDITABLE_FIELDS)
    audit_record(action="consultation.update", obj=consultation, actor=by, changes=changes)
    if changes and consultation.status != ConsultationStatus.DRAFT:
        _notify_followers(
            consultation,
            _("Consultation changed: %(title)s") % {"title": consultation.title},
            _("The consultation “%(title)s” you follow has changed.") % {"title": consultation.title},
        )
    return consultation


@transaction.atomic
def section_add(*, consultation, by, title, body):
    _require_manager(by, consultation.unit)
    _require_status(
        consultation,
        ConsultationStatus.DRAFT,
        message=_("Sections can only be added to a draft: publish a new consultation for a new draft."),
    )
    position = (consultation.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    section = Section.objects.create(
        consultation=consultation,
        position=position,
        title=_clean_text(title, what=_("section title"), max_length=200),
        body=_clean_text(body, what=_("section text"), max_length=100000),
    )
    audit_record(
        action="consultation.section_add", obj=consultation, actor=by, details={"section": section.pk}
    )
    return section


@transaction.atomic
def consultation_publish(*, consultation, by, closes_at, opens_at=None, now=None):
    """Open the draft for opinions from `opens_at` (now by default) until `closes_at` (发布征求意见)."""
    now = now or timezone.now()
    _require_manager(by, consultation.unit)
    original, consultation = consultation, Consultation.objects.select_for_update().get(pk=consultation.pk)
    _require_status(
        consultation,
        ConsultationStatus.DRAFT,
        message=_("Only a draft can be published; this consultation is already %(status)s.")
        % {"status": consultation.get_status_display()},
    )
    if not consultation.sections.exists():
        raise DomainError(_("Add at least one section of the draft before publishing."), code="no_sections")
    opens_at = opens_at or now
    if closes_at is None:
        raise DomainError(_("Choose when the consultation closes."), code="no_close_date")
    days = (closes_at - opens_at).total_seconds() / 86400
    if days < consultation.min_open_days:
        raise DomainError(
            _(
                "The consultation must stay open at least %(min)d days; this window is %(days)d. "
                "Choose a later closing date."
            )
            % {"min": consultation.min_open_days, "days": int(days)},
            code="window_too_short",
        )
    consultation.status = ConsultationStatus.OPEN
    consultation.opens_at, consultation.closes_at = opens_at, closes_at
    consultation.save(update_fields=["status", "opens_at", "closes_at", "updated_at"])
    audit_record(
        action="consultation.publish",
        obj=consultation,
        actor=by,
        changes={"status": [ConsultationStatus.DRAFT, ConsultationStatus.OPEN]},
        details={"opens_at": opens_at, "closes_at": closes_at},
    )
    return _sync(original, consultation)


@transaction.atomic
def consultation_close(*, consultation, by=None, reason="", now=None):
    """Close the consultation (截止). Before its closing date only with a recorded reason.

    `by` None is the worker closing it at its closing date. The answering deadline is counted from
    now in working days (`deadlines`).
    """
    now = now or timezone.now()
    original, consultation = consultation, Consultation.objects.select_for_update().get(pk=consultation.pk)
    if by is not None:
        _require_manager(by, consultation.unit)
    _require_status(
        consultation,
        ConsultationStatus.OPEN,
        message=_("Only an open consultation can be closed; this one is %(status)s.")
        % {"status": consultation.get_status_display()},
    )
    early = consultation.closes_at is None or now < consultation.closes_at
    reason = (reason or "").strip()
    if early and by is None:
        raise DomainError(_("The consultation's closing date has not come yet."), code="not_due")
    if early and not reason:
        raise DomainError(
            _(
                "The consultation is due to stay open until %(date)s. To close it early, give the reason: "
                "it is recorded and shown to the public."
            )
            % {"date": timezone.localtime(consultation.closes_at).strftime("%Y-%m-%d %H:%M")},
            code="early_close_needs_reason",
        )
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = now
    consultation.early_close_reason = reason if early else ""
    consultation.answer_due_at = due_at(now, conf.answer_working_days(), "working_days")
    consultation.groups_stale = True
    consultation.save()
    audit_record(
        action="consultation.close",
        obj=consultation,
        actor=by,
        changes={"status": [ConsultationStatus.OPEN, ConsultationStatus.CLOSED]},
        details={"early": early, "reason": reason, "answer_due_at": consultation.answer_due_at},
    )
    _notify_followers(
        consultation,
        _("Consultation closed: %(title)s") % {"title": consultation.title},
        _("The consultation “%(title)s” is closed. The unit answers every opinion by %(date)s.")
        % {
            "title": consultation.title,
            "date": timezone.localtime(consultation.answer_due_at).strftime("%Y-%m-%d"),
        },
    )
    return _sync(original, consultation)


@transaction.atomic
def consultation_follow(*, consultation, user):
    if user is None or not user.is_authenticated:
        raise DomainError(_("Sign in to follow a consultation: we tell followers by e-mail."), code="sign_in")
    follower, created = Follower.objects.get_or_create(consultation=consultation, user=user)
    if created:
        audit_record(action="consultation.follow", obj=consultation, actor=user)
    return follower


# --- participants ----------------------------------------------------------------------------------


@transaction.atomic
def participant_get_or_create(*, consultation, user=None, anonymous_key=""):
    """The participant for this visitor, checking who may take part (anyone / signed in / verified)."""
    signed_in = user is not None and user.is_authenticated
    if consultation.participation in (Participation.REGISTERED, Participation.VERIFIED) and not signed_in:
        raise DomainError(
            _("This consultation is for signed-in users: sign in to take part."), code="sign_in"
        )
    if consultation.participation == Participation.VERIFIED:
        citizen = getattr(user, "citizen", None)
        if citizen is None or not citizen.is_verified_resident_of(consultation.region):
            raise DomainError(
                _(
                    "This consultation is for verified residents of %(region)s: have your residence "
                    "verified at a service counter to take part."
                )
                % {"region": consultation.region or _("the area")},
                code="not_verified",
            )
    if signed_in:
        participant, _created = Participant.objects.get_or_create(consultation=consultation, user=user)
        return participant
    if not anonymous_key:
        raise DomainError(
            _("Your browser refused our session cookie: allow cookies to take part."), code="no_session"
        )
    participant, _created = Participant.objects.get_or_create(
        consultation=consultation, anonymous_key=anonymous_key
    )
    return participant


ATTACHMENT_KINDS = ("pdf", "ooxml", "opendocument", "ole", "png", "jpeg")


@transaction.atomic
def attachment_add(*, consultation, by, title, file):
    """Attach a document (the full draft, a map, an impact study) while the consultation is not closed."""
    _require_manager(by, consultation.unit)
    if consultation.status not in (ConsultationStatus.DRAFT, ConsultationStatus.OPEN):
        raise DomainError(
            _("Attachments can only be added before the consultation closes."), code="wrong_status"
        )
    # By content, not name; pictures and PDFs re-encoded without their metadata (massline.lib.uploads).
    checked = check_upload(file, kinds=ATTACHMENT_KINDS, max_bytes=conf.attachment_max_mb() * 1024 * 1024)
    file = checked.as_file((getattr(file, "name", "") or "attachment").rsplit("/", 1)[-1])
    attachment = Attachment.objects.create(
        consultation=consultation, title=_clean_text(title, what=_("title"), max_length=200), file=file
    )
    audit_record(
        action="consultation.attachment_add",
        obj=consultation,
        actor=by,
        details={"attachment": attachment.pk},
    )
    return attachment
