"""Statements, stance votes (表态) and polls."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.lib.errors import DomainError

from .. import conf
from ..choices import (
    ConsultationStatus,
    PollKind,
    Stance,
    StatementStatus,
)
from ..models import (
    Consultation,
    Poll,
    PollAnswer,
    PollOption,
    Statement,
    Vote,
)
from ._common import _actor, _clean_text, _require_manager, _require_open

# --- statements and votes ---------------------------------------------------------------------------


@transaction.atomic
def statement_add(*, consultation, text, by=None, participant=None, now=None):
    """A statement to vote on: from the unit (at once) or, if allowed, a citizen (moderated first)."""
    now = now or timezone.now()
    text = _clean_text(text, what=_("statement"), max_length=conf.statement_max_length())
    if by is not None:
        _require_manager(by, consultation.unit)
        if consultation.status not in (ConsultationStatus.DRAFT, ConsultationStatus.OPEN):
            raise DomainError(
                _("Statements can only be added before the consultation closes."), code="wrong_status"
            )
        statement = Statement.objects.create(
            consultation=consultation, text=text, by_unit=True, status=StatementStatus.ACCEPTED
        )
    else:
        _require_open(consultation, now)
        if not consultation.citizen_statements:
            raise DomainError(
                _("In this consultation only the unit proposes statements: write an opinion instead."),
                code="citizen_statements_off",
            )
        statement = Statement.objects.create(
            consultation=consultation, text=text, author=participant, status=StatementStatus.PENDING
        )
    audit_record(
        action="statement.add",
        obj=statement,
        actor=by or (participant and _actor(participant)),
        details={"consultation": consultation.pk, "by_unit": statement.by_unit},
    )
    return statement


@transaction.atomic
def statement_moderate(*, statement, by, accept):
    _require_manager(by, statement.consultation.unit)
    before = statement.status
    statement.status = StatementStatus.ACCEPTED if accept else StatementStatus.REJECTED
    statement.save(update_fields=["status"])
    Consultation.objects.filter(pk=statement.consultation_id).update(groups_stale=True)
    audit_record(
        action="statement.moderate", obj=statement, actor=by, changes={"status": [before, statement.status]}
    )
    return statement


@transaction.atomic
def vote_cast(*, statement, participant, stance, now=None):
    """Agree, disagree or pass on one statement (表态), once per participant."""
    now = now or timezone.now()
    consultation = statement.consultation
    _require_open(consultation, now)
    if statement.status != StatementStatus.ACCEPTED:
        raise DomainError(
            _(
                "This statement is not open for votes (it was moderated out or awaits review): "
                "vote on the next one."
            ),
            code="statement_hidden",
        )
    try:
        stance = Stance(int(stance))
    except (TypeError, ValueError):
        raise DomainError(_("Choose agree, disagree or pass."), code="bad_stance") from None
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                consultation=consultation, statement=statement, participant=participant, stance=stance
            )
    except IntegrityError:
        raise DomainError(
            _("You have already voted on this statement: each participant votes once on each statement."),
            code="double_vote",
        ) from None
    Consultation.objects.filter(pk=consultation.pk, groups_stale=False).update(groups_stale=True)
    audit_record(
        action="statement.vote",
        obj=statement,
        actor=_actor(participant),
        details={"participant": participant.pk, "stance": int(stance)},
    )
    return vote


# --- polls ---------------------------------------------------------------------------------------


@transaction.atomic
def poll_create(*, section, by, question, kind, options):
    consultation = section.consultation
    _require_manager(by, consultation.unit)
    if consultation.status not in (ConsultationStatus.DRAFT, ConsultationStatus.OPEN):
        raise DomainError(_("Polls can only be added before the consultation closes."), code="wrong_status")
    if kind not in PollKind.values:
        raise DomainError(_("Choose single or multiple choice."), code="bad_kind")
    options = [text.strip() for text in options if text and text.strip()]
    if len(options) < 2:
        raise DomainError(_("A poll needs at least two options: one per line."), code="too_few_options")
    poll = Poll.objects.create(
        section=section, question=_clean_text(question, what=_("question"), max_length=300), kind=kind
    )
    for position, text in enumerate(options, start=1):
        PollOption.objects.create(poll=poll, text=text[:200], position=position)
    audit_record(action="poll.create", obj=poll, actor=by, details={"consultation": consultation.pk})
    return poll


@transaction.atomic
def poll_answer(*, poll, participant, options, now=None):
    now = now or timezone.now()
    _require_open(poll.section.consultation, now)
    chosen = list(PollOption.objects.filter(poll=poll, pk__in=[getattr(o, "pk", o) for o in options]))
    if not chosen:
        raise DomainError(_("Choose an option before sending your answer."), code="no_option")
    if poll.kind == PollKind.SINGLE and len(chosen) > 1:
        raise DomainError(_("This poll takes one answer: choose a single option."), code="one_option")
    if PollAnswer.objects.filter(poll=poll, participant=participant).exists():
        raise DomainError(_("You have already answered this poll."), code="double_answer")
    answers = [
        PollAnswer.objects.create(poll=poll, option=option, participant=participant) for option in chosen
    ]
    audit_record(
        action="poll.answer", obj=poll, actor=_actor(participant), details={"options": [o.pk for o in chosen]}
    )
    return answers
