"""Every appraisal figure, defined once: its formula over the monthly counts, its one-sentence definition
(shown wherever the figure appears) and the demands behind it (the drill-down list).

docs/appraisal.md explains each definition with its numerator, denominator and how reopened, merged,
excluded, unreachable and unrated demands count. Counts come from the database (`MonthlyFigures`
rollups or an aggregate over `DemandFact`); this module only divides.
"""

import math
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from massline.cases.choices import ExclusionCategory

from .choices import VisitsCounted

SATISFIED, BASIC, UNSATISFIED = "satisfied", "basic", "unsatisfied"
# z of a two-sided 95 % interval.
Z95 = 1.959963984540054
COUNT_FIELDS = (
    "received",
    "counted",
    "excluded",
    "merged",
    "dispatched",
    "signed_on_time",
    "finished",
    "finished_on_time",
    "open_overdue",
    "returned",
    "reopened",
    "unrated",
    "rated",
    "resolved",
    "satisfied",
    "basic",
    "rated_phone",
    "resolved_phone",
    "satisfied_phone",
    "basic_phone",
    "handling_count",
    "handling_sum",
    "accountability",
)


@dataclass(frozen=True)
class Rules:
    """The rules a period is computed with (a RuleSet row, or the settings' defaults before the first)."""

    weights: tuple = (30, 35, 35)
    basic_factor: float = 0.9
    visits: str = VisitsCounted.ALL
    bounds: tuple = (300, 80, 20)
    bottom_n: int = 3
    rule_set_id: int = None
    # The exclusion categories whose approved reviews take a demand out of the figures (终结办理件 …).
    exclusions: tuple = tuple(ExclusionCategory.values)

    def as_dict(self):
        return {
            "weights": list(self.weights),
            "basic_factor": self.basic_factor,
            "visits": str(self.visits),
            "bounds": list(self.bounds),
            "bottom_n": self.bottom_n,
            "rule_set": self.rule_set_id,
            "exclusions": list(self.exclusions),
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            weights=tuple(data["weights"]),
            basic_factor=float(data["basic_factor"]),
            visits=data["visits"],
            bounds=tuple(data["bounds"]),
            bottom_n=int(data["bottom_n"]),
            rule_set_id=data.get("rule_set"),
            # Rankings frozen before the rules chose categories excluded on every approved review.
            exclusions=tuple(data.get("exclusions", ExclusionCategory.values)),
        )

    @property
    def min_volume(self):
        return self.bounds[-1] if self.bounds else 0


@dataclass(frozen=True)
class Figure:
    """A rate (value in [0, 1]) or a count, with what it was computed from; `value` None: nothing to count."""

    key: str
    value: float | None
    numerator: float = 0
    denominator: int = 0
    low: float | None = None
    high: float | None = None

    @property
    def percent(self):
        return None if self.value is None else round(100 * self.value, 1)


@dataclass(frozen=True)
class Metric:
    key: str
    label: object
    definition: object
    is_rate: bool = True
    # Over DemandFact: the demands of the denominator, and those of the numerator (the drill-down lists);
    # `base` says whether they are the handled demands, the counted ones, or any, under the period's rules.
    denominator_q: object = None
    numerator_q: object = None
    base: str = "handled"


def _visit_q(rules):
    return Q(rated=True, rated_by_phone=True) if rules.visits == VisitsCounted.PHONE else Q(rated=True)


def wilson(successes, n, z=Z95):
    """The Wilson score interval of a proportion (95 %): (low, high), or (None, None) when n is 0."""
    if not n:
        return None, None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _rate(key, numerator, denominator, interval=True):
    if not denominator:
        return Figure(key=key, value=None, numerator=numerator, denominator=0)
    low, high = wilson(numerator, denominator) if interval else (None, None)
    return Figure(
        key=key,
        value=numerator / denominator,
        numerator=numerator,
        denominator=denominator,
        low=low,
        high=high,
    )


