"""Statistics of disclosure requests per agency and year, and the annual report's tables (年度报告).

Every figure is counted from the requests themselves; shares are published only over at least
`MASSLINE_DISCLOSURE_MIN_COUNT` requests, with a Wilson 95 % confidence interval. The same rows feed the
public statistics page, the annual report (PDF, XLSX) and appraisal (`FIGURE_SOURCE`, read through
the seam massline.cases.seams, since appraisal never imports disclosure).
"""

import math
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from massline.cases.seams import FigureSource, UnitFigure
from massline.org.models import Unit

from . import conf
from .choices import AnswerType, Remedy, RequestStatus
from .models import DisclosureRequest

Z95 = 1.959963984540054


def wilson_interval(successes, total, z=Z95):
    """The Wilson score interval of a share (lower, upper), or None without observations."""
    if total <= 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Share:
    """A public share: shown only over enough requests, always with its interval."""

    successes: int
    total: int
    minimum: int

    @property
    def shown(self):
        return self.total >= self.minimum and self.total > 0

    @property
    def value(self):
        return self.successes / self.total if self.shown else None

    @property
    def interval(self):
        return wilson_interval(self.successes, self.total) if self.shown else None

    def __str__(self):
        if not self.shown:
            return str(_("fewer than %(n)s requests") % {"n": self.minimum})
        low, high = self.interval
        return f"{self.value:.0%} ({low:.0%}–{high:.0%})"


@dataclass
class UnitFigures:
    unit: Unit
    received: int = 0
    carried_over: int = 0
    answered: int = 0
    on_time: int = 0
    pending: int = 0
    lapsed: int = 0
    extensions: int = 0
    clarifications: int = 0
    consultations: int = 0
    unsatisfied: int = 0
    reconsiderations: int = 0
    litigations: int = 0
    outcomes: dict = field(default_factory=dict)

    @property
    def on_time_share(self):
        return Share(self.on_time, self.answered, conf.min_count())

    @property
    def disclosed_share(self):
        disclosed = self.outcomes.get(AnswerType.DISCLOSED, 0) + self.outcomes.get(
            AnswerType.ALREADY_PUBLIC, 0
        )
        return Share(disclosed, self.answered, conf.min_count())


def unit_figures(*, year, units=None):
    """Per agency, the requests received in `year` and what became of them, with those carried over from
    earlier years still open at its start. One aggregate query; units without requests are left out."""
    rows = DisclosureRequest.objects.filter(received_at__year=year)
    if units is not None:
        rows = rows.filter(unit__in=units)
    outcome_counts = {
        f"outcome_{value}": Count("pk", filter=Q(status=RequestStatus.ANSWERED, answer_type=value))
        for value in AnswerType.values
    }
    aggregates = rows.values("unit").annotate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(status=RequestStatus.ANSWERED)),
        on_time=Count("pk", filter=Q(status=RequestStatus.ANSWERED, on_time=True)),
        pending=Count(
            "pk",
            filter=Q(
                status__in=[RequestStatus.RECEIVED, RequestStatus.CLARIFICATION, RequestStatus.CONSULTATION]
            ),
        ),
        lapsed=Count("pk", filter=Q(status=RequestStatus.LAPSED)),
        extensions=Count("pk", filter=Q(extension_approved_at__isnull=False)),
        clarifications=Count("pk", filter=Q(clarification_asked_at__isnull=False)),
        consultations=Count("pk", filter=Q(consultation_clock__isnull=False)),
        unsatisfied=Count("pk", filter=Q(unsatisfied_at__isnull=False)),
        reconsiderations=Count("pk", filter=Q(remedy=Remedy.RECONSIDERATION)),
        litigations=Count("pk", filter=Q(remedy=Remedy.LITIGATION)),
        **outcome_counts,
    )
    carried = dict(
        DisclosureRequest.objects.filter(received_at__year__lt=year)
        .filter(Q(answered_at__isnull=True) | Q(answered_at__year__gte=year))
        .exclude(status=RequestStatus.LAPSED)
        .values_list("unit")
        .annotate(n=Count("pk"))
    )
    units_by_pk = Unit.objects.in_bulk([row["unit"] for row in aggregates])
    result = []
    for row in aggregates:
        figures = UnitFigures(
            unit=units_by_pk[row["unit"]],
            carried_over=carried.get(row["unit"], 0),
            outcomes={value: row[f"outcome_{value}"] for value in AnswerType.values},
            **{
                name: row[name]
                for name in (
                    "received",
                    "answered",
                    "on_time",
                    "pending",
                    "lapsed",
                    "extensions",
                    "clarifications",
                    "consultations",
                    "unsatisfied",
                    "reconsiderations",
                    "litigations",
                )
            },
        )
        result.append(figures)
    return sorted(result, key=lambda f: f.unit.path)


def report_due(year):
    """The annual report of `year` is published by 31 January of the next year (第四十九条)."""
    return date(year + 1, 1, 31)


def report_tables(*, year, units=None):
    """The annual report's tables as (title, header, rows) built from `unit_figures`, for PDF and XLSX."""
    figures = unit_figures(year=year, units=units)
    header = [
        _("Agency"),
        _("Carried over"),
        _("Received"),
        _("Answered"),
        _("On time"),
        _("Pending"),
        _("Lapsed"),
        _("Extensions"),
        _("Clarifications"),
        pgettext_lazy("disclosure", "Third-party consultations"),
    ]
    overview = [
        [
            f.unit.label,
            f.carried_over,
            f.received,
            f.answered,
            f.on_time,
            f.pending,
            f.lapsed,
            f.extensions,
            f.clarifications,
            f.consultations,
        ]
        for f in figures
    ]
    outcome_header = [_("Agency"), *[label for _value, label in AnswerType.choices]]
    outcomes = [[f.unit.label, *[f.outcomes[value] for value in AnswerType.values]] for f in figures]
    remedy_header = [
        _("Agency"),
        _("Unsatisfied"),
        _("Reconsiderations"),
        _("Litigations"),
        _("On time (95% CI)"),
        _("Disclosed or public (95% CI)"),
    ]
    remedies = [
        [
            f.unit.label,
            f.unsatisfied,
            f.reconsiderations,
            f.litigations,
            str(f.on_time_share),
            str(f.disclosed_share),
        ]
        for f in figures
    ]
    return [
        (_("Requests received and handled"), header, overview),
        (_("Answers by type"), outcome_header, outcomes),
        (_("Remedies and public shares"), remedy_header, remedies),
    ]


def appraisal_figures(*, year):
    """`unit_figures` as appraisal reads them through the seam: per agency, the requests answered on time
    of those answered, and the requests received and still pending."""
    return [
        UnitFigure(
            unit_id=f.unit.pk, numerator=f.on_time, denominator=f.answered, counts=(f.received, f.pending)
        )
        for f in unit_figures(year=year)
    ]


# What appraisal shows of disclosure (registered in DisclosureConfig.ready()); the statistics page
# publishes the same shares under the same minimum count.
FIGURE_SOURCE = FigureSource(
    key="disclosure",
    label=_("Information disclosure requests answered on time"),
    share_label=_("Answered on time"),
    denominator_label=_("Answered"),
    definition=_(
        "The unit's information disclosure requests received in the year: the share of the answered ones "
        "answered within the statutory time (20 working days, one extension, clarification and "
        "third-party consultation not counted), with its 95 per cent interval, shown over a minimum number "
        "of answers as on the statistics page; beside it the requests received and those still pending."
    ),
    read=appraisal_figures,
    count_labels=(_("Received"), _("Pending")),
    min_count=conf.min_count,
)
