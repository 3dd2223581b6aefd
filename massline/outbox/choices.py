"""Enumerations of the outbox, each with a translated label."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", pgettext_lazy("message channel", "E-mail")


class MessageStatus(models.TextChoices):
    # Waiting for its next attempt (the first one, or a retry after a failure).
    PENDING = "pending", pgettext_lazy("message status", "Pending")
    # Claimed by a worker, which is talking to the gateway now (or crashed while doing so).
    SENDING = "sending", pgettext_lazy("message status", "Sending")
    SENT = "sent", pgettext_lazy("message status", "Sent")
    # Every attempt failed: on the dead-letter list until staff resend it.
    DEAD = "dead", pgettext_lazy("message status", "Dead")


# Statuses whose message still needs the worker.
OPEN_STATUSES = (MessageStatus.PENDING, MessageStatus.SENDING)
