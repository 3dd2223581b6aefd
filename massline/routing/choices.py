"""Enumerations of routing, each with a translated label."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.TextChoices):
    CATEGORY = "category", _("category")
    UNIT = "unit", _("handling unit")


class ModelStatus(models.TextChoices):
    LIVE = "live", _("live")
    RETIRED = "retired", _("retired")
    REJECTED = "rejected", _("not promoted")
