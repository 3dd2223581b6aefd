"""The duplicate backtest (重复件回测): replay Open311-style requests in time order and, for every request
staff closed as a duplicate of a named earlier one, rank the candidates the finder would have shown."""

import bisect
import time
from collections import defaultdict

from django.utils.translation import gettext as _

from massline.lib.errors import DomainError

from . import conf
from .similarity import cell_of, metres, neighbour_cells, score, text_vectors
from .tabular import parse_time, read_table

REQUEST_COLUMNS = ("service_request_id", "service_name", "description", "requested_datetime", "lat", "long")
GOLD_COLUMNS = ("service_request_id", "referenced_case_id")
KS = (1, 5, 10)


def _float(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is no place


def _case_id(value):
    value = (value or "").strip()
    return value[:-2] if value.endswith(".0") else value


class ReplayIndex:
    """Earlier requests by place cell (time-ordered lists) and, for those without a place, by category."""

    def __init__(self, radius):
        self.radius = radius
        self.by_cell = defaultdict(list)  # cell -> [(timestamp, index)] in time order
        self.unplaced = defaultdict(list)

    def add(self, i, req):
        if req["lat"] is not None:
            self.by_cell[cell_of(req["lat"], req["lon"], self.radius)].append((req["ts"], i))
        else:
            self.unplaced[req["service"]].append((req["ts"], i))

    def candidates(self, req, since):
        buckets = (
            [self.by_cell.get(c, ()) for c in neighbour_cells(req["lat"], req["lon"], self.radius)]
            if req["lat"] is not None
            else [self.unplaced.get(req["service"], ())]
        )
        for bucket in buckets:
            start = bisect.bisect_left(bucket, (since, -1))
            for _ts, j in bucket[start:]:
                yield j


def duplicates_backtest(requests_path, gold_path, *, days=None, radius=None, limit=10):
    days = conf.duplicate_days() if days is None else days
    radius = conf.duplicate_radius_metres() if radius is None else radius
    table = read_table(requests_path, columns=REQUEST_COLUMNS)
    gold = read_table(gold_path, columns=GOLD_COLUMNS)
    requests = []
    for row in table.rows:
        when = parse_time(row["requested_datetime"])
        if when is None:
            table.skip("unreadable time")
            continue
        lat, lon = _float(row["lat"]), _float(row["long"])
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            lat = lon = None
        requests.append(
            {
                "id": _case_id(row["service_request_id"]),
                "service": row["service_name"].strip(),
                "text": row["description"] or "",
                "ts": when.timestamp(),
                "lat": lat,
                "lon": lon,
            }
        )
    if not requests:
        raise DomainError(_("%(path)s has no request with a readable time.") % {"path": requests_path})
    requests.sort(key=lambda r: r["ts"])
    position = {r["id"]: i for i, r in enumerate(requests)}
    originals = {}
    named = 0
    for row in gold.rows:
        dup, orig = _case_id(row["service_request_id"]), _case_id(row["referenced_case_id"])
        if not orig:
            continue
        named += 1
        if dup in position and orig in position and position[orig] < position[dup]:
            originals[position[dup]] = position[orig]
    vectors = text_vectors([r["text"] for r in requests])
    index = ReplayIndex(radius)
    window = days * 86400
    hits = {k: 0 for k in KS}
    base_hits = {k: 0 for k in KS}
    covered = 0
    candidate_counts = []
    query_seconds = 0.0
    for i, req in enumerate(requests):
        original = originals.get(i)
        if original is not None:
            started = time.perf_counter()
            ranked, by_distance = _rank(requests, vectors, index, i, window, radius, limit)
            query_seconds += time.perf_counter() - started
            candidate_counts.append(len(by_distance))
            if original in by_distance:
                covered += 1
            for k in KS:
                hits[k] += original in ranked[:k]
                base_hits[k] += original in by_distance[:k]
        index.add(i, req)
    answerable = len(originals)
    if not answerable:
        raise DomainError(
            _(
                "None of the %(named)s duplicates named in %(gold)s has its original earlier in "
                "%(requests)s: nothing to measure. Check that both files come from the same system."
            )
            % {"named": named, "gold": gold_path, "requests": requests_path}
        )
    result = {
        "requests": len(requests),
        "duplicates_named": named,
        "answerable": answerable,
        "coverage": round(covered / answerable, 4),
        "window_days": days,
        "radius_metres": radius,
    }
    for k in KS:
        result[f"recall_at_{k}"] = round(hits[k] / answerable, 4)
    result["queries_per_second"] = round(answerable / query_seconds, 1) if query_seconds else None
    result["mean_candidates"] = round(sum(candidate_counts) / answerable, 1)
    for k in KS:
        result[f"baseline_recall_at_{k}"] = round(base_hits[k] / answerable, 4)
    result["rows_skipped"] = {**table.skipped, **{f"gold: {k}": v for k, v in gold.skipped.items()}}
    return result


def _rank(requests, vectors, index, i, window, radius, limit):
    """The finder's ranking and the distance-only ranking of the earlier requests in the window."""
    req = requests[i]
    found = []
    for j in index.candidates(req, req["ts"] - window):
        other = requests[j]
        distance = None
        if req["lat"] is not None:
            distance = metres(req["lat"], req["lon"], other["lat"], other["lon"])
            if distance > radius:
                continue
        found.append((j, distance))
    if not found:
        return [], []
    rows = [j for j, _d in found]
    similarity = (vectors[rows] @ vectors[i].T).toarray().ravel()
    scored = []
    for (j, distance), sim in zip(found, similarity, strict=True):
        other = requests[j]
        scored.append(
            (
                -score(
                    text_similarity=float(sim),
                    distance_metres=distance,
                    age_days=(req["ts"] - other["ts"]) / 86400,
                    same_category=other["service"] == req["service"],
                ),
                j,
            )
        )
    scored.sort()
    ranked = [j for _s, j in scored[:limit]]
    by_distance = [
        j for j, _d in sorted(found, key=lambda f: (f[1] if f[1] is not None else 0, -requests[f[0]]["ts"]))
    ]
    return ranked, by_distance


def table_lines(result):
    lines = [
        _(
            "Duplicate backtest: %(answerable)s answerable duplicates (of %(named)s named) in "
            "%(requests)s requests"
        )
        % {
            "answerable": result["answerable"],
            "named": result["duplicates_named"],
            "requests": result["requests"],
        },
        _("Candidate window: %(days)s days, %(radius)s metres; coverage %(coverage)s")
        % {"days": result["window_days"], "radius": result["radius_metres"], "coverage": result["coverage"]},
        f"{'':20}{_('finder'):>10}{_('distance only'):>16}",
    ]
    for k in KS:
        lines.append(
            f"{'recall_at_' + str(k):20}{result[f'recall_at_{k}']:>10}{result[f'baseline_recall_at_{k}']:>16}"
        )
    lines.append(f"{'queries_per_second':20}{result['queries_per_second']!s:>10}")
    return lines
