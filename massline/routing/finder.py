"""The duplicate finder (重复件查找) over the live demands: candidates come from the place index (cell and
time, one index range scan per cell), never from a scan of all demands, and are ranked by text, distance,
age and category."""

from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from massline.cases.choices import CaseStatus
from massline.cases.models import Case

from . import conf
from .models import PlaceKey
from .services import place_cells
from .similarity import metres, neighbour_cells, score, text_vectors

# At most this many candidates are scored per query, the newest first: a dense place in a busy month
# still answers in milliseconds.
MAX_CANDIDATES = 400
REGION_CANDIDATES = 100
_FIELDS = ("pk", "title", "description", "lat", "lon", "received_at", "category_id", "status")


def _cells(lat, lon, region_id):
    """(grid cells around the place, the region's cell): read apart, so that a busy region (every demand of a
    county shares its cell) cannot crowd the nearby demands out of the candidates."""
    grid = []
    if lat is not None and lon is not None:
        grid = [f"g:{b}:{c}" for b, c in neighbour_cells(float(lat), float(lon))]
    return grid, place_cells(lat=None, lon=None, region_id=region_id)


def _indexed(cells, since, now, limit):
    if not cells:
        return []
    return list(
        PlaceKey.objects.filter(cell__in=cells, received_at__gte=since, received_at__lte=now)
        .order_by("-received_at")
        .values_list("case_id", flat=True)[:limit]
    )


def find_similar(
    *,
    title,
    description,
    lat=None,
    lon=None,
    region_id=None,
    category_id=None,
    now=None,
    exclude_pk=None,
    within=None,
    limit=None,
    min_score=None,
):
    """Earlier demands that may be the same problem: [(score, case_values_dict, metres or None)], best first.

    `within` is an optional Case queryset that scopes the candidates (what the asking user may see)."""
    now = now or timezone.now()
    since = now - timedelta(days=conf.duplicate_days())
    limit = conf.duplicate_limit() if limit is None else limit
    min_score = conf.duplicate_min_score() if min_score is None else min_score
    grid, region = _cells(lat, lon, region_id)
    if not grid and not region:
        return []
    # With coordinates, the region adds only a few of its newest demands (those without coordinates are
    # found there alone); without, the region is all there is.
    ids = _indexed(grid, since, now, MAX_CANDIDATES) + _indexed(
        region, since, now, REGION_CANDIDATES if grid else MAX_CANDIDATES
    )
    # Demands received since the worker last indexed are looked at directly (a short tail by primary key).
    last = PlaceKey.objects.aggregate(m=Max("case_id"))["m"] or 0
    tail = Case.objects.filter(pk__gt=last, received_at__gte=since)
    qs = Case.objects.filter(pk__in=ids) | tail
    qs = qs.filter(duplicate_of__isnull=True).exclude(status=CaseStatus.CLOSED, closed_at__lt=since)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if within is not None:
        # AND-ed into this query's WHERE, not `pk IN (SELECT … within)`: that sub-select read every demand
        # the user may see (a sequential scan of the whole table at a million demands).
        qs = qs & within
    rows = list(qs.values(*_FIELDS)[:MAX_CANDIDATES])
    radius = conf.duplicate_radius_metres()
    kept = []
    for row in rows:
        distance = None
        if lat is not None and lon is not None and row["lat"] is not None and row["lon"] is not None:
            distance = metres(float(lat), float(lon), float(row["lat"]), float(row["lon"]))
            if distance > radius:
                continue
        kept.append((row, distance))
    if not kept:
        return []
    vectors = text_vectors(
        [f"{title} {description}"] + [f"{r['title']} {r['description']}" for r, _d in kept]
    )
    similarity = (vectors[1:] @ vectors[0].T).toarray().ravel()
    ranked = []
    for (row, distance), sim in zip(kept, similarity, strict=True):
        value = score(
            text_similarity=float(sim),
            distance_metres=distance,
            age_days=max(0.0, (now - row["received_at"]).total_seconds() / 86400),
            same_category=category_id is not None and row["category_id"] == category_id,
        )
        if value >= min_score:
            ranked.append((round(value, 3), row, distance))
    ranked.sort(key=lambda r: (-r[0], -r[1]["received_at"].timestamp()))
    return ranked[:limit]
