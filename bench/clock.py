"""The clock worker at a large centre's scale (PostgreSQL): a table of open demands whose warning
points fall due together, drained by 1, 2 and 4 `clock_tick` worker processes at once.

Per run it prints and records the checks processed per second and the number of demands handled twice
(a warning written twice for one demand: must be 0). The reference beside it, in the same run, is the
database's own ceiling for the bookkeeping: one UPDATE touching each due row once.

    python -m bench.clock [--open 1000000] [--due 400000] [--workers 1,2,4]

The target of a 30-million-a-year centre: a day's checks (about 400,000) drained within 10 minutes.
"""

import argparse
import multiprocessing
import time
from datetime import datetime, timedelta

from bench.common import bench_database_url, setup_django, write_result

T0 = datetime(2026, 3, 2, 9, 0)


def build(open_count):
    """One unit with a handler and a head, a default policy, and `open_count` dispatched demands copied
    from one template row with INSERT … SELECT (the ORM would take many minutes for a million)."""
    from django.db import connection
    from django.utils import timezone

    from massline.cases.choices import CaseStatus, Urgency
    from massline.cases.models import Case, TimeLimitPolicy
    from massline.org.choices import Role
    from massline.org.demo import load_demo
    from massline.org.models import Membership, Region

    load_demo()
    # The demo county's units with a handler: the demands are spread over them by copying below.
    membership = Membership.objects.filter(role=Role.HANDLER, unit__isnull=False).select_related("unit")[0]
    unit, county = membership.unit, Region.objects.filter(level="county").first()
    from massline.cases import categories

    categories.ensure_default_policies()
    TimeLimitPolicy.objects.filter(category=None, urgency=Urgency.NORMAL).update(
        sign_amount=2, warn_at="0.5,0.8"
    )
    start = timezone.make_aware(T0)
    template = Case.objects.create(
        tracking_code="BENCH0000000",
        title="路灯不亮",
        description="小区门口的路灯坏了一周",
        status=CaseStatus.DISPATCHED,
        urgency=Urgency.NORMAL,
        lead_unit=unit,
        region=county,
        received_at=start,
        dispatched_at=start,
        stage_since=start,
        due_sign_at=start + timedelta(hours=2),
        next_check_at=start + timedelta(hours=1),
    )
    unique = ("id", "tracking_code", "public_id")
    columns = [f.column for f in Case._meta.concrete_fields if f.column not in unique]
    listed = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO cases_case (tracking_code, public_id, {listed}) "  # noqa: S608 (model's columns)
            f"SELECT 'B' || lpad(g::text, 11, '0'), 'p' || lpad(g::text, 13, '0'), {listed} "
            "FROM cases_case, generate_series(1, %s) g WHERE cases_case.id = %s",
            [open_count - 1, template.pk],
        )
        cursor.execute("ANALYZE cases_case")
    return template.pk


def reset(due):
    """`due` demands fall due at 10:00 (their 50 % warning point), the rest stay in the future."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cases_caseevent, cases_notification, audit_auditevent RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "UPDATE cases_case SET warnings_fired = 0, is_overdue = false, escalation_level = 0, "
            "next_check_at = CASE WHEN id <= (SELECT min(id) FROM cases_case) + %s - 1 "
            "THEN %s ELSE %s END",
            [due, datetime(2026, 3, 2, 2, 0), datetime(2026, 3, 3, 2, 0)],
        )
        cursor.execute("VACUUM ANALYZE cases_case")


def _worker(database_url, barrier, out):
    import os

    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.utils import timezone

    from massline.cases.services.clock import clock_tick

    barrier.wait()
    began = time.perf_counter()
    acted = clock_tick(now=timezone.make_aware(datetime(2026, 3, 2, 10, 0)))
    out.put((acted, time.perf_counter() - began))


def run(database_url, workers):
    from django.db import connection

    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(workers + 1), context.Queue()
    procs = [context.Process(target=_worker, args=(database_url, barrier, out)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    barrier.wait()
    began = time.perf_counter()
    results = [out.get() for _ in procs]
    wall = time.perf_counter() - began
    for proc in procs:
        proc.join()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT case_id FROM cases_caseevent WHERE kind = 'warning' "
            "GROUP BY case_id HAVING count(*) > 1) twice"
        )
        twice = cursor.fetchone()[0]
        cursor.execute("SELECT count(DISTINCT case_id) FROM cases_caseevent WHERE kind = 'warning'")
        handled = cursor.fetchone()[0]
    acted = sum(r[0] for r in results)
    return {
        "workers": workers,
        "checks": acted,
        "demands_warned": handled,
        "seconds": round(wall, 2),
        "checks_per_second": round(acted / wall, 1) if wall else 0.0,
        "handled_twice": twice,
    }


def reference_update_rate(due):
    """The database's own ceiling for the same bookkeeping: one UPDATE moving the due rows' next check,
    in rows per second (what a worker doing nothing else than touching each row once could reach)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.execute(
            "UPDATE cases_case SET warnings_fired = 1, next_check_at = next_check_at + interval '1 hour' "
            "WHERE next_check_at <= %s",
            [datetime(2026, 3, 2, 2, 0)],
        )
        rows = cursor.rowcount
        seconds = time.perf_counter() - began
        transaction.set_rollback(True)
    return round(rows / seconds, 1) if seconds else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=1_000_000, help="open demands in the table")
    parser.add_argument("--due", type=int, default=400_000, help="demands whose check falls due")
    parser.add_argument("--workers", default="1,2,4", help="worker process counts to run, e.g. 1,2,4")
    args = parser.parse_args()
    database_url = bench_database_url()
    vendor = setup_django(database_url)
    if vendor != "postgresql":
        raise SystemExit("bench.clock needs PostgreSQL (set MASSLINE_BENCH_DATABASE_URL)")
    began = time.perf_counter()
    build(args.open)
    print(f"built {args.open:,} open demands in {time.perf_counter() - began:.0f} s")
    runs = []
    for workers in [int(n) for n in args.workers.split(",")]:
        reset(args.due)
        result = run(database_url, workers)
        runs.append(result)
        print(
            f"{workers} worker(s): {result['checks']:,} checks in {result['seconds']} s = "
            f"{result['checks_per_second']:,} checks/s, handled twice: {result['handled_twice']}"
        )
    reset(args.due)
    reference = reference_update_rate(args.due)
    print(f"reference: one UPDATE of the due rows' bookkeeping: {reference:,} rows/s")
    best = max(runs, key=lambda r: r["checks_per_second"])
    summary = {
        "open_demands": args.open,
        "due": args.due,
        "runs": runs,
        "best_checks_per_second": best["checks_per_second"],
        "minutes_for_400000_checks": round(400_000 / best["checks_per_second"] / 60, 1)
        if best["checks_per_second"]
        else None,
        "handled_twice": sum(r["handled_twice"] for r in runs),
        "reference_update_rows_per_second": reference,
        "ratio_to_reference": round(best["checks_per_second"] / reference, 4) if reference else None,
    }
    write_result("clock", summary)


if __name__ == "__main__":
    main()