def _visits(counts, rules):
    """(valid visits, resolved, satisfied, basic) under the rules' choice of visits."""
    if rules.visits == VisitsCounted.PHONE:
        return (
            counts["rated_phone"],
            counts["resolved_phone"],
            counts["satisfied_phone"],
            counts["basic_phone"],
        )
    return counts["rated"], counts["resolved"], counts["satisfied"], counts["basic"]


def counted_q(rules):
    """The demands that count in the figures under `rules`: every demand but those excluded by an approved
    exclusion review whose category the rules of the period exclude."""
    return Q(counted=True) | ~Q(exclusion_category__in=list(rules.exclusions))


def excluded_q(rules):
    return Q(counted=False, exclusion_category__in=list(rules.exclusions))


def handled_q(rules):
    """Counted, and not a member merged into another demand's handling thread."""
    return counted_q(rules) & Q(merged=False)


ANY = Q()

METRICS = {
    m.key: m
    for m in (
        Metric(
            "response_rate",
            _("Response rate"),
            _("Demands signed for within the time to sign, of the demands dispatched to the unit."),
            denominator_q=Q(dispatched=True),
            numerator_q=Q(signed_on_time=True),
        ),
        Metric(
            "on_time_rate",
            _("On-time completion"),
            _("Demands replied to within the time limit, of the demands replied to."),
            denominator_q=Q(finished=True),
            numerator_q=Q(finished_on_time=True),
        ),
        Metric(
            "on_time_strict_rate",
            _("On-time completion, open overdue included"),
            _(
                "Demands replied to within the time limit, of the demands replied to plus those still open "
                "and already overdue, so that overdue work cannot be hidden by leaving it open."
            ),
            denominator_q=(Q(finished=True) | Q(open_overdue=True)),
            numerator_q=Q(finished_on_time=True),
        ),
        Metric(
            "resolution_rate",
            _("Resolution rate"),
            _("Demands the citizen says were resolved, of the valid return visits."),
        ),
        Metric(
            "satisfaction_rate",
            _("Satisfaction rate"),
            _(
                "Satisfied ratings plus “basically satisfied” ones at the rules' factor, of the valid "
                "return visits; demands closed without a rating are outside it, never counted as satisfied."
            ),
        ),
        Metric(
            "return_rate",
            _("Return rate"),
            _("Demands the unit returned to the centre as not its own, of the demands dispatched to it."),
            denominator_q=Q(dispatched=True),
            numerator_q=Q(returned=True),
        ),
        Metric(
            "reopen_rate",
            _("Reopen rate"),
            _("Demands reopened after an unsatisfied rating, of the demands replied to."),
            denominator_q=Q(finished=True),
            numerator_q=Q(reopened=True),
        ),
        Metric(
            "overdue",
            _("Open and overdue"),
            _("Demands still open whose time limit has passed."),
            is_rate=False,
            denominator_q=Q(open_overdue=True),
        ),
        Metric(
            "unrated",
            _("Closed without a rating"),
            _(
                "Demands closed because nobody rated the reply (the citizen could not be reached or "
                "did not answer)."
            ),
            is_rate=False,
            denominator_q=Q(unrated=True),
            base="counted",
        ),
        Metric(
            "handling_mean",
            _("Handling time, mean"),
            _("Working hours from receipt to reply on the working calendar, mean of the demands replied to."),
            is_rate=False,
            denominator_q=Q(finished=True, handling_hours__isnull=False),
        ),
        Metric(
            "handling_p50",
            _("Handling time, median"),
            _("Working hours from receipt to reply: half the replied demands took less."),
            is_rate=False,
            denominator_q=Q(finished=True, handling_hours__isnull=False),
        ),
        Metric(
            "handling_p90",
            _("Handling time, 90th percentile"),
            _("Working hours from receipt to reply: nine in ten replied demands took less."),
            is_rate=False,
            denominator_q=Q(finished=True, handling_hours__isnull=False),
        ),
        Metric(
            "accountability",
            _("Accountability records"),
            _(
                "Accountability records opened on the demands of the period (late signing, contact or "
                "reply, mishandling)."
            ),
            is_rate=False,
            denominator_q=Q(accountability__gt=0),
            base="any",
        ),
        Metric(
            "score",
            _("Composite score"),
            _(
                "The response, resolution and satisfaction rates weighted by the rules of the period "
                "(out of 100); no score when one of the three has nothing to count."
            ),
            is_rate=False,
        ),
    )
}


