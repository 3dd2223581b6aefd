"""Region boundaries from GeoJSON (`massline org import-boundaries FILE.geojson`), and the demo's boundaries.

A file is a FeatureCollection (or one Feature) whose features carry a Polygon or MultiPolygon geometry
in WGS 84 longitude/latitude (RFC 7946) and a property naming the region: its code (`code`, `adcode`,
`region_code`, or the feature's `id`) or else its name (`name`, `name_en`, unique in the tree). Every
feature is checked first; if any is wrong nothing is saved and every problem is reported with its
feature number (the first feature is 1). Writes go through `services.region_update`, so each changed
boundary leaves an audit event; a region without a centre gets the centroid of its boundary.
"""

import json
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from massline.lib.errors import DomainError

from . import services
from .models import Region

CODE_KEYS = ("code", "adcode", "region_code")
NAME_KEYS = ("name", "name_en")
# Decimal places kept of each position: 6 is about 0.1 m, far finer than any boundary file.
DECIMALS = 6
# A boundary file larger than this is refused: public pages send every boundary to the browser.
MAX_BYTES = 20 * 1024 * 1024
MAX_POSITIONS = 200_000


@dataclass(frozen=True)
class BoundaryImportResult:
    updated: int = 0
    unchanged: int = 0
    ignored: int = 0

    def __str__(self):
        return _("%(updated)d updated, %(unchanged)d unchanged, %(ignored)d ignored") % {
            "updated": self.updated,
            "unchanged": self.unchanged,
            "ignored": self.ignored,
        }


class GeoJsonImportError(DomainError):
    """The file or some features are wrong; `errors` lists them. Nothing was saved."""

    code = "geojson_import"

    def __init__(self, errors):
        self.errors = list(errors)
        message = ngettext(
            "Nothing was imported: %(count)d problem in the file. Correct it and import the file again.",
            "Nothing was imported: %(count)d problems in the file. Correct them and import the file again.",
            len(self.errors),
        ) % {"count": len(self.errors)}
        super().__init__(message)

    def __str__(self):
        return "\n".join([str(self.message), *self.errors])


def _feature_error(number, message):
    return _("Feature %(number)d: %(message)s") % {"number": number, "message": message}


def _position(value, path):
    """A [lon, lat] pair rounded to DECIMALS, or a translated problem."""
    if not isinstance(value, list) or len(value) < 2:
        return None, _("%(path)s is not a [longitude, latitude] position.") % {"path": path}
    lon, lat = value[0], value[1]
    if (
        isinstance(lon, bool)
        or isinstance(lat, bool)
        or not all(isinstance(v, (int, float)) for v in (lon, lat))
    ):
        return None, _("%(path)s holds something other than two numbers.") % {"path": path}
    if not (math.isfinite(lon) and math.isfinite(lat)) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None, _(
            "%(path)s (%(lon)s, %(lat)s) is outside longitude -180…180 / latitude -90…90: the file must use "
            "WGS 84 degrees with the longitude first (re-project it, e.g. ogr2ogr -t_srs EPSG:4326)."
        ) % {"path": path, "lon": lon, "lat": lat}
    return [round(float(lon), DECIMALS), round(float(lat), DECIMALS)], None


def _ring(value, path, budget):
    if not isinstance(value, list):
        return None, _("%(path)s is not a list of positions.") % {"path": path}
    if len(value) < 4:
        return None, _("%(path)s has %(count)d positions: a ring needs at least 4 (closed).") % {
            "path": path,
            "count": len(value),
        }
    budget[0] -= len(value)
    if budget[0] < 0:
        return None, _(
            "the file has more than %(max)d positions: simplify the boundaries first "
            "(e.g. mapshaper -simplify 10%%)."
        ) % {"max": MAX_POSITIONS}
    ring = []
    for index, item in enumerate(value):
        position, problem = _position(item, f"{path}[{index}]")
        if problem:
            return None, problem
        ring.append(position)
    if ring[0] != ring[-1]:
        return None, _("%(path)s is not closed: its last position must repeat the first.") % {"path": path}
    return ring, None


def _polygon(value, path, budget):
    if not isinstance(value, list) or not value:
        return None, _("%(path)s is not a list of rings.") % {"path": path}
    rings = []
    for index, item in enumerate(value):
        ring, problem = _ring(item, f"{path}[{index}]", budget)
        if problem:
            return None, problem
        rings.append(ring)
    return rings, None


def clean_geometry(geometry, budget=None):
    """A GeoJSON Polygon/MultiPolygon checked and rounded, as {"type", "coordinates"}; or a problem."""
    budget = budget if budget is not None else [MAX_POSITIONS]
    if not isinstance(geometry, dict):
        return None, _("it has no geometry: give each feature a Polygon or MultiPolygon.")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        rings, problem = _polygon(coordinates, "coordinates", budget)
        return (None, problem) if problem else ({"type": kind, "coordinates": rings}, None)
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            return None, _("coordinates is not a list of polygons.")
        polygons = []
        for index, item in enumerate(coordinates):
            rings, problem = _polygon(item, f"coordinates[{index}]", budget)
            if problem:
                return None, problem
            polygons.append(rings)
        return {"type": kind, "coordinates": polygons}, None
    return None, _("its geometry is a %(kind)s: only Polygon and MultiPolygon are region boundaries.") % {
        "kind": kind if isinstance(kind, str) else "?"
    }


