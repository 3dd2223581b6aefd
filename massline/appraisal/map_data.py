"""The appraisal dashboards' map: a choropleth of one rate per area of the month, drawn by web/maps.js.

The areas are the regions of the month's region rollup (`MonthlyFigures`, dimension region: a demand's
own region) that have an imported boundary; each is coloured by its rate in RATE classes and links to
the list of demands behind the figure. Regions without a boundary are not drawn (the lists beside the
map still name them).
"""

from django.utils.translation import gettext as _

from massline.org import maps
from massline.org.models import Region

from . import metrics
from .choices import Dimension
from .models import MonthlyFigures

MAP_METRIC = "satisfaction_rate"


def region_layer(*, month, rules, url_for, keys=None, metric=MAP_METRIC):
    """The map JSON of `metric` per region in `month`; `url_for(region_pk)` links an area to its demands.

    `keys` restricts the regions (the official's scope). None when no region has a boundary.
    """
    rows = MonthlyFigures.objects.filter(month=month, dimension=Dimension.REGION)
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    counts = {r.key: {k: getattr(r, k) for k in metrics.COUNT_FIELDS} for r in rows}
    regions = list(Region.objects.filter(pk__in=list(counts)).exclude(boundary=None).order_by("path"))
    if not regions:
        return None
    areas = []
    for region in regions:
        figure = metrics.compute(counts[region.pk], rules)[metric]
        if figure.percent is None:
            shown = _("no rated demands")
        else:
            shown = _("%(percent)s %% (%(numerator)s of %(denominator)d)") % {
                "percent": figure.percent,
                "numerator": f"{figure.numerator:g}",
                "denominator": figure.denominator,
            }
        areas.append((region, figure.percent, shown, url_for(region.pk)))
    return maps.area_layer(areas, kind="rate", title=str(metrics.METRICS[metric].label))