def demands_q(key, rules, part="denominator"):
    """A Q over DemandFact for the demands behind a figure: its denominator, or with part="numerator" the
    demands that made the numerator (for a count, both are the demands counted)."""
    metric = METRICS[key]
    if key in ("resolution_rate", "satisfaction_rate"):
        base = counted_q(rules) & _visit_q(rules)
        if part != "numerator":
            return base
        if key == "resolution_rate":
            return base & Q(resolved=True)
        return base & Q(satisfaction__in=[SATISFIED, BASIC])
    if key == "score":
        return counted_q(rules)
    scope = {"handled": handled_q(rules), "counted": counted_q(rules), "any": ANY}[metric.base]
    base = scope & metric.denominator_q
    if part == "numerator" and metric.numerator_q is not None:
        return base & metric.numerator_q
    return base


def empty_counts():
    return dict.fromkeys(COUNT_FIELDS, 0) | {"handling_sum": 0.0, "handling_p50": None, "handling_p90": None}


def compute(counts, rules):
    """All figures of one set of counts under `rules`: {key: Figure}. Never divides by zero."""
    c = empty_counts() | {k: v for k, v in counts.items() if v is not None}
    visits, resolved, satisfied, basic = _visits(c, rules)
    handled_dispatched = c["dispatched"]
    figures = {
        "response_rate": _rate("response_rate", c["signed_on_time"], handled_dispatched),
        "on_time_rate": _rate("on_time_rate", c["finished_on_time"], c["finished"]),
        "on_time_strict_rate": _rate(
            "on_time_strict_rate", c["finished_on_time"], c["finished"] + c["open_overdue"]
        ),
        "resolution_rate": _rate("resolution_rate", resolved, visits),
        "satisfaction_rate": _rate("satisfaction_rate", satisfied + rules.basic_factor * basic, visits),
        "return_rate": _rate("return_rate", c["returned"], handled_dispatched),
        "reopen_rate": _rate("reopen_rate", c["reopened"], c["finished"]),
        "overdue": Figure("overdue", c["open_overdue"], c["open_overdue"], c["open_overdue"]),
        "unrated": Figure("unrated", c["unrated"], c["unrated"], c["unrated"]),
        "accountability": Figure(
            "accountability", c["accountability"], c["accountability"], c["accountability"]
        ),
        "handling_mean": Figure(
            "handling_mean",
            c["handling_sum"] / c["handling_count"] if c["handling_count"] else None,
            c["handling_sum"],
            c["handling_count"],
        ),
        "handling_p50": Figure("handling_p50", c["handling_p50"], denominator=c["handling_count"]),
        "handling_p90": Figure("handling_p90", c["handling_p90"], denominator=c["handling_count"]),
    }
    parts = (figures["response_rate"], figures["resolution_rate"], figures["satisfaction_rate"])
    if any(part.value is None for part in parts):
        score = None
    else:
        score = sum(w * part.value for w, part in zip(rules.weights, parts, strict=True))
    figures["score"] = Figure("score", score)
    figures["volume"] = Figure("volume", c["counted"], c["counted"], c["counted"])
    figures["received"] = Figure("received", c["received"], c["received"], c["received"])
    return figures


def visit_rate(counts, rules, key):
    """Only the resolution or satisfaction rate of some counts (the worst-of lists rank hundreds of rows);
    the same arithmetic as `compute`, without the figures nobody reads there."""
    visits, resolved, satisfied, basic = _visits(empty_counts() | counts, rules)
    numerator = resolved if key == "resolution_rate" else satisfied + rules.basic_factor * basic
    return _rate(key, numerator, visits, interval=False)


def definitions():
    """[(key, label, definition)] in display order, for the pages' glossary and the reports."""
    return [(m.key, m.label, m.definition) for m in METRICS.values()]
