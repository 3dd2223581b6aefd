"""What every map draws, shared by the public demands map, the appraisal dashboards and the place pickers.

The browser side is `web/maps.js` with the vendored Leaflet (`web/static/vendor/leaflet/`); it reads the
JSON built here from `json_script` blocks (the CSP forbids inline scripts). Colours and legend classes are
decided here, not in the browser, so the table under each map and its legend cannot disagree.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from .models import Region

# ColorBrewer's 5-class Blues (counts) and RdYlGn (rates: red is worse), colour-blind safe.
COUNT_COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
RATE_COLOURS = ("#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641")
# Rate classes in percent: below 60, 60-70, 70-80, 80-90, 90 and above.
RATE_BREAKS = (60, 70, 80, 90)
NO_DATA_COLOUR = "#d9d9d9"
# Decimal places of a demand's position on a public map: 3 is about 110 m (a block, never a door).
PUBLIC_DECIMALS = 3


def tiles():
    """The background tile server, or None for a plain background (settings.MASSLINE_MAP_TILE_URL)."""
    if not settings.MASSLINE_MAP_TILE_URL:
        return None
    return {"url": settings.MASSLINE_MAP_TILE_URL, "attribution": settings.MASSLINE_MAP_TILE_ATTRIBUTION}


def public_position(lat, lon):
    """A demand's position rounded for a public page: (lat, lon) floats to PUBLIC_DECIMALS, or None."""
    if lat is None or lon is None:
        return None
    step = Decimal(1).scaleb(-PUBLIC_DECIMALS)
    return float(Decimal(lat).quantize(step)), float(Decimal(lon).quantize(step))


def count_classes(values):
    """Five classes of whole counts from the smallest to the largest value, [(low, high)], of equal
    width rounded up (so 424…505 spreads over the colours instead of sharing the darkest)."""
    present = [v for v in values if v is not None] or [0]
    bottom, top = min(present), max(present)
    width = max(1, -(-(top - bottom + 1) // len(COUNT_COLOURS)))
    return [(bottom + i * width, bottom + (i + 1) * width - 1) for i in range(len(COUNT_COLOURS))]


def legend(kind, values):
    """The legend of a choropleth: [{"colour", "label"}] plus "no data"; `kind` is "count" or "rate"."""
    if kind == "rate":
        bounds = (0, *RATE_BREAKS, 100)
        labels = [f"< {RATE_BREAKS[0]} %"]
        labels += [f"{low}–{high} %" for low, high in zip(bounds[1:-2], bounds[2:-1], strict=True)]
        labels += [f"≥ {RATE_BREAKS[-1]} %"]
        entries = [{"colour": c, "label": label} for c, label in zip(RATE_COLOURS, labels, strict=True)]
    else:
        top = max([v for v in values if v is not None] or [0])
        entries = [
            {"colour": c, "label": str(low) if low == high else f"{low}–{high}"}
            for c, (low, high) in zip(COUNT_COLOURS, count_classes(values), strict=True)
            if low <= top
        ]
    return entries + [{"colour": NO_DATA_COLOUR, "label": _("no data")}]


def colour(kind, value, values):
    """The fill of one area: its class's colour, or the no-data grey."""
    if value is None:
        return NO_DATA_COLOUR
    if kind == "rate":
        return RATE_COLOURS[sum(1 for b in RATE_BREAKS if value >= b)]
    for c, (_low, high) in zip(COUNT_COLOURS, count_classes(values), strict=True):
        if value <= high:
            return c
    return COUNT_COLOURS[-1]


def area_layer(areas, *, kind, title):
    """A choropleth: `areas` is [(region, value, shown, url)] (value a count or a percentage, or None;
    `shown` the text of the tooltip). Areas without a boundary are left out."""
    values = [value for _region, value, _shown, _url in areas]
    features = [
        {
            "type": "Feature",
            "geometry": region.boundary,
            "properties": {
                "code": region.code,
                "label": region.label,
                "shown": shown,
                "url": url,
                "colour": colour(kind, value, values),
            },
        }
        for region, value, shown, url in areas
        if region.boundary
    ]
    return {
        "title": title,
        "areas": {"type": "FeatureCollection", "features": features},
        # No area to colour (no boundaries imported): no legend to explain colours nobody sees.
        "legend": legend(kind, values) if features else [],
    }


def choropleth_regions(within=None):
    """The areas a map colours: the children of `within` that have a boundary, or `within` itself if
    none has; without `within`, the children of the top regions (the county's townships)."""
    parents = [within] if within is not None else list(Region.objects.filter(parent=None))
    children = list(Region.objects.filter(parent__in=parents).exclude(boundary=None).order_by("path"))
    if children:
        return children
    return [r for r in parents if r.boundary]


def subtree_totals(regions, counts_by_region_id):
    """For each of `regions`, the sum of `counts_by_region_id` over its subtree (paths are prefixes)."""
    paths = dict(Region.objects.filter(pk__in=list(counts_by_region_id)).values_list("pk", "path"))
    return {
        region.pk: sum(
            n for pk, n in counts_by_region_id.items() if paths.get(pk, "").startswith(region.path)
        )
        for region in regions
    }


def frame():
    """The [[south, west], [north, east]] box of every boundary and centre: where pickers open."""
    lats, lons = [], []
    for lat, lon, boundary in Region.objects.filter(parent=None).values_list(
        "centre_lat", "centre_lon", "boundary"
    ):
        if boundary:
            polygons = (
                boundary["coordinates"] if boundary["type"] == "MultiPolygon" else [boundary["coordinates"]]
            )
            for rings in polygons:
                lons += [p[0] for p in rings[0]]
                lats += [p[1] for p in rings[0]]
        elif lat is not None:
            lats.append(float(lat))
            lons.append(float(lon))
    if not lats:
        lats, lons = list(
            zip(
                *Region.objects.exclude(centre_lat=None).values_list("centre_lat", "centre_lon")[:1000],
                strict=False,
            )
        ) or ([], [])
        lats, lons = [float(v) for v in lats], [float(v) for v in lons]
    if not lats:
        return None
    pad = 0.01
    return [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]


def outlines():
    """The top regions' boundaries (the county outline) as a FeatureCollection, drawn under pickers."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": r.boundary, "properties": {"label": r.label}}
            for r in choropleth_regions()
        ],
    }


def config():
    """The page-wide map settings: tiles, where pickers open, and the words maps.js shows."""
    return {
        "tiles": tiles(),
        "frame": frame(),
        "outlines": outlines(),
        "text": {
            "noTiles": _("The background map could not be loaded: areas and points are drawn without it."),
            "plain": _("No background map is configured: areas and points are drawn without it."),
            "locate": _("Use my location"),
            "locating": _("Finding your location…"),
            "located": _("Your location is marked on the map; move it by tapping the right place."),
            "locateFailed": _(
                "Your location could not be found: tap the place on the map or type the address."
            ),
            "picked": _("Place marked at %(lat)s, %(lon)s."),
            "clear": _("Clear the place"),
            "pickHelp": _("Tap the place on the map, or use your location. You may also type the address."),
            "typeCoordinates": _("Type the coordinates instead"),
            "zoomIn": _("Zoom in"),
            "zoomOut": _("Zoom out"),
        },
    }
