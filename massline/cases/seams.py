"""Seams through which apps above cases add to its pages without cases importing them (the dependency rule).

TRACKING_PANELS: callables `(request, case) -> str | None` whose HTML the citizen's tracking page shows
below the answer (appraisal adds the rating of the handling official's conduct). Filled in the other
apps' AppConfig.ready().
"""

TRACKING_PANELS = []


def tracking_panels(request, case):
    """The HTML of every registered tracking-page panel for `case`, in registration order."""
    return [html for html in (panel(request, case) for panel in TRACKING_PANELS) if html]
