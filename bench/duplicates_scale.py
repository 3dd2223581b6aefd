"""The duplicate finder at a large centre's scale (PostgreSQL): 1,000,000+ demands over two years in one
city, with their place index, and the latency of one candidate search as intake asks it (the finder's
`find_similar`, scoped to what a dispatcher may see) beside a reference in the same run: the naive search
of the same window and box straight on the demands table (what a finder without the place index does).

    python -m bench.duplicates_scale [--demands 1000000] [--queries 300] [--naive-queries 30]

Prints p50/p99 milliseconds of both and writes bench/results/duplicates_scale.json. Set
MASSLINE_BENCH_DATABASE_URL to use another database than a fresh `massline_bench`.
"""

import argparse
import io
import random
import time
from datetime import datetime, timedelta

from bench.common import bench_database_url, percentile, setup_django, write_result

T0 = datetime(2025, 1, 1, 8, 0)
DAYS = 730
# A city of about 30 × 30 km around (30.0, 120.0): 1,000,000 demands over two years put ~1,400 demands a
# day, ~40 a day in a dense 250 m cell (the finder's cell) near the centre.
LAT0, LON0, SPAN = 30.0, 120.0, 0.27
PHRASES = [
    "路灯不亮",
    "夜间施工噪音扰民",
    "小区停水",
    "垃圾清运不及时",
    "占道经营",
    "井盖缺失",
    "违章停车",
    "下水道堵塞",
]


