"""Appraisal's tables: one fact row per demand, monthly rollups, versioned rules, frozen rankings with
their adjustments, and the citizens' ratings of the handling official's conduct.

The facts and rollups are derived data, rebuilt by the worker from the demands (`services.facts_refresh`,
`services.rollups_rebuild`); rules, rankings, adjustments and conduct ratings are records.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from massline.cases.choices import ExclusionCategory
from massline.cases.models import Case, Category
from massline.org.models import Region, Unit

from .choices import Conduct, Dimension, RankingStatus, VisitsCounted


class DemandFact(models.Model):
    """What one demand contributes to appraisal, derived from it (see docs/appraisal.md for each flag)."""

    case = models.OneToOneField(
        Case, verbose_name=_("demand"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # The month the demand was received in: the period it counts in.
    month = models.DateField(_("month"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("accountable unit"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    counted = models.BooleanField(_("counts in appraisal"), default=True)
    excluded = models.BooleanField(_("excluded after review"), default=False)
    # The category of the approved exclusion review ("" when not excluded): the rules of the period decide
    # whether that category takes the demand out of the figures.
    exclusion_category = models.CharField(
        _("exclusion category"), max_length=30, choices=ExclusionCategory.choices, blank=True
    )
    merged = models.BooleanField(_("merged into a thread"), default=False)
    dispatched = models.BooleanField(_("dispatched"), default=False)
    signed_on_time = models.BooleanField(_("signed on time"), default=False)
    finished = models.BooleanField(_("replied"), default=False)
    finished_on_time = models.BooleanField(_("replied on time"), default=False)
    open_overdue = models.BooleanField(_("open and overdue"), default=False)
    returned = models.BooleanField(_("returned to the centre"), default=False)
    rated = models.BooleanField(_("rated"), default=False)
    rated_by_phone = models.BooleanField(_("rated on a phone visit"), default=False)
    resolved = models.BooleanField(_("resolved"), default=False)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, blank=True)
    unrated = models.BooleanField(_("closed without a rating"), default=False)
    reopened = models.BooleanField(_("reopened"), default=False)
    handling_hours = models.FloatField(_("handling time (working hours)"), null=True)
    accountability = models.PositiveIntegerField(_("accountability records"), default=0)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("demand fact")
        verbose_name_plural = _("demand facts")
        indexes = [
            models.Index(fields=["month", "unit"], name="appraisal_fact_month_unit"),
            models.Index(fields=["month", "region"], name="appraisal_fact_month_region"),
            models.Index(fields=["month", "category"], name="appraisal_fact_month_category"),
            models.Index(fields=["month", "official"], name="appraisal_fact_month_official"),
            models.Index(fields=["case"], name="appraisal_fact_open", condition=Q(finished=False)),
        ]

    def __str__(self):
        return f"{self.case_id} {self.month:%Y-%m}"


class MonthlyFigures(models.Model):
    """The counts behind every rate of one month for one unit, official, region, category or the total.

    Kept by the worker from DemandFact, so dashboards read a few hundred rows instead of a year of demands.
    """

    month = models.DateField(_("month"))
    dimension = models.CharField(_("about"), max_length=20, choices=Dimension.choices)
    key = models.PositiveBigIntegerField(_("id"), default=0)
    received = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    dispatched = models.PositiveIntegerField(default=0)
    signed_on_time = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    finished_on_time = models.PositiveIntegerField(default=0)
    open_overdue = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    unrated = models.PositiveIntegerField(default=0)
    # Ratings, counted twice: every rating, and only the centre's phone visits (the rules choose).
    rated = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)
    rated_phone = models.PositiveIntegerField(default=0)
    resolved_phone = models.PositiveIntegerField(default=0)
    satisfied_phone = models.PositiveIntegerField(default=0)
    basic_phone = models.PositiveIntegerField(default=0)
    handling_count = models.PositiveIntegerField(default=0)
    handling_sum = models.FloatField(default=0)
    handling_p50 = models.FloatField(null=True)
    handling_p90 = models.FloatField(null=True)
    accountability = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        constraints = [
            models.UniqueConstraint(fields=["month", "dimension", "key"], name="appraisal_one_rollup_row"),
        ]
        # The trends: one dimension's key over the months.
        indexes = [models.Index(fields=["dimension", "key", "month"], name="appraisal_rollup_trend")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.dimension} {self.key}"


class RuleSet(models.Model):
    """The appraisal rules in force from a month on, until the next rule set (考核规则, versioned)."""

    valid_from = models.DateField(_("applies from (month)"), unique=True)
    weight_response = models.PositiveSmallIntegerField(
        _("weight of the response rate"), validators=[MaxValueValidator(100)]
    )
    weight_resolution = models.PositiveSmallIntegerField(
        _("weight of the resolution rate"), validators=[MaxValueValidator(100)]
    )
    weight_satisfaction = models.PositiveSmallIntegerField(
        _("weight of the satisfaction rate"), validators=[MaxValueValidator(100)]
    )
    basic_factor = models.DecimalField(
        _("factor of “basically satisfied”"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    visits = models.CharField(
        _("return visits counted"), max_length=20, choices=VisitsCounted.choices, default=VisitsCounted.ALL
    )
    group_bounds = models.CharField(
        _("volume groups"),
        max_length=100,
        help_text=_("Lower bounds of the volume groups, largest first, e.g. 300,80,20."),
    )
    bottom_n = models.PositiveSmallIntegerField(_("bottom units listed per group"), default=3)
    exclusion_categories = models.CharField(
        _("exclusion categories"),
        max_length=200,
        default=",".join(ExclusionCategory.values),
        help_text=_("The categories of approved exclusion reviews that take a demand out of the figures."),
    )
    note = models.CharField(_("note"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered"))

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self):
        weights = "/".join(str(w) for w in self.weights)
        return f"{self.valid_from:%Y-%m}: {weights}"

    @property
    def bounds(self):
        return tuple(int(part) for part in self.group_bounds.split(",") if part.strip())

    @property
    def exclusions(self):
        return tuple(part for part in self.exclusion_categories.split(",") if part)

    @property
    def exclusion_labels(self):
        labels = dict(ExclusionCategory.choices)
        return [labels.get(c, c) for c in self.exclusions]

    @property
    def weights(self):
        return (self.weight_response, self.weight_resolution, self.weight_satisfaction)


class Ranking(models.Model):
    """The units' ranking of one month under the rules in force then; frozen once published."""

    month = models.DateField(_("month"), unique=True)
    rules = models.ForeignKey(RuleSet, verbose_name=_("rules"), null=True, on_delete=models.PROTECT)
    # The rules as applied, copied so the ranking reads the same even for the default rules.
    rules_applied = models.JSONField(_("rules applied"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=RankingStatus.choices, default=RankingStatus.DRAFT
    )
    computed_at = models.DateTimeField(_("computed"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly ranking")
        verbose_name_plural = _("monthly rankings")

    def __str__(self):
        return f"{self.month:%Y-%m} ({self.get_status_display()})"

    @property
    def is_published(self):
        return self.status == RankingStatus.PUBLISHED


class RankingRow(models.Model):
    """One unit's line in a monthly ranking: volume, group, the three rates, score and place."""

    ranking = models.ForeignKey(
        Ranking, verbose_name=_("ranking"), on_delete=models.CASCADE, related_name="rows"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    volume = models.PositiveIntegerField(_("demands counted"))
    # 1 = the largest units; 0: below the smallest group, scored but not published.
    group = models.PositiveSmallIntegerField(_("volume group"))
    response_rate = models.FloatField(_("response rate"), null=True)
    resolution_rate = models.FloatField(_("resolution rate"), null=True)
    satisfaction_rate = models.FloatField(_("satisfaction rate"), null=True)
    satisfaction_low = models.FloatField(null=True)
    satisfaction_high = models.FloatField(null=True)
    on_time_rate = models.FloatField(_("on-time completion"), null=True)
    score = models.FloatField(_("score"), null=True)
    rank = models.PositiveIntegerField(_("rank in group"), null=True)
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        ordering = ["group", "rank", "unit__path"]
        verbose_name = _("ranking row")
        verbose_name_plural = _("ranking rows")
        constraints = [models.UniqueConstraint(fields=["ranking", "unit"], name="appraisal_one_row_per_unit")]

    def __str__(self):
        return f"{self.ranking} {self.unit}"

    @property
    def is_published(self):
        return self.group > 0


class RankingAdjustment(models.Model):
    """A correction of a published month, recorded in the ranking of a later month (never an edit)."""

    ranking = models.ForeignKey(
        Ranking, verbose_name=_("recorded in"), on_delete=models.CASCADE, related_name="adjustments"
    )
    corrected = models.ForeignKey(
        Ranking, verbose_name=_("month corrected"), on_delete=models.PROTECT, related_name="corrections"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("figure"), max_length=40)
    published_value = models.FloatField(_("published"), null=True)
    corrected_value = models.FloatField(_("corrected"), null=True)

    class Meta:
        ordering = ["corrected__month", "unit__path", "field"]
        verbose_name = _("ranking adjustment")
        verbose_name_plural = _("ranking adjustments")

    def __str__(self):
        return f"{self.corrected} {self.unit} {self.field}"


class ConductRating(models.Model):
    """The citizen's one-time rating of the handling official's conduct on a handled demand (群众评议)."""

    case = models.OneToOneField(Case, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="+")
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("official"), on_delete=models.PROTECT, related_name="+"
    )
    attitude = models.PositiveSmallIntegerField(_("attitude"), choices=Conduct.choices)
    efficiency = models.PositiveSmallIntegerField(_("efficiency"), choices=Conduct.choices)
    honesty = models.PositiveSmallIntegerField(_("honesty"), choices=Conduct.choices)
    rated_at = models.DateTimeField(_("rated"))

    class Meta:
        verbose_name = _("conduct rating")
        verbose_name_plural = _("conduct ratings")
        indexes = [models.Index(fields=["official", "rated_at"], name="appraisal_conduct_official")]

    def __str__(self):
        return f"{self.case_id} {self.attitude}/{self.efficiency}/{self.honesty}"
