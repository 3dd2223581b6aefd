"""Enumerations of the integrity app, each with a translated label."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TipStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("integrity", "Received")
    PRELIMINARY = "preliminary", _("Under preliminary check")
    CASE_OPENED = "case_opened", _("Case opened")
    CONCLUDED = "concluded", pgettext_lazy("integrity", "Concluded")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")


# Where each status may move (初核 → 立案 → 结案, or 了结 when the check finds nothing).
TIP_TRANSITIONS = {
    TipStatus.RECEIVED: {TipStatus.PRELIMINARY, TipStatus.NOT_SUBSTANTIATED},
    TipStatus.PRELIMINARY: {TipStatus.CASE_OPENED, TipStatus.NOT_SUBSTANTIATED},
    TipStatus.CASE_OPENED: {TipStatus.CONCLUDED, TipStatus.NOT_SUBSTANTIATED},
    TipStatus.CONCLUDED: set(),
    TipStatus.NOT_SUBSTANTIATED: set(),
}
FINAL_STATUSES = frozenset({TipStatus.CONCLUDED, TipStatus.NOT_SUBSTANTIATED})


class MessageAuthor(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    INSPECTOR = "inspector", _("Inspector")


class AttachmentKind(models.TextChoices):
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    PDF = "pdf", "PDF"


class Sanction(models.TextChoices):
    """Party and administrative sanctions a discipline case may end with."""

    NONE = "none", _("No sanction")
    EDUCATION = "education", _("Criticism and education (批评教育)")
    ADMONITION = "admonition", _("Admonishing talk (诫勉谈话)")
    WARNING = "warning", _("Warning (警告)")
    SERIOUS_WARNING = "serious_warning", _("Serious warning (严重警告)")
    DEMOTION = "demotion", _("Demotion or removal from post (降级 / 撤职)")
    EXPULSION = "expulsion", _("Expulsion (开除)")
    REFERRAL = "referral", _("Referred to the judicial organs (移送司法)")


class RevealStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("integrity", "Requested")
    APPROVED = "approved", pgettext_lazy("integrity", "Approved")
    REFUSED = "refused", pgettext_lazy("integrity", "Refused")


class NoticeKind(models.TextChoices):
    NEW_TIP = "new_tip", _("A new tip-off arrived")
    NEW_MESSAGE = "new_message", _("The reporter wrote")
    NEW_EVIDENCE = "new_evidence", _("The reporter added evidence")
    REVEAL_REQUESTED = "reveal_requested", _("A colleague asks to reveal a reporter's identity")
    RETALIATION = "retaliation", _("A reporter who identified themselves filed a new demand")
    FIRST_ANSWER_DUE = "first_answer_due", _("A first answer is overdue")
