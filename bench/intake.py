"""Intake throughput: demands created per second through the service layer (`case_submit`) and through HTTP
(the public form, POSTed to a real gunicorn server), on SQLite and on PostgreSQL, beside a reference of raw
single-row INSERTs (autocommit) into a table shaped like cases_case, so the cost of the layers shows.

Texts are real messages (Teddy test set). Each HTTP submission GETs the form first (CSRF token and
idempotency key, as a browser does) and comes from its own client address (X-Forwarded-For behind a
trusted proxy), so the per-address rate limit of the public form is not what is measured.

    python -m bench.intake [--service 400] [--http 300] [--clients 4] [--databases sqlite,postgres]
"""

import argparse
import csv
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from bench.common import ROOT, setup_django, summary_ms, write_result

MARKER = "BENCH-INTAKE-RESULT "
TEXTS = Path(os.environ.get("MASSLINE_DATA_DIR", ROOT.parent / "shared" / "data")) / "teddy2020c"


def real_texts(count):
    with open(TEXTS / "test_messages_unlabelled.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [row for _n, row in zip(range(count), csv.DictReader(handle), strict=False)]
    return [(row["留言主题"].strip()[:200], " ".join(row["留言详情"].split())[:2000]) for row in rows]


def rate(count, seconds, latencies):
    return {
        "demands": count,
        "seconds": round(seconds, 3),
        "per_second": round(count / seconds, 1) if seconds else 0.0,
        **summary_ms(latencies),
    }


def bench_service(texts):
    from massline.cases.services.intake import case_submit

    latencies = []
    started = time.perf_counter()
    for index, (title, description) in enumerate(texts):
        t0 = time.perf_counter()
        case_submit(
            type="help",
            title=title,
            description=description,
            channel="web",
            is_public=index % 2 == 0,
            idempotency_key=f"bench-service-{index}",
        )
        latencies.append(time.perf_counter() - t0)
    return rate(len(texts), time.perf_counter() - started, latencies)


def bench_reference(texts, vendor):
    """Single-row INSERTs in autocommit into a table with the columns a new demand fills."""
    from django.db import connection
    from django.utils import timezone

    key = "BIGSERIAL PRIMARY KEY" if vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_case_reference")
        cursor.execute(
            f"CREATE TABLE bench_case_reference (id {key}, tracking_code VARCHAR(16) UNIQUE NOT NULL, "  # noqa: S608
            "idempotency_key VARCHAR(100) UNIQUE, type VARCHAR(20) NOT NULL, title VARCHAR(200) NOT NULL, "
            "description TEXT NOT NULL, public_summary VARCHAR(500) NOT NULL, urgency VARCHAR(20) NOT NULL, "
            "channel VARCHAR(20) NOT NULL, status VARCHAR(20) NOT NULL, is_public BOOLEAN NOT NULL, "
            "received_at TIMESTAMP NOT NULL, version INTEGER NOT NULL, updated_at TIMESTAMP NOT NULL)"
        )
        cursor.execute(
            "CREATE INDEX bench_case_reference_status ON bench_case_reference (status, received_at)"
        )
    latencies = []
    started = time.perf_counter()
    for index, (title, description) in enumerate(texts):
        t0 = time.perf_counter()
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_case_reference (tracking_code, idempotency_key, type, title, description, "
                "public_summary, urgency, channel, status, is_public, received_at, version, updated_at) "
                "VALUES (%s, %s, 'help', %s, %s, %s, 'normal', 'web', 'received', %s, %s, 1, %s)",
                [f"REF{index:010d}", f"ref-{index}", title, description, description[:500], True, now, now],
            )
        latencies.append(time.perf_counter() - t0)
    return rate(len(texts), time.perf_counter() - started, latencies)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


@contextmanager
def gunicorn_server(url, *, workers=2, check_path="/demands/new/", extra_env=None):
    """A gunicorn serving Massline on `url`'s database at a free local port; yields the base URL."""
    import requests

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "massline.settings",
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "gunicorn", "massline.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "--workers", str(workers), "--log-level", "warning"], env=env, cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(base + check_path, timeout=10).status_code < 500:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the gunicorn server did not start")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def bench_http(url, texts, clients, workers):
    import requests

    extra = {"MASSLINE_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR"}
    with gunicorn_server(url, workers=workers, extra_env=extra) as base:
        form_url = f"{base}/demands/new/"
        post_latencies, cycle_latencies, statuses = [], [], {}
        lock = threading.Lock()
        chunks = [texts[n::clients] for n in range(clients)]

        def client(number, chunk):
            session = requests.Session()
            mine_post, mine_cycle, mine_status = [], [], {}
            for index, (title, description) in enumerate(chunk):
                t0 = time.perf_counter()
                page = session.get(form_url, timeout=30).text
                token, key = _CSRF.search(page).group(1), _KEY.search(page).group(1)
                t1 = time.perf_counter()
                response = session.post(
                    form_url,
                    data={
                        "csrfmiddlewaretoken": token,
                        "idempotency_key": key,
                        "type": "help",
                        "title": title,
                        "description": description,
                        "is_public": "on",
                    },
                    headers={"X-Forwarded-For": f"10.{number}.{index // 250}.{index % 250 + 1}"},
                    allow_redirects=False,
                    timeout=30,
                )
                t2 = time.perf_counter()
                mine_post.append(t2 - t1)
                mine_cycle.append(t2 - t0)
                mine_status[response.status_code] = mine_status.get(response.status_code, 0) + 1
            with lock:
                post_latencies.extend(mine_post)
                cycle_latencies.extend(mine_cycle)
                for code, count in mine_status.items():
                    statuses[code] = statuses.get(code, 0) + count

        threads = [threading.Thread(target=client, args=(n, chunk)) for n, chunk in enumerate(chunks)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        created = statuses.get(302, 0)
        return {
            **rate(created, elapsed, post_latencies),
            "submissions": len(texts),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "clients": clients,
            "gunicorn_workers": workers,
            "form_get_and_post": summary_ms(cycle_latencies),
        }


def run_one(url, args):
    vendor = setup_django(url)
    texts = real_texts(max(args.service, args.http))
    service = bench_service(texts[: args.service])
    reference = bench_reference(texts[: args.service], vendor)
    from massline.cases.models import Case

    Case.objects.filter(idempotency_key__startswith="bench-").delete()
    http = bench_http(url, texts[: args.http], args.clients, args.workers) if args.http else None
    result = {
        "vendor": vendor,
        "service": service,
        "reference_single_insert": reference,
        "service_vs_insert": round(reference["per_second"] / service["per_second"], 1)
        if service["per_second"]
        else None,
        "http": http,
    }
    print(MARKER + json.dumps(result))


def own_postgres_database(name):
    """A fresh PostgreSQL database of this benchmark's own (other benchmarks may run at the same time and
    recreate the shared `massline_bench`), or None when PostgreSQL does not answer.
    MASSLINE_BENCH_DATABASE_URL, when set, is used as it is."""
    if url := os.environ.get("MASSLINE_BENCH_DATABASE_URL"):
        return url if url.startswith("postgres") else None
    base = "postgres://postgres@127.0.0.1:5432"
    probe = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "pg_reachable.py")],
        env={**os.environ, "MASSLINE_TEST_DATABASE_URL": f"{base}/postgres"},
        capture_output=True,
    )
    if probe.returncode != 0:
        return None
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS massline_bench_{name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE massline_bench_{name}")
    return f"{base}/massline_bench_{name}"


def database_urls(names):
    urls = {}
    if "sqlite" in names:
        path = ROOT / "var" / "bench-intake.sqlite3"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        urls["sqlite"] = f"sqlite:///{path}"
    if "postgres" in names and (url := own_postgres_database("intake")):
        urls["postgres"] = url
    return urls


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--service", type=int, default=400, help="demands through case_submit")
    parser.add_argument("--http", type=int, default=300, help="demands through the public form")
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args)
        return
    results = {}
    for name, url in database_urls(args.databases.split(",")).items():
        command = [sys.executable, "-m", "bench.intake", "--one", url]
        command += ["--service", str(args.service), "--http", str(args.http)]
        command += ["--clients", str(args.clients), "--workers", str(args.workers)]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
        if done.returncode or not lines:
            results[name] = {"error": (done.stderr or done.stdout)[-2000:]}
            continue
        results[name] = json.loads(lines[-1][len(MARKER) :])
        one = results[name]
        http = one["http"] or {}
        print(
            f"{name}: service {one['service']['per_second']}/s (p50 {one['service']['p50_ms']} ms), "
            f"raw INSERT {one['reference_single_insert']['per_second']}/s, "
            f"HTTP {http.get('per_second')}/s (POST p50 {http.get('p50_ms')} ms, "
            f"p99 {http.get('p99_ms')} ms, statuses {http.get('statuses')})"
        )
    if "postgres" not in results:
        results["postgres"] = {"skipped": "not requested, or PostgreSQL not reachable"}
    write_result("intake", {"benchmark": "intake", **results, "cpu_count": os.cpu_count()})


if __name__ == "__main__":
    main()