def centroid(geometry):
    """The area-weighted centroid (lat, lon) of the outer rings, planar (fine at a county's scale)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    total = cx = cy = 0.0
    for rings in polygons:
        ring = rings[0]
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            total += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if abs(total) < 1e-15:
        xs = [p[0] for rings in polygons for p in rings[0]]
        ys = [p[1] for rings in polygons for p in rings[0]]
        return sum(ys) / len(ys), sum(xs) / len(xs)
    return cy / (3 * total), cx / (3 * total)


def _features(document):
    if not isinstance(document, dict):
        return None, _("The file is not a GeoJSON object: it must be a FeatureCollection.")
    if document.get("type") == "Feature":
        return [document], None
    if document.get("type") != "FeatureCollection" or not isinstance(document.get("features"), list):
        return None, _(
            "The file is a GeoJSON %(kind)s, not a FeatureCollection: export the regions as features "
            "with a code or name property."
        ) % {"kind": document.get("type") if isinstance(document.get("type"), str) else "?"}
    if not document["features"]:
        return None, _("The FeatureCollection has no features.")
    return document["features"], None


def _key(feature, keys):
    properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    for key in keys:
        value = properties.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return None


def _regions_by_name():
    by_name = {}
    for region in Region.objects.only("pk", "code", "name", "name_en"):
        for name in {region.name, region.name_en} - {""}:
            by_name.setdefault(name, []).append(region)
    return by_name


def _match(feature, by_code, by_name):
    """(region, label, problem, unknown): the region a feature names, or why it names none (`unknown`
    when it names a region that is not in the tree, as opposed to an ambiguous or missing name)."""
    code = _key(feature, CODE_KEYS)
    if code is None and isinstance(feature.get("id"), (str, int)) and not isinstance(feature.get("id"), bool):
        code = str(feature["id"]).strip() or None
    if code is not None and code in by_code:
        return by_code[code], code, None, False
    name = _key(feature, NAME_KEYS)
    if name is not None:
        candidates = by_name.get(name, [])
        if len(candidates) == 1:
            return candidates[0], name, None, False
        if len(candidates) > 1:
            return (
                None,
                name,
                _("the name “%(name)s” belongs to %(count)d regions (%(codes)s): add a code property.")
                % {"name": name, "count": len(candidates), "codes": ", ".join(r.code for r in candidates)},
                False,
            )
    label = code or name
    if label is None:
        message = _("it has no code or name property: add one of %(keys)s.")
        return None, None, message % {"keys": ", ".join(CODE_KEYS + NAME_KEYS)}, False
    message = _("no region has the code or name “%(label)s”: import the regions first.")
    return None, label, message % {"label": label}, True


def parse(data):
    """The features of `data` (bytes) as [(number, feature)], or raise GeoJsonImportError."""
    if len(data) > MAX_BYTES:
        raise GeoJsonImportError(
            [
                _("The file is %(size)d MB: at most %(max)d MB. Simplify the boundaries first.")
                % {"size": len(data) // (1024 * 1024), "max": MAX_BYTES // (1024 * 1024)}
            ]
        )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise GeoJsonImportError([_("The file is not UTF-8 text: save it as UTF-8 GeoJSON.")]) from None
    except json.JSONDecodeError as exc:
        raise GeoJsonImportError(
            [
                _("The file is not valid JSON (line %(line)d, column %(column)d: %(error)s).")
                % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
            ]
        ) from None
    features, problem = _features(document)
    if problem:
        raise GeoJsonImportError([problem])
    return list(enumerate(features, start=1))


@transaction.atomic
def boundaries_import(*, data, by=None, ignore_unknown=False) -> BoundaryImportResult:
    """Set the boundaries of the regions that the features of GeoJSON `data` (bytes) name.

    With `ignore_unknown`, features naming no region (a province's file imported into one county) are
    counted as ignored instead of refused. Raises GeoJsonImportError, having saved nothing, if any
    feature is wrong.
    """
    features = parse(data)
    by_code = Region.objects.in_bulk(field_name="code")
    by_name = _regions_by_name()
    errors, planned, seen, ignored = [], [], {}, 0
    budget = [MAX_POSITIONS]
    for number, feature in features:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(_feature_error(number, _("it is not a GeoJSON Feature.")))
            continue
        region, _label, problem, unknown = _match(feature, by_code, by_name)
        if region is None:
            if ignore_unknown and unknown:
                ignored += 1
                continue
            errors.append(_feature_error(number, problem))
            continue
        if region.pk in seen:
            errors.append(
                _feature_error(
                    number,
                    _(
                        "region %(code)s already has a boundary in feature %(other)d: merge them into one "
                        "MultiPolygon."
                    )
                    % {"code": region.code, "other": seen[region.pk]},
                )
            )
            continue
        seen[region.pk] = number
        geometry, problem = clean_geometry(feature.get("geometry"), budget)
        if problem:
            errors.append(_feature_error(number, problem))
            continue
        planned.append((number, region, geometry))
    if errors:
        raise GeoJsonImportError(errors)
    updated = unchanged = 0
    for number, region, geometry in planned:
        changes = {"boundary": geometry}
        if region.centre_lat is None:
            lat, lon = centroid(geometry)
            changes["centre_lat"] = Decimal(f"{lat:.6f}")
            changes["centre_lon"] = Decimal(f"{lon:.6f}")
        if region.boundary == geometry and len(changes) == 1:
            unchanged += 1
            continue
        try:
            services.region_update(region=region, changes=changes, by=by)
        except DomainError as exc:
            errors.append(_feature_error(number, exc.message))
            continue
        updated += 1
    if errors:
        transaction.set_rollback(True)
        raise GeoJsonImportError(errors)
    return BoundaryImportResult(updated=updated, unchanged=unchanged, ignored=ignored)


def boundaries_feature_collection(regions=None):
    """The regions' boundaries as a GeoJSON FeatureCollection (what `boundaries_import` reads back)."""
    regions = Region.objects.exclude(boundary=None) if regions is None else regions
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": r.code, "name": r.name, "name_en": r.name_en, "level": r.level},
                "geometry": r.boundary,
            }
            for r in regions
            if r.boundary
        ],
    }


