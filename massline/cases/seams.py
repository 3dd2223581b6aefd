"""Seams through which apps above cases add to other apps' pages without importing them (the dependency rule).

TRACKING_PANELS: callables `(request, case) -> str | None` whose HTML the citizen's tracking page shows
below the answer (appraisal adds the rating of the handling official's conduct).

FURTHER_FIGURES: `FigureSource`s, each a figure that another app keeps about a unit's work over a year
(pledges: the people's year-end rating of the unit's practical projects; disclosure: the unit's
information-disclosure requests answered on time). Appraisal reads them and shows them beside its own
figures; with no source registered (an app switched off) appraisal shows nothing more.

PERSONAL_DATA_SECTIONS: callables `(citizens) -> (key, list of dicts) | None` adding what another app holds
on those citizens to the copy of their personal data (services/data_requests.py).

DEMAND_RECEIVED: callables `(case_id=)` told of every new demand once its intake committed (routing's
auto-dispatch check); cases registers routing's seam in CasesConfig.ready().

The others are filled in the other apps' AppConfig.ready().
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

TRACKING_PANELS = []
FURTHER_FIGURES = []
DEMAND_RECEIVED = []


def tracking_panels(request, case):
    """The HTML of every registered tracking-page panel for `case`, in registration order."""
    return [html for html in (panel(request, case) for panel in TRACKING_PANELS) if html]


@dataclass(frozen=True)
class UnitFigure:
    """One unit's figure of a year: a share (`numerator` of `denominator`) and whole counts beside it,
    in the order of its source's `count_labels`."""

    unit_id: int
    numerator: int
    denominator: int
    counts: tuple = ()


@dataclass(frozen=True)
class FigureSource:
    """A figure another app keeps per unit and year.

    `read(year=)` returns the UnitFigures of every unit with something to count that year. `label`
    names the figure, `share_label` its share, `denominator_label` what the share is taken over,
    `definition` says in one sentence what is counted. `public`: the app publishes these figures
    itself, so the public appraisal page may show them.
    `min_count` (a number, or a callable read when used): the share is shown only over at least this
    many (the source's own publishing rule).
    """

    key: str
    label: object
    share_label: object
    denominator_label: object
    definition: object
    read: Callable
    count_labels: tuple = field(default=())
    public: bool = True
    min_count: object = 1


def further_figures_register(source):
    """Register `source` (once per key: a second registration of the same key replaces the first)."""
    FURTHER_FIGURES[:] = [s for s in FURTHER_FIGURES if s.key != source.key]
    FURTHER_FIGURES.append(source)


def further_figures(*, public=False):
    """The registered sources, in registration order; only the public ones when `public`."""
    return [s for s in FURTHER_FIGURES if s.public or not public]


def demand_received_register(listener):
    """Call `listener(case_id=...)` for every new demand once its intake committed (routing's auto-dispatch
    check); registering the same listener twice keeps one."""
    if listener not in DEMAND_RECEIVED:
        DEMAND_RECEIVED.append(listener)


def demand_received(*, case_id):
    """Tell every listener that demand `case_id` was stored. A listener's failure is logged and never
    undoes the intake: the demand is already safe and the dispatchers see it in their queue."""
    for listener in DEMAND_RECEIVED:
        try:
            listener(case_id=case_id)
        except Exception:
            logging.getLogger("massline.cases").exception("a listener could not look at demand %s", case_id)


PERSONAL_DATA_SECTIONS = []


def personal_data_sections(citizens):
    """The (key, rows) of every registered personal-data section for `citizens`, in registration order."""
    return [section for section in (fill(citizens) for fill in PERSONAL_DATA_SECTIONS) if section]
