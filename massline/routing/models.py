"""Trained routing models (versioned, one live per target), the suggestions shown for each demand, and the
administrator's auto-dispatch thresholds per category."""

import pickle  # noqa: S403 - the blobs are written only by this app's own training service

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ModelStatus, Target


class RoutingModel(models.Model):
    """One trained model (分拨模型) with the figures it reached on the held-back newest demands."""

    target = models.CharField(_("predicts"), max_length=20, choices=Target.choices)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=ModelStatus.choices)
    kind = models.CharField(_("kind"), max_length=100)
    trained_at = models.DateTimeField(_("trained"))
    n_train = models.PositiveIntegerField(_("training demands"))
    n_holdout = models.PositiveIntegerField(_("held-back demands"))
    macro_f1 = models.FloatField(_("macro-F1 (held back)"))
    accuracy = models.FloatField(_("accuracy (held back)"))
    top3_accuracy = models.FloatField(_("top-3 accuracy (held back)"))
    fit_seconds = models.FloatField(_("training seconds"))
    # Per label: precision, recall, f1, n; and every held-back prediction as [label, confidence, correct]
    # so that the precision above any confidence threshold can be read back.
    per_label = models.JSONField(_("figures per label"), default=dict)
    holdout = models.JSONField(_("held-back predictions"), default=list)
    compared_with = models.ForeignKey(
        "self", verbose_name=_("compared with"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    blob = models.BinaryField(_("model"))

    class Meta:
        verbose_name = _("routing model")
        verbose_name_plural = _("routing models")
        constraints = [
            models.UniqueConstraint(fields=["target", "version"], name="routing_model_version_unique"),
            models.UniqueConstraint(
                fields=["target"], condition=Q(status="live"), name="routing_one_live_model_per_target"
            ),
        ]

    def __str__(self):
        return f"{self.get_target_display()} v{self.version}"

    def classifier(self):
        return pickle.loads(bytes(self.blob))  # noqa: S301 - our own blob, see the import

    def precision_above(self, label, threshold):
        """Held-back precision of the first suggestion `label` when its confidence is at least `threshold`,
        and how many such predictions there were."""
        rows = [r for r in self.holdout if r[0] == label and r[1] >= threshold]
        if not rows:
            return None, 0
        return sum(1 for r in rows if r[2]) / len(rows), len(rows)


class Suggestion(models.Model):
    """What routing suggested for a demand, and what people then chose (the corrections it learns from)."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("demand"), on_delete=models.CASCADE, related_name="+"
    )
    model = models.ForeignKey(
        RoutingModel, verbose_name=_("model"), on_delete=models.CASCADE, related_name="+"
    )
    target = models.CharField(_("predicts"), max_length=20, choices=Target.choices)
    # [{"id": pk, "label": str, "p": confidence}, ...] best first.
    top = models.JSONField(_("suggestions"))
    created_at = models.DateTimeField(_("suggested"))
    chosen_id = models.PositiveBigIntegerField(_("chosen"), null=True, blank=True)
    accepted = models.BooleanField(_("first suggestion taken"), null=True)
    returned = models.BooleanField(_("returned by the unit"), default=False)

    class Meta:
        verbose_name = _("routing suggestion")
        verbose_name_plural = _("routing suggestions")
        constraints = [
            models.UniqueConstraint(fields=["case", "target"], name="routing_one_suggestion_per_target")
        ]
        indexes = [models.Index(fields=["chosen_id", "created_at"], name="routing_sugg_open_idx")]

    def __str__(self):
        return f"{self.case_id} {self.get_target_display()}"


class AutoDispatchRule(models.Model):
    """Dispatch demands of this category without a dispatcher when the unit suggestion is this confident."""

    category = models.OneToOneField(
        "cases.Category", verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    threshold = models.FloatField(_("confidence threshold"))
    precision = models.FloatField(_("backtest precision at the threshold"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("set"))

    class Meta:
        verbose_name = _("auto-dispatch rule")
        verbose_name_plural = _("auto-dispatch rules")

    def __str__(self):
        return f"{self.category} ≥ {self.threshold}"

    # Intake asks after every new demand whether any category auto-dispatches; the shared cache answers,
    # so the intake path pays no query for it (at most ANY_ON_SECONDS stale in another process).
    ANY_ON_KEY = "routing:auto-dispatch-on"
    ANY_ON_SECONDS = 60

    @classmethod
    def any_on(cls):
        on = cache.get(cls.ANY_ON_KEY)
        if on is None:
            on = cls.objects.exists()
            cache.set(cls.ANY_ON_KEY, on, cls.ANY_ON_SECONDS)
        return on

    @classmethod
    def any_on_forget(cls):
        cache.delete(cls.ANY_ON_KEY)


class PlaceKey(models.Model):
    """The duplicate finder's index row of one demand: its place cell and time, so that candidates are found
    by an index range scan (cell, received_at) whatever the number of demands."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    # "g:<band>:<column>" for a grid cell of the coordinates, "r:<region id>" for the region.
    cell = models.CharField(max_length=40)
    received_at = models.DateTimeField()
    category_id = models.PositiveBigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["cell", "received_at"], name="routing_placekey_cell_time")]
        constraints = [models.UniqueConstraint(fields=["case", "cell"], name="routing_placekey_unique")]

    def __str__(self):
        return f"{self.case_id} {self.cell}"
