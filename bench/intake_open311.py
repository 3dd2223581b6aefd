"""Open311 intake under load: `POST requests.json` against a production-style server beside the database's own
limit, on PostgreSQL with its default durability.

- server: granian (or gunicorn with --server gunicorn), one process per core with 2 threads each
  (keep-alive), DEBUG off, persistent database connections;
- load: wrk, 16 keep-alive connections for a bounded time, a Lua script POSTing form-encoded requests with
  an API key (each with its own description);
- reference: 16 threads, each with its own psycopg 3 connection in autocommit, each doing one single-row
  INSERT per statement into a table shaped like cases_case (primary key, the same unique keys), run before
  and after the HTTP run and averaged;
- profile: the SQL statements one request issues, counted in-process before the run.

The last line printed is one JSON object (also written to bench/results/intake_open311.json) with
requests_per_second, p50_ms, p99_ms, errors, insert_rows_per_second and their ratio.

    python -m bench.intake_open311 [--seconds 15] [--insert-seconds 5] [--server granian|gunicorn]
                                   [--workers CORES] [--threads 2]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from bench.common import ROOT, bench_database_url, setup_django, write_result

CONNECTIONS = 16
SERVICE_CODE = "bench-potholes"

LUA = r"""
local counter = 0
local key = "%(key)s"
request = function()
  counter = counter + 1
  local body = "api_key=" .. key .. "&service_code=%(code)s&lat=28.2012&long=112.9512"
    .. "&address_string=%%E4%%BA%%BA%%E6%%B0%%91%%E8%%B7%%AF"
    .. "&attribute%%5Bdepth%%5D=12&description=Pothole+" .. tostring(counter)
    .. "+" .. tostring(math.random(1e9))
  return wrk.format("POST", "/open311/v2/requests.json",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    "WRK-RESULT {\"requests\": %%d, \"seconds\": %%.3f, \"p50_us\": %%d, \"p99_us\": %%d, \"errors\": %%d, "
    .. "\"status_errors\": %%d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99), errors,
    summary.errors.status))
end
"""

REFERENCE_TABLE = """
CREATE TABLE bench_open311_reference (
    id BIGSERIAL PRIMARY KEY,
    tracking_code VARCHAR(16) NOT NULL UNIQUE,
    idempotency_key VARCHAR(100),
    type VARCHAR(20) NOT NULL, title VARCHAR(200) NOT NULL, description TEXT NOT NULL,
    public_summary VARCHAR(500) NOT NULL, category_id BIGINT, urgency VARCHAR(20) NOT NULL,
    channel VARCHAR(20) NOT NULL, address VARCHAR(300) NOT NULL, lat NUMERIC(9, 6), lon NUMERIC(9, 6),
    is_public BOOLEAN NOT NULL, language VARCHAR(10) NOT NULL, status VARCHAR(20) NOT NULL,
    received_at TIMESTAMPTZ NOT NULL, source VARCHAR(30) NOT NULL, source_ref VARCHAR(100) NOT NULL,
    version INTEGER NOT NULL, updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX bench_open311_reference_idempotency ON bench_open311_reference (idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX bench_open311_reference_source ON bench_open311_reference (source, source_ref)
    WHERE source <> '';
CREATE INDEX bench_open311_reference_received ON bench_open311_reference (received_at);
CREATE INDEX bench_open311_reference_status ON bench_open311_reference (status, received_at);
"""


def prepare():
    """Reference rows of the run: default policies, a category with a definition, an unlimited key."""
    from massline.cases.categories import ensure_default_policies
    from massline.cases.models import Category
    from massline.open311 import services
    from massline.open311.choices import Datatype
    from massline.open311.models import ServiceAttribute
    from massline.org import services as org_services
    from massline.org.choices import UnitKind

    ensure_default_policies()
    unit = org_services.unit_create(code="bench-roads", name="道路养护", kind=UnitKind.DEPARTMENT, by=None)
    category = Category.objects.create(
        code=SERVICE_CODE, name="路面坑洼", name_en="Potholes", default_unit=unit
    )
    ServiceAttribute.objects.create(
        category=category, code="depth", datatype=Datatype.NUMBER, required=True, description="Depth (cm)"
    )
    _key, raw = services.apikey_create(name="bench", rate_limit_per_minute=0)
    return raw


def statements_per_request(key):
    """The SQL statements of one POST, counted in-process (the second request: caches warm)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    data = {
        "api_key": key,
        "service_code": SERVICE_CODE,
        "lat": "28.2",
        "long": "112.9",
        "attribute[depth]": "3",
    }
    form = "application/x-www-form-urlencoded"
    client.post("/open311/v2/requests.json", urlencode({**data, "description": "warm-up"}), content_type=form)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/open311/v2/requests.json", urlencode({**data, "description": "counted"}), content_type=form
        )
    if response.status_code != 201:
        raise RuntimeError(f"POST requests.json answered {response.status_code}: {response.content[:300]!r}")
    return [q["sql"][:160] for q in queries.captured_queries]


def raw_inserts(dsn, seconds):
    """Rows per second of 16 threads doing single-row INSERTs, each on its own autocommit connection."""
    import psycopg

    counts = [0] * CONNECTIONS
    stop = time.monotonic() + seconds
    barrier = threading.Barrier(CONNECTIONS + 1)
    errors = []

    def worker(n):
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                barrier.wait()
                i = 0
                while time.monotonic() < stop:
                    i += 1
                    conn.execute(
                        "INSERT INTO bench_open311_reference (tracking_code, idempotency_key, type, title, "
                        "description, public_summary, category_id, urgency, channel, address, lat, lon, "
                        "is_public, language, status, received_at, source, source_ref, version, updated_at) "
                        "VALUES (%s, NULL, 'help', %s, %s, %s, 1, 'normal', 'api', '人民路', 28.2012, "
                        "112.9512, true, '', 'received', now(), '', '', 1, now())",
                        [
                            f"{n:02d}{time.time_ns() % 10**13:013d}{i % 10}"[:16],
                            f"Pothole {i}",
                            f"Pothole {n} {i}",
                            f"Pothole {i}",
                        ],
                    )
                    counts[n] += 1
        except Exception as exc:  # noqa: BLE001 (reported in the result)
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CONNECTIONS)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"reference INSERTs failed: {errors[:2]}")
    return sum(counts) / elapsed


