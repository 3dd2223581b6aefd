"""Tip-offs about officials' conduct (举报), held encrypted: nothing here is readable without a key.

What is stored in clear: the unit concerned (to route the tip to the inspectors of its jurisdiction),
status and dates, keyed hashes (receipt look-up, accused name, reporter fingerprints) and ciphertexts.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from massline.org.models import Unit

from .choices import (
    AttachmentKind,
    MessageAuthor,
    NoticeKind,
    RevealStatus,
    Sanction,
    TipStatus,
)


class InspectorKey(models.Model):
    """An inspector's key pair: the public key in clear, the private key wrapped twice (password,
    recovery key) with SecretBox under Argon2id-derived keys."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.CASCADE,
        related_name="integrity_key",
    )
    public_key = models.BinaryField(_("public key"))
    wrapped_private = models.BinaryField(_("private key wrapped by the password"))
    password_salt = models.BinaryField(_("password salt"))
    recovery_wrapped = models.BinaryField(_("private key wrapped by the recovery key"))
    recovery_salt = models.BinaryField(_("recovery salt"))
    opslimit = models.PositiveIntegerField(_("Argon2id passes"))
    memlimit = models.PositiveBigIntegerField(_("Argon2id memory"))
    # An inspector stationed in a unit (派驻纪检组) is recused from tips about it.
    home_unit = models.ForeignKey(
        Unit,
        verbose_name=_("stationed in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(pgettext_lazy("integrity", "created"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspector key")
        verbose_name_plural = _("inspector keys")

    def __str__(self):
        return str(self.user)


class Tip(models.Model):
    """One tip-off. `content` opens with the content key: whom it concerns, what, when, where."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit concerned"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        pgettext_lazy("integrity", "status"),
        max_length=20,
        choices=TipStatus.choices,
        default=TipStatus.RECEIVED,
    )
    received_at = models.DateTimeField(_("received"))
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    purge_after = models.DateTimeField(_("purge after"), null=True, blank=True, db_index=True)
    content = models.BinaryField(_("content (encrypted)"))
    # The reporter's way back in: the look-up hash of the receipt, and the content key wrapped under the
    # Argon2id key of the receipt.
    receipt_lookup = models.CharField(_("receipt look-up hash"), max_length=64, unique=True)
    receipt_salt = models.BinaryField(_("receipt salt"))
    receipt_wrapped_key = models.BinaryField(_("content key wrapped by the receipt"))
    opslimit = models.PositiveIntegerField(_("Argon2id passes"))
    memlimit = models.PositiveBigIntegerField(_("Argon2id memory"))
    # Keyed hash of the accused official's name, so the named inspector is recused without a decryption.
    accused_hash = models.CharField(_("accused name hash"), max_length=64, blank=True)
    # The identity, when given: SecretBox(server identity key, SecretBox(identity key, JSON)).
    identity = models.BinaryField(_("identity (encrypted twice)"), null=True, blank=True)
    first_answer_clock = models.OneToOneField(
        "deadlines.Clock",
        verbose_name=_("first answer due"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    final_answer_at = models.DateTimeField(_("final answer"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("tip-off")
        verbose_name_plural = _("tip-offs")
        indexes = [models.Index(fields=["unit", "status"], name="integrity_tip_unit_status")]

    def __str__(self):
        return self.reference

    @property
    def is_final(self):
        from .choices import FINAL_STATUSES

        return self.status in FINAL_STATUSES


class TipGrant(models.Model):
    """The tip's content key (and identity key, if any) sealed to one inspector's public key."""

    tip = models.ForeignKey(Tip, verbose_name=_("tip-off"), on_delete=models.CASCADE, related_name="grants")
    inspector = models.ForeignKey(
        InspectorKey, verbose_name=_("inspector"), on_delete=models.CASCADE, related_name="grants"
    )
    sealed_key = models.BinaryField(_("sealed content key"))
    sealed_identity_key = models.BinaryField(_("sealed identity key"), null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("integrity", "created"), auto_now_add=True)

    class Meta:
        verbose_name = _("key grant")
        verbose_name_plural = _("key grants")
        constraints = [models.UniqueConstraint(fields=["tip", "inspector"], name="integrity_one_grant")]

    def __str__(self):
        return f"{self.tip} → {self.inspector}"


class TipMessage(models.Model):
    """A message between the reporter and the inspectors, encrypted with the content key."""

    tip = models.ForeignKey(Tip, verbose_name=_("tip-off"), on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(_("from"), max_length=20, choices=MessageAuthor.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.BinaryField(_("text (encrypted)"))
    is_final_answer = models.BooleanField(_("final answer"), default=False)
    created_at = models.DateTimeField(_("sent"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("tip-off message")
        verbose_name_plural = _("tip-off messages")

    def __str__(self):
        return f"{self.tip} {self.get_author_kind_display()}"


class TipAttachment(models.Model):
    """An evidence file: the original and a copy without metadata, both encrypted in the media storage.
    The file's name and type are inside `meta`, encrypted too."""

    tip = models.ForeignKey(
        Tip, verbose_name=_("tip-off"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("type"), max_length=10, choices=AttachmentKind.choices)
    meta = models.BinaryField(_("name (encrypted)"))
    original_file = models.CharField(_("stored original"), max_length=200)
    clean_file = models.CharField(_("stored clean copy"), max_length=200)
    added_by_reporter = models.BooleanField(_("added by the reporter"), default=True)
    created_at = models.DateTimeField(_("added"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return f"{self.tip} #{self.pk}"


class ReporterFingerprint(models.Model):
    """A keyed hash of the self-identified reporter's phone or e-mail, for the retaliation watch."""

    tip = models.ForeignKey(
        Tip, verbose_name=_("tip-off"), on_delete=models.CASCADE, related_name="fingerprints"
    )
    digest = models.CharField(_("keyed hash"), max_length=64, db_index=True)

    class Meta:
        verbose_name = _("reporter fingerprint")
        verbose_name_plural = _("reporter fingerprints")
        constraints = [models.UniqueConstraint(fields=["tip", "digest"], name="integrity_one_fingerprint")]

    def __str__(self):
        return f"{self.tip} #{self.pk}"


class RetaliationFlag(models.Model):
    """A later demand (in `cases`) by a reporter who identified themselves: shown to inspectors only."""

    tip = models.ForeignKey(Tip, verbose_name=_("tip-off"), on_delete=models.CASCADE, related_name="flags")
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("demand"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(pgettext_lazy("integrity", "created"), auto_now_add=True)

    class Meta:
        verbose_name = _("retaliation flag")
        verbose_name_plural = _("retaliation flags")
        constraints = [models.UniqueConstraint(fields=["tip", "case"], name="integrity_one_flag")]

    def __str__(self):
        return f"{self.tip} ← {self.case_id}"


class WatchCursor(models.Model):
    """How far the retaliation watch has read the demands (the last Case pk checked)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    last_case_id = models.BigIntegerField(_("last demand checked"), default=0)

    class Meta:
        verbose_name = _("watch cursor")
        verbose_name_plural = _("watch cursors")

    def __str__(self):
        return self.name


class IdentityReveal(models.Model):
    """A request to read the reporter's identity, which a second inspector must approve."""

    tip = models.ForeignKey(Tip, verbose_name=_("tip-off"), on_delete=models.CASCADE, related_name="reveals")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    # Encrypted with the tip's content key: the reason may say why the reporter is at risk.
    reason = models.BinaryField(_("reason (encrypted)"))
    requested_at = models.DateTimeField(_("requested"))
    status = models.CharField(
        pgettext_lazy("integrity", "status"),
        max_length=20,
        choices=RevealStatus.choices,
        default=RevealStatus.REQUESTED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    valid_until = models.DateTimeField(_("readable until"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("identity reveal")
        verbose_name_plural = _("identity reveals")
        constraints = [
            models.UniqueConstraint(
                fields=["tip", "requested_by"],
                condition=models.Q(status="requested"),
                name="integrity_one_open_reveal",
            )
        ]

    def __str__(self):
        return f"{self.tip} {self.get_status_display()}"


class DisciplineRecord(models.Model):
    """The outcome of a discipline case opened on a tip (处分决定): it feeds the official's accountability
    record in cases."""

    tip = models.OneToOneField(
        Tip, verbose_name=_("tip-off"), on_delete=models.CASCADE, related_name="discipline"
    )
    substantiated = models.BooleanField(_("substantiated"))
    sanction = models.CharField(_("sanction"), max_length=20, choices=Sanction.choices, default=Sanction.NONE)
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accountability_record_id = models.BigIntegerField(_("accountability record"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("discipline record")
        verbose_name_plural = _("discipline records")

    def __str__(self):
        return f"{self.tip} {self.get_sanction_display()}"


class InspectorNotice(models.Model):
    """An in-app notice to an inspector that something arrived; it names no content, no unit, no person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    tip = models.ForeignKey(
        Tip, verbose_name=_("tip-off"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(pgettext_lazy("integrity", "created"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inspector notice")
        verbose_name_plural = _("inspector notices")
        indexes = [models.Index(fields=["emailed_at"], name="integrity_notice_unsent")]

    def __str__(self):
        return self.get_kind_display()
