"""Consultations (征求意见) of major decisions: the draft in sections, opinions and replies, stance votes on
statements, polls, opinion-group snapshots, and the answers that make up the adoption report."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import conf
from .choices import (
    ConsultationSource,
    ConsultationStatus,
    Decision,
    OpinionStatus,
    Participation,
    PollKind,
    Stance,
    StatementStatus,
)


def _preview_token():
    return secrets.token_urlsafe(24)


class Consultation(models.Model):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="consultations"
    )
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region affected"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    area = models.JSONField(_("area affected (GeoJSON geometry)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT
    )
    participation = models.CharField(
        _("who may take part"), max_length=20, choices=Participation.choices, default=Participation.ANONYMOUS
    )
    citizen_statements = models.BooleanField(_("citizens may propose statements"), default=False)
    source = models.CharField(
        _("source"), max_length=20, choices=ConsultationSource.choices, default=ConsultationSource.MASSLINE
    )
    source_url = models.URLField(_("source address"), blank=True)
    preview_token = models.CharField(_("preview token"), max_length=64, default=_preview_token, unique=True)
    min_open_days = models.PositiveSmallIntegerField(_("minimum days open"), default=conf.min_open_days)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("consultation", "closed"), null=True, blank=True)
    early_close_reason = models.TextField(_("reason for closing early"), blank=True)
    answer_due_at = models.DateTimeField(_("answers due"), null=True, blank=True, db_index=True)
    answer_overdue_at = models.DateTimeField(_("answers became overdue"), null=True, blank=True)
    answered_at = models.DateTimeField(_("every opinion answered"), null=True, blank=True)
    report_published_at = models.DateTimeField(_("report published"), null=True, blank=True)
    decision = models.TextField(_("decision taken"), blank=True)
    # Set when votes arrive; the worker recomputes opinion groups for consultations where it is true.
    groups_stale = models.BooleanField(_("opinion groups need recomputing"), default=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self):
        return self.title

    def is_open(self, now):
        return (
            self.status == ConsultationStatus.OPEN
            and self.opens_at is not None
            and self.opens_at <= now
            and (self.closes_at is None or now < self.closes_at)
        )

    def is_answer_overdue(self, now):
        return (
            self.status == ConsultationStatus.CLOSED
            and self.answer_due_at is not None
            and now > self.answer_due_at
        )


class Attachment(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="consultations/%Y/%m/")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title


class Section(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text of the draft"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title


class Participant(models.Model):
    """Who takes part in one consultation: a signed-in user, an anonymous visitor (by a random key kept in
    their session), or a participant of an imported Pol.is conversation (by its Pol.is id)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymous_key = models.CharField(max_length=64, blank=True)
    polis_id = models.CharField(_("Pol.is participant id"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=Q(user__isnull=False),
                name="participant_unique_user",
            ),
            models.UniqueConstraint(
                fields=["consultation", "anonymous_key"],
                condition=~Q(anonymous_key=""),
                name="participant_unique_anonymous",
            ),
            models.UniqueConstraint(
                fields=["consultation", "polis_id"],
                condition=~Q(polis_id=""),
                name="participant_unique_polis",
            ),
        ]

    def __str__(self):
        # Never a name: participants are shown by number only.
        return _("Participant #%(id)s") % {"id": self.pk}


class Answer(models.Model):
    """The unit's answer to one opinion or to several merged by topic (采纳情况及理由)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="answers")
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("reason for the decision"))
    template = models.ForeignKey(
        "AnswerTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("answer to opinions")
        verbose_name_plural = _("answers")

    def __str__(self):
        return f"{self.get_decision_display()}: {self.reason[:60]}"


class Opinion(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="opinions")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="opinions"
    )
    passage = models.TextField(_("passage commented on"), blank=True)
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="opinions")
    body = models.TextField(_("opinion"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OpinionStatus.choices, default=OpinionStatus.VISIBLE
    )
    moderation_reason = models.CharField(_("moderation reason"), max_length=300, blank=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.SET_NULL, related_name="opinions"
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        indexes = [models.Index(fields=["consultation", "status"])]

    def __str__(self):
        return _("Opinion #%(id)s") % {"id": self.pk}


class OpinionLike(models.Model):
    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="likes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["opinion", "participant"], name="opinion_like_once")]

    def __str__(self):
        return f"{self.participant_id} → {self.opinion_id}"


class Flag(models.Model):
    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="flags")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(_("reason for the report"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["opinion", "participant"], name="opinion_flag_once")]

    def __str__(self):
        return self.reason


class Reply(models.Model):
    """The responsible unit's public reply to an opinion while the consultation runs."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("reply"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("replied"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self):
        return self.body[:60]


class Statement(models.Model):
    """A short statement participants vote agree / disagree / pass on (Pol.is "comment")."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField(_("statement"))
    status = models.CharField(
        _("status"), max_length=20, choices=StatementStatus.choices, default=StatementStatus.ACCEPTED
    )
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    by_unit = models.BooleanField(_("from the responsible unit"), default=False)
    polis_id = models.IntegerField(_("Pol.is comment id"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "polis_id"],
                condition=Q(polis_id__isnull=False),
                name="statement_unique_polis",
            )
        ]

    def __str__(self):
        return self.text[:80]


class Vote(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    stance = models.SmallIntegerField(_("stance"), choices=Stance.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["statement", "participant"], name="vote_once")]
        indexes = [models.Index(fields=["consultation", "participant"])]

    def __str__(self):
        return f"{self.participant_id}: {self.stance} on {self.statement_id}"


class Poll(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=PollKind.choices, default=PollKind.SINGLE)

    class Meta:
        ordering = ["id"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self):
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("option"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


class PollAnswer(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="answers")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="poll_answers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["option", "participant"], name="poll_answer_once")]

    def __str__(self):
        return f"{self.participant_id} → {self.option_id}"


class OpinionGroupResult(models.Model):
    """A snapshot of the opinion groups of one consultation, as computed from `vote_count` votes."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="group_results")
    computed_at = models.DateTimeField(_("computed"))
    vote_count = models.PositiveIntegerField(_("votes counted"))
    participant_count = models.PositiveIntegerField(_("participants grouped"))
    group_count = models.PositiveSmallIntegerField(_("number of groups"))
    seconds = models.FloatField(_("computation time (s)"))
    # {"groups": [...], "participants": {participant pk: [group, x, y]}, "consensus": …, "extremity": …,
    #  "state": warm start and k smoothing for the next run}
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"

    def __str__(self):
        return f"{self.consultation_id} @ {self.computed_at:%Y-%m-%d %H:%M}"


class AnswerTemplate(models.Model):
    """A reusable answer of a unit ("already covered by article 5 of the draft") to draft answers in bulk."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.CASCADE, related_name="consultation_answer_templates"
    )
    title = models.CharField(_("title"), max_length=200)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("reason for the decision"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")

    def __str__(self):
        return self.title


class Follower(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consultation", "user"], name="follow_once")]

    def __str__(self):
        return f"{self.user_id} → {self.consultation_id}"


class Escalation(models.Model):
    """Answers overdue (超期): the seam where the demand-handling app's accountability records will attach."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="escalations")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("was due"))
    unanswered = models.PositiveIntegerField(_("opinions unanswered"))
    created_at = models.DateTimeField(_("escalated"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self):
        return f"{self.consultation_id} overdue since {self.due_at:%Y-%m-%d}"