def server_command(server, port, *, workers, threads):
    """The production-style WSGI server: gunicorn (gthread workers) or granian (Rust HTTP, WSGI)."""
    bind = f"127.0.0.1:{port}"
    if server == "granian":
        return [
            sys.executable, "-m", "granian", "--interface", "wsgi", "massline.wsgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--blocking-threads", str(threads), "--backpressure", str(threads), "--log-level", "warning",
            "--no-ws",
        ]  # fmt: skip
    return [
        sys.executable, "-m", "gunicorn", "massline.wsgi:application", "--bind", bind,
        "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
        "--keep-alive", "30", "--log-level", "warning",
    ]  # fmt: skip


@contextmanager
def wsgi_server(database_url, *, server, workers, threads):
    port = 18311
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "massline.settings",
    }
    command = server_command(server, port, workers=workers, threads=threads)
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/open311/v2/discovery.json", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"{command[2]} did not start")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def run_wrk(base, key, seconds):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"key": key, "code": SERVICE_CODE})
    try:
        wrk = [
            "wrk",
            "-t",
            "4",
            "-c",
            str(CONNECTIONS),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
        ]
        out = subprocess.run([*wrk, base], capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink(missing_ok=True)
    match = re.search(r"WRK-RESULT (\{.*\})", out)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    return json.loads(match.group(1))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=15, help="length of the HTTP run")
    parser.add_argument("--insert-seconds", type=int, default=5, help="length of each reference run")
    # Measured on 2 cores (docs/open311.md): one worker per core with 2 threads each beat larger layouts.
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="server processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per process")
    parser.add_argument("--server", choices=["granian", "gunicorn"], default="granian")
    args = parser.parse_args()

    url = bench_database_url()
    vendor = setup_django(url)
    if vendor != "postgresql":
        raise SystemExit("bench-intake needs PostgreSQL (set MASSLINE_BENCH_DATABASE_URL).")
    from django.db import connection

    key = prepare()
    statements = statements_per_request(key)
    with connection.cursor() as cursor:
        cursor.execute(REFERENCE_TABLE)
    dsn = connection.get_connection_params()
    dsn = " ".join(
        f"{k}={v}" for k, v in dsn.items() if k in ("dbname", "user", "host", "port", "password") and v
    )
    connection.close()

    before = raw_inserts(dsn, args.insert_seconds)
    with wsgi_server(url, server=args.server, workers=args.workers, threads=args.threads) as base:
        run_wrk(base, key, 2)  # warm-up: workers load code, caches fill
        http = run_wrk(base, key, args.seconds)
    after = raw_inserts(dsn, args.insert_seconds)

    insert_rate = (before + after) / 2
    rps = http["requests"] / http["seconds"]
    result = {
        "requests_per_second": round(rps, 1),
        "p50_ms": round(http["p50_us"] / 1000, 2),
        "p99_ms": round(http["p99_us"] / 1000, 2),
        "errors": http["errors"],
        "insert_rows_per_second": round(insert_rate, 1),
        "ratio": round(rps / insert_rate, 4),
        "insert_before": round(before, 1),
        "insert_after": round(after, 1),
        "requests": http["requests"],
        "seconds": http["seconds"],
        "statements_per_request": len(statements),
        "statements": statements,
        "server": f"{args.server} {args.workers} workers x {args.threads} threads, keep-alive, DEBUG off, "
        "CONN_MAX_AGE=600",
        "load": f"wrk 16 connections, {args.seconds} s",
        "cpus": os.cpu_count(),
    }
    write_result("intake_open311", result)


if __name__ == "__main__":
    main()
