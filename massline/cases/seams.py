"""Seams through which apps above cases add to its pages without cases importing them (the dependency rule).

TRACKING_PANELS: callables `(request, case) -> str | None` whose HTML the citizen's tracking page shows
below the answer (appraisal adds the rating of the handling official's conduct). Filled in the other
apps' AppConfig.ready().

PERSONAL_DATA_SECTIONS: callables `(citizens) -> (key, list of dicts) | None` adding what another app holds
on those citizens to the copy of their personal data (services/data_requests.py).
"""

TRACKING_PANELS = []


def tracking_panels(request, case):
    """The HTML of every registered tracking-page panel for `case`, in registration order."""
    return [html for html in (panel(request, case) for panel in TRACKING_PANELS) if html]


PERSONAL_DATA_SECTIONS = []


def personal_data_sections(citizens):
    """The (key, rows) of every registered personal-data section for `citizens`, in registration order."""
    return [section for section in (fill(citizens) for fill in PERSONAL_DATA_SECTIONS) if section]
