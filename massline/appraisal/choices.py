"""Enumerations of appraisal, each with a translated label: the only place they are defined."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """What a monthly rollup row is about; TOTAL is the whole jurisdiction (key 0)."""

    TOTAL = "total", _("Whole jurisdiction")
    UNIT = "unit", _("Unit")
    OFFICIAL = "official", _("Official")
    REGION = "region", _("Region")
    CATEGORY = "category", _("Category")


class VisitsCounted(models.TextChoices):
    """Which ratings count as valid return visits (有效回访) in the resolution and satisfaction rates."""

    ALL = "all", _("Every rating: tracking page and the centre's phone visits")
    PHONE = "phone", _("Only the centre's phone return visits")


class RankingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (recomputed until published)")
    PUBLISHED = "published", _("Published (frozen)")


class Conduct(models.IntegerChoices):
    """The citizen's rating of one aspect of the handling official's conduct."""

    POOR = 1, _("Poor")
    FAIR = 2, _("Fair")
    GOOD = 3, _("Good")
