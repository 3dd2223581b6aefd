"""Reads of consultations, scoped: the public sees published ones; staff see their units' (404 otherwise)."""

import random

from django.db.models import Count, Q
from django.http import Http404

from massline.lib.masking import mask_public
from massline.org import maps
from massline.org.choices import Role
from massline.org.models import Membership
from massline.org.selectors import user_scope

from .choices import ConsultationStatus, OpinionStatus, Stance, StatementStatus
from .groups import statement_priority
from .models import Consultation, Opinion, OpinionGroupResult, Participant, Statement, Vote

# Unit roles that may run a consultation of their unit; other officials in scope may only read it.
MANAGER_ROLES = (Role.HANDLER, Role.UNIT_HEAD)
PUBLIC_STATUSES = (ConsultationStatus.OPEN, ConsultationStatus.CLOSED, ConsultationStatus.ANSWERED)


def can_manage(user, unit):
    """True if `user` is an administrator, or a handler / unit head of `unit` or of a unit above it."""
    scope = user_scope(user)
    if scope.everything:
        return True
    if not scope.has_role(*MANAGER_ROLES):
        return False
    paths = Membership.objects.filter(user=user, role__in=MANAGER_ROLES, unit__is_active=True).values_list(
        "unit__path", flat=True
    )
    return any(unit.path.startswith(path) for path in paths)


def consultations_for_staff(*, user):
    scope = user_scope(user)
    visible = Consultation.objects.filter(scope.units_q("unit__")).values("pk")
    return (
        Consultation.objects.filter(pk__in=visible)
        .select_related("unit")
        .annotate(
            opinion_count=Count("opinions", distinct=True),
            unanswered_count=Count(
                "opinions", filter=Q(opinions__answer__isnull=True, opinions__status=OpinionStatus.VISIBLE)
            ),
        )
    )


def consultation_get_for_staff(*, user, pk):
    """The consultation if `user` may see it on the workbench; 404 otherwise, so outsiders learn nothing."""
    scope = user_scope(user)
    found = Consultation.objects.filter(scope.units_q("unit__"), pk=pk).values_list("pk", flat=True).first()
    if found is None:
        raise Http404
    return Consultation.objects.select_related("unit", "region").get(pk=found)


def consultations_public():
    return (
        Consultation.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("unit")
        .annotate(opinion_count=Count("opinions", filter=~Q(opinions__status=OpinionStatus.MODERATED)))
        .order_by("-opens_at", "-id")
    )


def consultation_get_public(*, pk, preview_token=""):
    """A published consultation, or a draft when the right preview token is given; 404 otherwise."""
    consultation = Consultation.objects.select_related("unit", "region").filter(pk=pk).first()
    if consultation is None:
        raise Http404
    if consultation.status == ConsultationStatus.DRAFT and (
        not preview_token or preview_token != consultation.preview_token
    ):
        raise Http404
    return consultation


def _author_names(participant):
    """The names a participant may be known by, for masking what they wrote (a citizen signs with them)."""
    user = getattr(participant, "user", None)
    if user is None:
        return []
    return [n for n in (user.display_name, user.get_full_name()) if n]


def opinions_public(*, consultation, section=None):
    """Every opinion, moderated ones included (shown as "moderated: reason"), with likes and replies.

    Citizens write their phone numbers, e-mails and addresses into opinions ("call me on …"), and an
    official's reply may repeat them: what the public reads is `public_body` / `public_passage` (opinion),
    `public_body` (reply) and `public_reason` (answer), passed through `mask_public`. The place an
    opinion is about (often the author's own house) is `public_place`, rounded as the demands' public
    map rounds it (`org.maps.public_position`: about 110 m), never the exact coordinates.
    """
    qs = (
        Opinion.objects.filter(consultation=consultation)
        .select_related("section", "answer", "participant__user")
        .prefetch_related("replies")
        .annotate(like_count=Count("likes", distinct=True))
    )
    if section is not None:
        qs = qs.filter(section=section)
    opinions = list(qs.order_by("created_at", "id"))
    for opinion in opinions:
        names = _author_names(opinion.participant)
        opinion.public_body = mask_public(opinion.body, names=names)
        opinion.public_passage = mask_public(opinion.passage, names=names)
        opinion.public_place = maps.public_position(opinion.latitude, opinion.longitude)
        for reply in opinion.replies.all():
            reply.public_body = mask_public(reply.body, names=names)
        if opinion.answer_id:
            opinion.answer.public_reason = mask_public(opinion.answer.reason, names=names)
    return opinions


def opinions_for_staff(*, consultation, only_unanswered=False):
    qs = (
        Opinion.objects.filter(consultation=consultation)
        .select_related("section", "answer")
        .prefetch_related("replies")
        .annotate(like_count=Count("likes", distinct=True), flag_count=Count("flags", distinct=True))
    )
    if only_unanswered:
        qs = qs.filter(answer__isnull=True, status=OpinionStatus.VISIBLE)
    return qs.order_by("created_at", "id")


