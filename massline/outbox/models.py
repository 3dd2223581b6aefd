"""One message to one person, kept from the moment its cause committed until it is sent (or given up)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Channel, MessageStatus

KEY_MAX_LENGTH = 200
ABOUT_MAX_LENGTH = 64
ERROR_MAX_LENGTH = 500


class Message(models.Model):
    """An SMS or e-mail in the outbox (发件箱).

    `key` is the sender's idempotency key: one row per key, and the gateway receives it with every
    attempt so that a retry after a crash is recognised. `to` is the full address, needed to deliver;
    pages and lists show `to_masked` only, and the sweeper erases `to`, `subject` and `text` once the
    message is settled for MASSLINE_OUTBOX_KEEP_DAYS.
    """

    key = models.CharField(_("idempotency key"), max_length=KEY_MAX_LENGTH, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to = models.CharField(_("recipient"), max_length=254, blank=True)
    to_masked = models.CharField(_("recipient (masked)"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    about = models.CharField(_("about"), max_length=ABOUT_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued at"))
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    dead_at = models.DateTimeField(_("given up at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=ERROR_MAX_LENGTH, blank=True)
    resent_count = models.PositiveSmallIntegerField(_("times resent"), default=0)
    purged_at = models.DateTimeField(_("content erased at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # The sweeper's scan: only the messages that still need the worker.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="outbox_msg_open",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["dead_at"], name="outbox_msg_dead", condition=Q(status="dead")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in MessageStatus]), name="outbox_msg_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.about or self.pk}"