# The demo's boundaries -----------------------------------------------------------------------------


def _clip(polygon, a, b, c):
    """Sutherland–Hodgman: the part of convex `polygon` (list of (x, y)) where a·x + b·y <= c."""
    out = []
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(centres, within):
    """Each centre's Voronoi cell within the convex polygon `within` (a list of (x, y)), as a closed ring.

    Made-up but plausible boundaries for a demo whose real boundary file is not public: each place
    gets the part of its parent's area closer to its centre than to any sibling's. Points are (x, y) =
    (lon, lat); at a county's scale the planar approximation is invisible.
    """
    cells = []
    for i, (px, py) in enumerate(centres):
        cell = list(within)
        for j, (qx, qy) in enumerate(centres):
            if i == j or (px, py) == (qx, qy):
                continue
            # Points closer to p than to q: 2(q-p)·x <= |q|² - |p|².
            cell = _clip(cell, 2 * (qx - px), 2 * (qy - py), qx * qx + qy * qy - px * px - py * py)
            if not cell:
                break
        ring = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in cell]
        cells.append(ring + ring[:1] if ring else [])
    return cells


def demo_outline(lat, lon, points, margin=0.04):
    """A convex octagon around `points` ((lon, lat) pairs) and the centre: the demo county's outline."""
    xs = [p[0] for p in points] + [lon]
    ys = [p[1] for p in points] + [lat]
    x0, x1, y0, y1 = min(xs) - margin, max(xs) + margin, min(ys) - margin, max(ys) + margin
    cx, cy = (x1 - x0) * 0.22, (y1 - y0) * 0.18
    return [
        (x0 + cx, y0),
        (x1 - cx, y0),
        (x1, y0 + cy),
        (x1, y1 - cy),
        (x1 - cx, y1),
        (x0 + cx, y1),
        (x0, y1 - cy),
        (x0, y0 + cy),
    ]


def demo_boundaries(county):
    """A FeatureCollection of made-up boundaries for `county`, its townships and their villages."""
    townships = list(county.children.exclude(centre_lat=None).order_by("code"))
    if not townships or county.centre_lat is None:
        return {"type": "FeatureCollection", "features": []}
    t_centres = [(float(t.centre_lon), float(t.centre_lat)) for t in townships]
    villages = {t.pk: list(t.children.exclude(centre_lat=None).order_by("code")) for t in townships}
    every = t_centres + [(float(v.centre_lon), float(v.centre_lat)) for vs in villages.values() for v in vs]
    outline = demo_outline(float(county.centre_lat), float(county.centre_lon), every)
    closed = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in outline]
    features = [(county, closed + closed[:1])]
    for township, cell in zip(townships, voronoi_cells(t_centres, outline), strict=True):
        features.append((township, cell))
        children = villages[township.pk]
        inner = [(x, y) for x, y in cell[:-1]]
        v_centres = [(float(v.centre_lon), float(v.centre_lat)) for v in children]
        features += list(zip(children, voronoi_cells(v_centres, inner), strict=True))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": region.code, "name": region.name, "simulated": True},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
            for region, ring in features
            if len(ring) >= 4
        ],
    }


def _in_ring(ring, x, y):
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def contains(geometry, lat, lon):
    """Whether the Polygon/MultiPolygon `geometry` holds the point (even-odd rule; holes excluded)."""
    if not geometry:
        return False
    polygons = (
        geometry["coordinates"] if geometry.get("type") == "MultiPolygon" else [geometry["coordinates"]]
    )
    x, y = float(lon), float(lat)
    for rings in polygons:
        if rings and _in_ring(rings[0], x, y) and not any(_in_ring(hole, x, y) for hole in rings[1:]):
            return True
    return False