def participant_find(*, consultation, user=None, anonymous_key=""):
    """The participant for this user / anonymous key, or None if they have not taken part yet."""
    if user is not None and user.is_authenticated:
        return Participant.objects.filter(consultation=consultation, user=user).first()
    if anonymous_key:
        return Participant.objects.filter(consultation=consultation, anonymous_key=anonymous_key).first()
    return None


def latest_groups(*, consultation):
    return (
        OpinionGroupResult.objects.filter(consultation=consultation).order_by("-computed_at", "-id").first()
    )


def statement_tallies(*, consultation):
    """{statement id: {"agree": n, "disagree": n, "pass": n}} over all votes."""
    tallies = {}
    rows = (
        Vote.objects.filter(consultation=consultation)
        .values("statement_id", "stance")
        .annotate(n=Count("id"))
    )
    names = {Stance.AGREE: "agree", Stance.DISAGREE: "disagree", Stance.PASS: "pass"}
    for row in rows:
        tallies.setdefault(row["statement_id"], {"agree": 0, "disagree": 0, "pass": 0})[
            names[row["stance"]]
        ] = row["n"]
    return tallies


def next_statement(*, consultation, participant):
    """The next statement to show: drawn among those not yet voted on, weighted by Pol.is's priority.

    The draw is seeded by the participant and how many votes they have cast, so the same state always
    shows the same statement (a reload does not reshuffle) while different participants see different ones.
    """
    voted = set()
    if participant is not None:
        voted = set(Vote.objects.filter(participant=participant).values_list("statement_id", flat=True))
    candidates = [
        s
        for s in Statement.objects.filter(
            consultation=consultation, status=StatementStatus.ACCEPTED
        ).order_by("id")
        if s.pk not in voted
    ]
    if not candidates:
        return None
    tallies = statement_tallies(consultation=consultation)
    result = latest_groups(consultation=consultation)
    extremity = (result.data.get("extremity", {}) if result else {}) or {}
    weights = []
    for statement in candidates:
        tally = tallies.get(statement.pk, {"agree": 0, "disagree": 0, "pass": 0})
        weights.append(
            statement_priority(
                agrees=tally["agree"],
                disagrees=tally["disagree"],
                passes=tally["pass"],
                extremity=float(extremity.get(str(statement.pk), 0.0)),
            )
        )
    seed = f"{consultation.pk}:{getattr(participant, 'pk', 0)}:{len(voted)}"
    rng = random.Random(seed)  # noqa: S311 - choosing a statement to show, not a secret
    statement = rng.choices(candidates, weights=weights, k=1)[0]
    statement.public_text = mask_public(statement.text, names=_author_names(statement.author))
    return statement


def group_view(*, consultation):
    """The latest opinion groups in a form a page can show: groups with their statements' text, consensus."""
    result = latest_groups(consultation=consultation)
    if result is None:
        return None
    texts = {
        s.pk: mask_public(s.text, names=_author_names(s.author))
        for s in Statement.objects.filter(consultation=consultation).select_related("author__user")
    }

    def rows(items):
        return [{**item, "text": texts.get(int(item["statement"]), "")} for item in items]

    groups = [
        {**group, "number": group["id"] + 1, "repness": rows(group["repness"])}
        for group in result.data["groups"]
    ]
    return {
        "result": result,
        "groups": groups,
        "consensus_agree": rows(result.data["consensus"]["agree"]),
        "consensus_disagree": rows(result.data["consensus"]["disagree"]),
    }


def report_rows(*, consultation):
    """One row per opinion for the adoption report: no author, no contact, only what the public may read."""
    rows = []
    for opinion in opinions_public(consultation=consultation):
        moderated = opinion.status == OpinionStatus.MODERATED
        rows.append(
            {
                "number": opinion.pk,
                "section": opinion.section.title if opinion.section_id else "",
                "body": "" if moderated else opinion.public_body,
                "moderation_reason": opinion.moderation_reason if moderated else "",
                "likes": opinion.like_count,
                "decision": opinion.answer.get_decision_display() if opinion.answer_id else "",
                "decision_code": opinion.answer.decision if opinion.answer_id else "",
                "reason": opinion.answer.public_reason if opinion.answer_id else "",
                "topic": opinion.answer.topic if opinion.answer_id else "",
                "submitted": opinion.created_at,
            }
        )
    return rows


def report_figures(*, consultation):
    opinions = Opinion.objects.filter(consultation=consultation)
    by_decision = dict(
        opinions.filter(answer__isnull=False)
        .values_list("answer__decision")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "opinions": opinions.count(),
        "moderated": opinions.filter(status=OpinionStatus.MODERATED).count(),
        "participants": Participant.objects.filter(consultation=consultation).count(),
        "statements": Statement.objects.filter(
            consultation=consultation, status=StatementStatus.ACCEPTED
        ).count(),
        "votes": Vote.objects.filter(consultation=consultation).count(),
        "by_decision": by_decision,
    }
