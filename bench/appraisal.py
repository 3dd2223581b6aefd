"""Appraisal's pages with the demo county plus many generated demands (PostgreSQL): the worker's refresh
of facts and rollups, then each page's server time in process (Django's test client), p50/p99, beside a
reference measured in the same run (the staff home page: the framework's own floor for a logged-in page).

The demands are shaped like a working centre's (bench.queue_page.generate: real titles, demo categories,
units, villages, two years of receipt times). A base of at most `--base` demands is created through the
ORM, given signing times and ratings, and turned into facts by the real `services.facts_refresh`; on
PostgreSQL the rest is copied from that base with INSERT … SELECT over generate_series (demands and their
fact rows, each copy keeping its original's times, unit, category and region), because the ORM would take
hours for a million. The rollups are then rebuilt by the real `services.rollups_rebuild`, and one worker
round (`tasks.appraisal_round`) is timed after 1,000 demands change.

    python -m bench.appraisal [--demands 1000000] [--base 20000] [--requests 30] [--reuse]
    make bench APPRAISAL_BENCH_ARGS="--demands 20000"   # the quick run

`--reuse` keeps an already loaded database (MASSLINE_BENCH_DATABASE_URL) and only measures the pages.
"""

import argparse
import os
import time

from bench.common import setup_django, summary_ms, write_result

PAGES = (
    "reference_staff_home",
    "leadership",
    "leadership_centre_dispatcher",
    "unit",
    "unit_head_own_unit",
    "rankings",
    "bottom_list_demands",
    "drill_down_total",
    "public",
    "drill_down_public",
    "report_xlsx",
    "report_pdf",
)


