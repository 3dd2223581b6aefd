"""Enumerations of the consultations app, each with a translated label: the only place a status is defined."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for opinions")
    CLOSED = "closed", _("Closed, being answered")
    ANSWERED = "answered", _("Answered: report published")


class Participation(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anyone, without signing in")
    REGISTERED = "registered", _("Signed-in users")
    VERIFIED = "verified", _("Verified residents")


class ConsultationSource(models.TextChoices):
    MASSLINE = "massline", _("Run on Massline")
    POLIS = "polis", _("Imported from Pol.is")


class OpinionStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    PENDING_REVIEW = "pending_review", _("Hidden pending review")
    MODERATED = "moderated", _("Moderated")


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Moderated out")


class Stance(models.IntegerChoices):
    AGREE = 1, _("Agree")
    PASS = 0, _("Pass / unsure")
    DISAGREE = -1, _("Disagree")


class PollKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Decision(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    OUT_OF_SCOPE = "out_of_scope", _("Outside the decision's scope")


class ModerationVerdict(models.TextChoices):
    HIDE = "hide", _("Hide")
    RESTORE = "restore", _("Restore")
