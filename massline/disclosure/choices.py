"""Enumerations of the disclosure app, each with a translated label."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("disclosure", "received, clock running")
    CLARIFICATION = "clarification", _("waiting for the applicant's corrected request")
    CONSULTATION = "consultation", _("third party consulted, clock paused")
    ANSWERED = "answered", pgettext_lazy("disclosure", "answered")
    LAPSED = "lapsed", _("lapsed: no corrected request in time")


OPEN_STATUSES = frozenset({RequestStatus.RECEIVED, RequestStatus.CLARIFICATION, RequestStatus.CONSULTATION})


class ApplicantKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("disclosure applicant", "citizen")
    ORGANISATION = "organisation", _("legal person or other organisation")


class DeliveryForm(models.TextChoices):
    """The form in which the applicant wants the information (获取信息的方式)."""

    ELECTRONIC = "electronic", _("electronic copy (e-mail or download)")
    PAPER = "paper", _("paper copy by post")
    INSPECTION = "inspection", _("inspection on site")


class AnswerType(models.TextChoices):
    """The answers the 2019 Regulations list (第三十六条)."""

    ALREADY_PUBLIC = "already_public", _("already public (where to find it)")
    DISCLOSED = "disclosed", _("disclosed")
    PARTLY_DISCLOSED = "partly_disclosed", _("partly disclosed")
    NOT_DISCLOSED = "not_disclosed", _("not disclosed (legal ground)")
    NOT_HELD = "not_held", _("not held after search")
    OTHER_AGENCY = "other_agency", _("not this agency (which agency)")
    REPEATED = "repeated", _("repeated request")
    NOT_A_REQUEST = "not_a_request", _("not a disclosure request (sent to the demand channel)")


# Answers that withhold something and therefore need a legal ground.
GROUND_ANSWERS = frozenset({AnswerType.NOT_DISCLOSED, AnswerType.PARTLY_DISCLOSED})


class LegalGround(models.TextChoices):
    """Grounds for not disclosing (第十四、十五、十六条)."""

    STATE_SECRET = "state_secret", _("state secret (Art. 14)")
    LAW_FORBIDS = "law_forbids", _("disclosure forbidden by law or administrative regulation (Art. 14)")
    SECURITY = "security", _("endangers national, public, economic or social security (Art. 14)")
    THIRD_PARTY = "third_party", _("trade secret or personal privacy of a third party (Art. 15)")
    INTERNAL = "internal", _("internal affairs information (Art. 16)")
    PROCESS = "process", _("process information: discussions, drafts, consultations (Art. 16)")
    ENFORCEMENT = "enforcement", _("administrative enforcement case file (Art. 16)")


class Remedy(models.TextChoices):
    """What the applicant did after an unsatisfactory answer (第五十一条)."""

    NONE = "none", _("none yet")
    RECONSIDERATION = "reconsideration", _("administrative reconsideration")
    LITIGATION = "litigation", _("administrative litigation")


class EscalationLevel(models.IntegerChoices):
    """The rungs an overdue request climbs, as demands do (督办): one step of working days apart."""

    NONE = 0, _("None")
    REMINDED = 1, _("Overdue: reminder sent to the handlers")
    WARNED = 2, _("Warning sent to the head of the agency")
    LISTED = 3, _("Listed for the supervisor")
    ACCOUNTABLE = 4, _("Awaiting the supervisor's accountability decision")
