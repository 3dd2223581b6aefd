"""The dispatcher's queue page with 100,000 demands (PostgreSQL): the selector alone, the whole page in
process (Django's test client: queries per page), and the page from a real gunicorn server with a logged-in
dispatcher (p50/p99 over N requests).

The demands are the demo county's: real titles (Teddy messages), the demo categories, units and villages,
statuses as in a working centre (most closed, a few thousand open, some overdue and returned), received
over two years; bulk-created in batches.

    python -m bench.queue_page [--demands 100000] [--requests 200]
"""

import argparse
import csv
import os
import random
import time
from datetime import timedelta
from pathlib import Path

from bench.common import ROOT, bench_database_url, setup_django, summary_ms, write_result

TEXTS = Path(os.environ.get("MASSLINE_DATA_DIR", ROOT.parent / "shared" / "data")) / "teddy2020c"
BATCH = 5000
# Status mix of a working centre's table (shares).
STATUS_MIX = (
    ("closed", 0.80),
    ("replied", 0.08),
    ("in_progress", 0.06),
    ("dispatched", 0.025),
    ("received", 0.025),
    ("arbitration", 0.005),
    ("in_progress_overdue", 0.005),
)


def titles():
    out = []
    for name in ("test_messages_unlabelled.csv", "attachment3_messages_with_votes.csv"):
        with open(TEXTS / name, encoding="utf-8-sig", newline="") as handle:
            out += [
                (row["留言主题"].strip()[:200], " ".join(row["留言详情"].split())[:300])
                for row in csv.DictReader(handle)
            ]
    return out


def generate(count, seed=12345):
    from django.utils import timezone

    from massline.cases.choices import CaseStatus
    from massline.cases.models import Case, Category
    from massline.org.models import Region, Unit

    rng = random.Random(seed)
    texts = titles()
    leaves = list(Category.objects.filter(code__startswith="zh-", parent__parent__isnull=False))
    units = list(Unit.objects.filter(kind__in=["department", "township_government", "public_service"]))
    villages = list(Region.objects.filter(level="village", code__startswith="430199"))
    statuses, weights = zip(*STATUS_MIX, strict=True)
    now = timezone.now()
    started = time.perf_counter()
    made = 0
    while made < count:
        batch = []
        for n in range(min(BATCH, count - made)):
            index = made + n
            title, description = texts[index % len(texts)]
            state = rng.choices(statuses, weights)[0]
            status = CaseStatus.IN_PROGRESS if state == "in_progress_overdue" else state
            received = now - timedelta(minutes=rng.randint(10, 2 * 365 * 24 * 60))
            unit = rng.choice(units) if status != CaseStatus.RECEIVED else None
            closed = status in (CaseStatus.REPLIED, CaseStatus.CLOSED)
            batch.append(
                Case(
                    tracking_code=f"B{index:09d}",
                    type="help",
                    title=title,
                    description=description,
                    public_summary=description[:200],
                    category=rng.choice(leaves),
                    region=rng.choice(villages),
                    is_public=rng.random() < 0.7,
                    status=status,
                    lead_unit=unit,
                    first_unit=unit,
                    received_at=received,
                    due_reply_at=received + timedelta(days=9),
                    replied_at=received + timedelta(days=rng.randint(1, 12)) if closed else None,
                    closed_at=received + timedelta(days=13) if status == CaseStatus.CLOSED else None,
                    is_overdue=state == "in_progress_overdue",
                    source="bench",
                    source_ref=str(index),
                )
            )
        Case.objects.bulk_create(batch)
        made += len(batch)
    seconds = time.perf_counter() - started
    return {"demands": made, "seconds": round(seconds, 1), "rows_per_second": round(made / seconds)}


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
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    from bench.intake import own_postgres_database

    url = own_postgres_database("queue") or bench_database_url()
    vendor = setup_django(url)
    import requests
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.intake import gunicorn_server  # noqa: I001 (after Django is set up)
    from massline.cases import categories
    from massline.cases.selectors import QueueFilter, dispatcher_queue
    from massline.org.demo import load_demo
    from massline.org.models import User

    load_demo()
    categories.load_taxonomy_csv()
    categories.ensure_default_policies()
    generated = generate(args.demands)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    dispatcher = User.objects.get(username="dispatcher")

    def first_page():
        page = dispatcher_queue(user=dispatcher, page=1)
        return [case.lead_unit for case in page.object_list], page.paginator.count

    def overdue_page():
        page = dispatcher_queue(user=dispatcher, filters=QueueFilter(overdue=True), page=1)
        return list(page.object_list)

    def deep_page():
        page = dispatcher_queue(user=dispatcher, page=60)
        return list(page.object_list)

    open_count = first_page()[1]
    selector = {
        "first_page": timed(first_page, 30),
        "overdue_filter": timed(overdue_page, 30),
        "page_60": timed(deep_page, 30),
    }
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(dispatcher)
    path = reverse("cases_staff:queue")
    # Counted with an execute wrapper: the test client's request_started signal clears the debug log.
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    in_process = timed(lambda: client.get(path), 30)

    session_id = client.cookies["sessionid"].value
    with gunicorn_server(url, workers=2, check_path="/") as base:
        session = requests.Session()
        session.cookies.set("sessionid", session_id)
        first = session.get(base + path, timeout=30)
        assert first.status_code == 200 and "login" not in first.url, first.status_code
        latencies = []
        for _n in range(args.requests):
            t0 = time.perf_counter()
            reply = session.get(base + path, timeout=30)
            latencies.append(time.perf_counter() - t0)
            assert reply.status_code == 200
        http = {"requests": args.requests, **summary_ms(latencies), "bytes": len(first.content)}

    result = {
        "benchmark": "queue_page",
        "vendor": vendor,
        "demands": args.demands,
        "open_in_dispatcher_queue": open_count,
        "generated": generated,
        "selector_ms": selector,
        "page_in_process_ms": in_process,
        "queries_per_page": len(queries),
        "http_gunicorn_2_workers": http,
        "cpu_count": os.cpu_count(),
    }
    print(
        f"queue page, {args.demands} demands on {vendor} ({open_count} in the queue): selector p50 "
        f"{selector['first_page']['p50_ms']} ms, page p50 {http['p50_ms']} ms p99 {http['p99_ms']} ms over "
        f"{args.requests} requests, {len(queries)} queries per page"
    )
    write_result("queue_page", result)


if __name__ == "__main__":
    main()