def build(count):
    """`count` demands copied from one template row with INSERT … SELECT (places, times, titles and
    categories varied by the row number), then their PlaceKey rows computed by the finder's own cell
    function and written with COPY."""
    from django.db import connection
    from django.utils import timezone

    from massline.cases.choices import CaseStatus, Urgency
    from massline.cases.models import Case, Category
    from massline.org.demo import load_demo
    from massline.org.models import Region
    from massline.routing.services import place_cells

    load_demo()
    county = Region.objects.filter(level="county").first()
    cats = [
        Category.objects.get_or_create(code=f"bench{i}", defaults={"name": p})[0]
        for i, p in enumerate(PHRASES)
    ]
    start = timezone.make_aware(T0)
    template = Case.objects.create(
        tracking_code="DUPB00000000",
        title=PHRASES[0],
        description="小区门口的问题一周了没人管",
        status=CaseStatus.RECEIVED,
        urgency=Urgency.NORMAL,
        region=county,
        received_at=start,
        lat=LAT0,
        lon=LON0,
        category=cats[0],
    )
    varied = {
        # Denser towards the south-west corner (a city centre), spread to the edges.
        "lat": f"{LAT0} + (((g::bigint * 7919) %% 100000) / 100000.0) * {SPAN}"
        " * power(((g::bigint * 104729) %% 1000) / 1000.0, 1.5)",
        "lon": f"{LON0} + (((g::bigint * 6007) %% 100000) / 100000.0 - 0.5) * {SPAN}",
        "received_at": f"received_at + (g * interval '{DAYS * 86400.0 / count} seconds')",
        "title": "(ARRAY[" + ",".join(f"'{p}'" for p in PHRASES) + "])[1 + g %% 8] || ' ' || (g %% 97)::text",
        "category_id": "(ARRAY[" + ",".join(str(c.pk) for c in cats) + "])[1 + g %% 8]",
    }
    unique = ("id", "tracking_code", "public_id")
    columns = [f.column for f in Case._meta.concrete_fields if f.column not in unique]
    listed = ", ".join(columns)
    selected = ", ".join(varied.get(c, c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO cases_case (tracking_code, public_id, {listed}) "  # noqa: S608 (model's columns)
            f"SELECT 'D' || lpad(g::text, 11, '0'), 'd' || lpad(g::text, 13, '0'), {selected} "
            "FROM cases_case, generate_series(1, %s) g WHERE cases_case.id = %s",
            [count - 1, template.pk],
        )
        cursor.execute("SELECT id, lat, lon, region_id, received_at, category_id FROM cases_case")
        buffer, null = io.StringIO(), "\\N"
        for pk, lat, lon, region, at, cat in cursor.fetchall():
            for cell in place_cells(lat=lat, lon=lon, region_id=region) or ["-"]:
                buffer.write(f"{pk}\t{cell}\t{at.isoformat()}\t{null if cat is None else cat}\n")
        buffer.seek(0)
        raw = connection.connection
        with raw.cursor().copy(
            "COPY routing_placekey (case_id, cell, received_at, category_id) FROM STDIN"
        ) as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE routing_placekey")


def naive(case, since, radius):
    """The reference: every demand of the window inside the box around the place, read from cases_case
    (no place index), then the same distance filter."""
    from massline.cases.models import Case
    from massline.routing.similarity import metres

    lat0, lon0 = float(case.lat), float(case.lon)
    dlat = radius / 111_320.0
    dlon = dlat / 0.86
    rows = Case.objects.filter(
        received_at__gte=since,
        received_at__lte=case.received_at,
        lat__gte=lat0 - dlat,
        lat__lte=lat0 + dlat,
        lon__gte=lon0 - dlon,
        lon__lte=lon0 + dlon,
        duplicate_of__isnull=True,
    ).values_list("pk", "lat", "lon")
    return [pk for pk, lat, lon in rows if metres(lat0, lon0, float(lat), float(lon)) <= radius]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--naive-queries", type=int, default=30)
    args = parser.parse_args()
    vendor = setup_django(bench_database_url())
    if vendor != "postgresql":
        raise SystemExit("bench.duplicates_scale needs PostgreSQL (set MASSLINE_BENCH_DATABASE_URL)")
    from django.db import connection

    from massline.cases.models import Case
    from massline.cases.selectors import cases_for_user
    from massline.org.choices import Role
    from massline.org.models import Membership
    from massline.routing import conf
    from massline.routing.finder import find_similar

    began = time.perf_counter()
    build(args.demands)
    print(
        f"built {args.demands:,} demands and their place index in {time.perf_counter() - began:.0f} s",
        flush=True,
    )
    dispatcher = Membership.objects.filter(role=Role.DISPATCHER).select_related("user").first().user
    scope = cases_for_user(dispatcher)
    rng = random.Random(12)  # noqa: S311 - a reproducible sample
    top = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
    # Queries from the second year (a full 30-day window behind each), as intake asks for a new demand.
    sample = [rng.randint(top // 2, top) for _ in range(args.queries)]
    cases = {c.pk: c for c in Case.objects.filter(pk__in=sample)}
    finder_s, found = [], []
    for pk in sample:
        case = cases.get(pk)
        if case is None:
            continue
        t = time.perf_counter()
        hits = find_similar(
            title=case.title,
            description=case.description,
            lat=case.lat,
            lon=case.lon,
            region_id=case.region_id,
            category_id=case.category_id,
            now=case.received_at,
            exclude_pk=case.pk,
            within=scope,
        )
        finder_s.append(time.perf_counter() - t)
        found.append(len(hits))
    naive_s, naive_n = [], []
    since_days = timedelta(days=conf.duplicate_days())
    for pk in sample[: args.naive_queries]:
        case = cases.get(pk)
        if case is None:
            continue
        t = time.perf_counter()
        naive_n.append(len(naive(case, case.received_at - since_days, conf.duplicate_radius_metres())))
        naive_s.append(time.perf_counter() - t)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM routing_placekey")
        keys = cursor.fetchone()[0]
    summary = {
        "demands": args.demands,
        "place_keys": keys,
        "queries": len(finder_s),
        "finder_p50_ms": round(percentile(finder_s, 0.5) * 1000, 2),
        "finder_p99_ms": round(percentile(finder_s, 0.99) * 1000, 2),
        "finder_mean_results": round(sum(found) / len(found), 2) if found else 0,
        "naive_queries": len(naive_s),
        "naive_p50_ms": round(percentile(naive_s, 0.5) * 1000, 2),
        "naive_p99_ms": round(percentile(naive_s, 0.99) * 1000, 2),
        "naive_mean_in_radius": round(sum(naive_n) / len(naive_n), 2) if naive_n else 0,
    }
    print(
        f"finder: p50 {summary['finder_p50_ms']} ms, p99 {summary['finder_p99_ms']} ms "
        f"over {len(finder_s)} queries "
        f"({summary['finder_mean_results']} shown on average); naive scan: p50 {summary['naive_p50_ms']} ms, "
        f"p99 {summary['naive_p99_ms']} ms "
        f"({summary['naive_mean_in_radius']} demands in the radius on average)"
    )
    write_result("duplicates_scale", summary)


if __name__ == "__main__":
    main()
