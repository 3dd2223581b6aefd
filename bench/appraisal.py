"""Appraisal's pages with the demo county plus many generated demands (PostgreSQL): the worker's refresh
of facts and rollups, then each page's server time in process (Django's test client), p50/p99.

The generated demands are shaped like a working centre's (bench.queue_page.generate: real titles, demo
categories, units, villages, two years of receipt times); a share is given signing times and ratings with
one UPDATE each, so every rate has something to count.

    python -m bench.appraisal [--demands 100000] [--requests 50]
"""

import argparse
import os
import time

from bench.common import bench_database_url, setup_django, summary_ms, write_result

PAGES = ("leadership", "unit", "public", "drill_down_staff", "drill_down_public")


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


def timed(function, repeat):
    latencies = []
    for _n in range(repeat):
        t0 = time.perf_counter()
        function()
        latencies.append(time.perf_counter() - t0)
    return summary_ms(latencies)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demands", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    from bench.intake import own_postgres_database

    url = own_postgres_database("appraisal") or bench_database_url()
    vendor = setup_django(url)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.queue_page import generate  # noqa: I001 (after Django is set up)
    from massline.appraisal import selectors, services
    from massline.appraisal.models import DemandFact, MonthlyFigures
    from massline.cases import categories
    from massline.org.demo import load_demo
    from massline.org.models import Unit, User

    load_demo()
    categories.load_taxonomy_csv()
    categories.ensure_default_policies()
    generated = generate(args.demands)
    if vendor == "postgresql":
        rate_a_share()
    t0 = time.perf_counter()
    rollup_rows = services.appraisal_refresh()
    refresh_seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    supervisor = User.objects.get(username="supervisor")
    month = selectors.latest_month()
    previous = [m for m in selectors.months_with_data() if m < month][0]
    ranking = services.ranking_compute(month=previous, by=supervisor)
    services.ranking_publish(ranking=ranking, by=supervisor)
    unit = Unit.objects.get(pk=ranking.rows.order_by("-volume").first().unit_id)

    staff = Client(HTTP_HOST="127.0.0.1")
    staff.force_login(supervisor)
    public = Client(HTTP_HOST="127.0.0.1")
    m = f"{previous:%Y-%m}"
    urls = {
        "leadership": (staff, reverse("appraisal_staff:dashboard") + f"?month={m}"),
        "unit": (staff, reverse("appraisal_staff:unit", args=[unit.pk]) + f"?month={m}"),
        "public": (public, reverse("appraisal:index")),
        "drill_down_staff": (
            staff,
            reverse("appraisal_staff:demands")
            + f"?month={m}&dimension=unit&key={unit.pk}&metric=satisfaction_rate",
        ),
        "drill_down_public": (
            public,
            reverse("appraisal:demands")
            + f"?month={m}&dimension=unit&key={unit.pk}&metric=satisfaction_rate",
        ),
    }
    pages = {}
    for name in PAGES:
        client, path = urls[name]
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = timed(lambda client=client, path=path: client.get(path), args.requests)
    result = {
        "benchmark": "appraisal",
        "vendor": vendor,
        "demands": args.demands,
        "generated": generated,
        "facts": DemandFact.objects.count(),
        "rollup_rows": MonthlyFigures.objects.count(),
        "refresh_seconds": round(refresh_seconds, 1),
        "rollup_rows_written": rollup_rows,
        "month": m,
        "pages_in_process_ms": pages,
        "requests_per_page": args.requests,
        "cpu_count": os.cpu_count(),
    }
    print(
        f"appraisal, {args.demands} demands on {vendor}: refresh {refresh_seconds:.0f} s; "
        + "; ".join(f"{name} p50 {f['p50_ms']} ms p99 {f['p99_ms']} ms" for name, f in pages.items())
    )
    write_result("appraisal", result)


if __name__ == "__main__":
    main()