def rate_a_share():
    """Signing times, phone return visits and ratings for a deterministic share of the generated demands."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET dispatched_at = received_at, "
            "due_sign_at = received_at + interval '2 hours', "
            "signed_at = received_at + (id % 4) * interval '1 hour' "
            "WHERE source = 'bench' AND lead_unit_id IS NOT NULL"
        )
        cursor.execute(
            "UPDATE cases_case SET satisfaction = CASE id % 10 WHEN 0 THEN 'unsatisfied' WHEN 1 THEN 'basic' "
            "WHEN 2 THEN 'basic' ELSE 'satisfied' END, resolved = (id % 10 <> 0), rated_at = replied_at "
            "WHERE source = 'bench' AND status = 'closed' AND id % 5 <> 0"
        )
        cursor.execute(
            "UPDATE cases_case SET satisfaction = 'not_rated' WHERE source = 'bench' AND status = 'closed' "
            "AND id % 5 = 0"
        )


def copy_base(total):
    """Copy the base demands (source 'bench') until the table holds `total` generated demands, with their
    fact rows: INSERT … SELECT over generate_series, the copy's source_ref naming its original."""
    from django.db import connection

    from massline.appraisal.models import DemandFact
    from massline.cases.models import Case

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case WHERE source = 'bench'")
        base = cursor.fetchone()[0]
        missing = total - base
        if missing <= 0 or not base:
            return 0
        copies = -(-missing // base)
        unique = ("id", "tracking_code", "public_id", "source", "source_ref")
        columns = [f.column for f in Case._meta.concrete_fields if f.column not in unique]
        listed = ", ".join(columns)
        from_base = ", ".join(f"c.{c}" for c in columns)
        cursor.execute(
            f"INSERT INTO cases_case (tracking_code, public_id, source, source_ref, {listed}) "  # noqa: S608
            f"SELECT 'K' || lpad(g::text, 3, '0') || lpad(c.id::text, 9, '0'), "
            f"'q' || lpad(g::text, 3, '0') || lpad(c.id::text, 9, '0'), 'bench-copy', g || ':' || c.id, "
            f"{from_base} FROM generate_series(1, %s) g CROSS JOIN cases_case c WHERE c.source = 'bench' "
            "ORDER BY g, c.id LIMIT %s",
            [copies, missing],
        )
        copied = cursor.rowcount
        fact_columns = [f.column for f in DemandFact._meta.concrete_fields if f.column != "case_id"]
        facts = ", ".join(fact_columns)
        cursor.execute(
            f"INSERT INTO appraisal_demandfact (case_id, {facts}) "  # noqa: S608 (the model's columns)
            f"SELECT k.id, {', '.join('f.' + c for c in fact_columns)} FROM cases_case k "
            "JOIN appraisal_demandfact f ON f.case_id = split_part(k.source_ref, ':', 2)::bigint "
            "WHERE k.source = 'bench-copy'"
        )
        cursor.execute("VACUUM ANALYZE cases_case")
        cursor.execute("VACUUM ANALYZE appraisal_demandfact")
    return copied


def timed(function, repeat):
    latencies = []
    for _n in range(repeat):
        t0 = time.perf_counter()
        function()
        latencies.append(time.perf_counter() - t0)
    return summary_ms(latencies)


def fresh_database():
    """MASSLINE_BENCH_DATABASE_URL (recreated unless --reuse), else a database of this benchmark's own."""
    from bench.common import bench_database_url
    from bench.intake import own_postgres_database

    return own_postgres_database("appraisal") or bench_database_url()


def load(args, vendor):
    from django.db import connection

    from bench.queue_page import generate  # noqa: I001 (after Django is set up)
    from massline.appraisal import services
    from massline.cases import categories
    from massline.cases.models import Case
    from massline.org.demo import load_demo

    figures = {}
    load_demo()
    categories.load_taxonomy_csv()
    categories.ensure_default_policies()
    base = min(args.demands, args.base) if vendor == "postgresql" else args.demands
    figures["generated"] = generate(base)
    if vendor == "postgresql":
        rate_a_share()
    t0 = time.perf_counter()
    services.facts_refresh(cases=Case.objects.filter(source="bench"))
    figures["facts_refresh_base_seconds"] = round(time.perf_counter() - t0, 1)
    figures["facts_per_second"] = round(base / (time.perf_counter() - t0))
    if vendor == "postgresql":
        t0 = time.perf_counter()
        figures["copied"] = copy_base(args.demands)
        figures["copy_seconds"] = round(time.perf_counter() - t0, 1)
    # The demo's own demands (a few hundred) through the real refresh, then every month's rollups.
    services.facts_refresh(cases=Case.objects.exclude(source__in=["bench", "bench-copy"]))
    t0 = time.perf_counter()
    figures["rollup_rows_written"] = services.rollups_rebuild(months=services.all_fact_months())
    figures["rollups_rebuild_seconds"] = round(time.perf_counter() - t0, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return figures


def worker_round():
    """One worker round after 1,000 demands of the latest month changed (an incremental refresh)."""
    from django.db.models import F
    from django.utils import timezone

    from massline.appraisal import tasks
    from massline.cases.models import Case

    tasks._STATE["since"] = timezone.now()
    ids = list(
        Case.objects.filter(source="bench-copy").order_by("-received_at").values_list("pk", flat=True)[:1000]
    )
    Case.objects.filter(pk__in=ids).update(updated_at=timezone.now(), reopen_count=F("reopen_count"))
    t0 = time.perf_counter()
    rows = tasks.appraisal_round()
    return {"changed": len(ids), "rollup_rows_written": rows, "seconds": round(time.perf_counter() - t0, 2)}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demands", type=int, default=1_000_000, help="demands in all (quick: 20000)")
    parser.add_argument("--base", type=int, default=20_000, help="demands made through the ORM, then copied")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="measure an already loaded database")
    args = parser.parse_args()

    url = os.environ.get("MASSLINE_BENCH_DATABASE_URL") if args.reuse else None
    if url is None and os.environ.get("MASSLINE_BENCH_DATABASE_URL", "").startswith("postgres"):
        import psycopg

        url = os.environ["MASSLINE_BENCH_DATABASE_URL"]
        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
    url = url or fresh_database()
    vendor = setup_django(url)
    from django.test import Client
    from django.urls import reverse

    from massline.appraisal import selectors, services  # noqa: I001 (after Django is set up)
    from massline.appraisal.models import DemandFact, MonthlyFigures, Ranking
    from massline.org.models import Membership, Unit, User

    loaded = {} if args.reuse and DemandFact.objects.exists() else load(args, vendor)
    supervisor = User.objects.get(username="supervisor")
    month = selectors.latest_month()
    previous = [m for m in selectors.months_with_data() if m < month][0]
    ranking = Ranking.objects.filter(month=previous).first()
    if ranking is None or not ranking.is_published:
        ranking = services.ranking_compute(month=previous, by=supervisor)
        services.ranking_publish(ranking=ranking, by=supervisor)
    unit = Unit.objects.get(pk=ranking.rows.order_by("-volume").first().unit_id)
    bottom = (
        ranking.rows.filter(group__gt=0, score__isnull=False).order_by("score").first()
        or ranking.rows.first()
    )
    head = Membership.objects.filter(role="unit_head").select_related("user", "unit").first()

    def client_for(user=None):
        client = Client(HTTP_HOST="127.0.0.1")
        if user is not None:
            client.force_login(user)
        return client

    staff, public = client_for(supervisor), client_for()
    dispatcher = client_for(User.objects.get(username="dispatcher"))
    unit_head = client_for(head.user)
    m = f"{previous:%Y-%m}"
    drill = reverse("appraisal_staff:demands")
    urls = {
        "reference_staff_home": (staff, reverse("web:staff_home")),
        "leadership": (staff, reverse("appraisal_staff:dashboard") + f"?month={m}"),
        "leadership_centre_dispatcher": (dispatcher, reverse("appraisal_staff:dashboard") + f"?month={m}"),
        "unit": (staff, reverse("appraisal_staff:unit", args=[unit.pk]) + f"?month={m}"),
        "unit_head_own_unit": (
            unit_head,
            reverse("appraisal_staff:unit", args=[head.unit_id]) + f"?month={m}",
        ),
        "rankings": (staff, reverse("appraisal_staff:rankings")),
        "bottom_list_demands": (
            staff,
            drill + f"?month={m}&dimension=unit&key={bottom.unit_id}&metric=satisfaction_rate&part=numerator",
        ),
        "drill_down_total": (staff, drill + f"?month={m}&dimension=total&key=0&metric=response_rate"),
        "public": (public, reverse("appraisal:index")),
        "drill_down_public": (
            public,
            reverse("appraisal:demands")
            + f"?month={m}&dimension=unit&key={unit.pk}&metric=satisfaction_rate",
        ),
        "report_xlsx": (staff, reverse("appraisal_staff:report", args=[m, "xlsx"])),
        "report_pdf": (staff, reverse("appraisal_staff:report", args=[m, "pdf"])),
    }
    # What massline/wsgi.py does before a server process serves (the start-up objects out of the collector).
    from massline.lib.startup import freeze_startup_objects

    freeze_startup_objects()
    pages = {}
    for name in PAGES:
        client, path = urls[name]
        response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        pages[name] = timed(lambda client=client, path=path: client.get(path), args.requests)
        print(
            f"  {name:30} p50 {pages[name]['p50_ms']:8.1f} ms  p99 {pages[name]['p99_ms']:8.1f} ms",
            flush=True,
        )
    round_figures = worker_round() if vendor == "postgresql" else None
    target_ms = 300
    result = {
        "benchmark": "appraisal",
        "vendor": vendor,
        "demands": DemandFact.objects.count(),
        "load": loaded,
        "rollup_rows": MonthlyFigures.objects.count(),
        "month": m,
        "pages_in_process_ms": pages,
        "over_300_ms_at_p99": [n for n, f in pages.items() if f["p99_ms"] > target_ms],
        "worker_round": round_figures,
        "requests_per_page": args.requests,
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
    }
    print(
        f"appraisal, {result['demands']:,} demand facts on {vendor}; load {loaded}; worker round "
        f"{round_figures}; pages over 300 ms at p99: {result['over_300_ms_at_p99'] or 'none'}"
    )
    write_result("appraisal", result)


if __name__ == "__main__":
    main()
