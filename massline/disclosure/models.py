"""Disclosure requests (政府信息公开申请), their clocks and their answers.

The applicant's identity and contact are private: they live in `org.Citizen` and `id_document` and are
never shown on the public register, which shows the masked name only.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from massline.cases.models import AccountabilityRecord
from massline.deadlines.calendar import provisional_between
from massline.deadlines.models import Clock
from massline.org.models import Citizen, Unit

from .choices import (
    OPEN_STATUSES,
    AnswerType,
    ApplicantKind,
    DeliveryForm,
    EscalationLevel,
    LegalGround,
    Remedy,
    RequestStatus,
)

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_tracking_code():
    return "GK" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))


class DisclosureRequest(models.Model):
    """One request for government information, with the statutory clock it runs against."""

    tracking_code = models.CharField(
        _("tracking code"), max_length=16, unique=True, default=new_tracking_code
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="disclosure_requests"
    )
    applicant = models.ForeignKey(
        Citizen, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="disclosure_requests"
    )
    applicant_kind = models.CharField(
        _("applicant is a"), max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    id_document = models.CharField(_("identity document number"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosure_requests",
    )
    description = models.TextField(_("information sought"))
    corrected_description = models.TextField(_("corrected request"), blank=True)
    delivery = models.CharField(
        _("form wanted"), max_length=20, choices=DeliveryForm.choices, default=DeliveryForm.ELECTRONIC
    )
    status = models.CharField(
        pgettext_lazy("disclosure", "status"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.RECEIVED,
    )
    received_at = models.DateTimeField(_("received"))
    clock = models.ForeignKey(
        Clock, verbose_name=_("answering clock"), on_delete=models.PROTECT, related_name="+"
    )
    forwarded_from = models.ForeignKey(
        "self",
        verbose_name=_("forwarded from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forwards",
    )

    # Clarification (补正, 第三十条): once; the clock restarts when the corrected request arrives.
    clarification_asked_at = models.DateTimeField(_("clarification asked"), null=True, blank=True)
    clarification_note = models.TextField(_("what to clarify"), blank=True)
    clarification_clock = models.ForeignKey(
        Clock,
        verbose_name=_("clarification clock"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected request received"), null=True, blank=True)

    # Third-party consultation (征求第三方意见, 第三十二条): not counted in the answering time.
    third_party = models.CharField(_("third party consulted"), max_length=200, blank=True)
    consultation_clock = models.ForeignKey(
        Clock,
        verbose_name=_("consultation clock"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    third_party_view = models.TextField(_("third party's view"), blank=True)

    # Extension (延长答复期限, 第三十三条): once, approved by the unit head.
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("extension approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    extension_approved_at = models.DateTimeField(_("extension approved"), null=True, blank=True)
    extension_told_at = models.DateTimeField(_("applicant told of the extension"), null=True, blank=True)

    # The answer (答复).
    answer_type = models.CharField(_("answer"), max_length=20, choices=AnswerType.choices, blank=True)
    answer_text = models.TextField(_("answer text"), blank=True)
    where_public = models.CharField(_("where it is public"), max_length=500, blank=True)
    legal_ground = models.CharField(_("legal ground"), max_length=20, choices=LegalGround.choices, blank=True)
    other_agency = models.ForeignKey(
        Unit,
        verbose_name=_("agency that holds it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    earlier_request = models.ForeignKey(
        "self",
        verbose_name=_("earlier request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case_tracking_code = models.CharField(_("demand created"), max_length=16, blank=True)
    pages = models.PositiveIntegerField(_("pages provided"), default=0)
    fee = models.DecimalField(_("processing fee (yuan)"), max_digits=9, decimal_places=2, default=0)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_time = models.BooleanField(_("answered on time"), null=True, blank=True)

    # Register (公开目录): withheld only with a recorded reason.
    withheld_reason = models.CharField(
        _("reason for withholding from the register"), max_length=500, blank=True
    )
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withheld by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withheld_at = models.DateTimeField(_("withheld"), null=True, blank=True)

    # The applicant's view of the answer and the remedy sought (救济).
    unsatisfied_at = models.DateTimeField(_("marked unsatisfactory"), null=True, blank=True)
    unsatisfied_note = models.TextField(_("why unsatisfactory"), blank=True)
    remedy = models.CharField(_("remedy sought"), max_length=20, choices=Remedy.choices, default=Remedy.NONE)

    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue"), null=True, blank=True)
    # The overdue ladder (督办) as for demands; the last rung waits for the supervisor, whose decision
    # opens the accountability record in cases (责任追究).
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    accountability_record = models.ForeignKey(
        AccountabilityRecord,
        verbose_name=_("accountability record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("disclosure request")
        verbose_name_plural = _("disclosure requests")
        indexes = [models.Index(fields=["unit", "status"], name="disclosure_unit_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(withheld_at__isnull=True) | ~Q(withheld_reason=""),
                name="disclosure_withheld_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.ANSWERED) | ~Q(answer_type=""),
                name="disclosure_answered_has_type",
            ),
        ]

    def __str__(self):
        return self.tracking_code

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_extended(self):
        return self.extension_approved_at is not None

    @property
    def on_register(self):
        return self.withheld_at is None

    def is_overdue(self, at):
        return self.status != RequestStatus.LAPSED and self.clock.is_overdue(at)

    @property
    def due_provisional(self):
        """True if the answer's due time rests on a year whose holiday notice is not entered yet: counted on
        the statutory holidays, recomputed when the notice is entered (deadlines)."""
        return provisional_between(self.clock.start, self.clock.due_at)


def _document_path(instance, filename):
    return f"disclosure/{instance.request.tracking_code}/{secrets.token_hex(8)}-{filename[-80:]}"


class AnswerDocument(models.Model):
    """A document sent with the answer (the disclosed information)."""

    request = models.ForeignKey(
        DisclosureRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=_document_path)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("answer document")
        verbose_name_plural = _("answer documents")

    def __str__(self):
        return self.name


class Escalation(models.Model):
    """One rung of the overdue ladder a request reached: once per request and level (a constraint)."""

    request = models.ForeignKey(
        DisclosureRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="escalations"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=EscalationLevel.choices)
    due_at = models.DateTimeField(_("was due"))
    at = models.DateTimeField(_("escalated"))

    class Meta:
        ordering = ["request", "level"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["request", "level"], name="disclosure_escalation_once")
        ]

    def __str__(self):
        return f"{self.request_id} {self.level}"


class ReportReminder(models.Model):
    """The January reminder that a year's annual report is due: sent once per year (a unique year)."""

    year = models.PositiveIntegerField(_("report year"), unique=True)
    sent_at = models.DateTimeField(_("sent"))
    agencies = models.PositiveIntegerField(_("agencies reminded"), default=0)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual report reminder")
        verbose_name_plural = _("annual report reminders")

    def __str__(self):
        return str(self.year)
