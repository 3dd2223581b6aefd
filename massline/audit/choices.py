"""Enumerations of the audit app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VerifyStatus(models.TextChoices):
    OK = "ok", _("Chain intact")
    BROKEN = "broken", _("Chain broken")


# The hash that the first sealed event chains to.
GENESIS_HASH = "0" * 64
