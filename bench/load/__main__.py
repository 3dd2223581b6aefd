"""Load without loss: a production-style server (granian, several workers, DEBUG off) on PostgreSQL with
`massline worker` running receives demands from concurrent clients through the public web form, the JSON
API and Open311 for a bounded time, on 127.0.0.1 only. Every submission carries an idempotency key and is
retried with the same key on a network error, a timeout or a 5xx, and one in ten acknowledged ones is
sent again on purpose. Then every acknowledged submission must exist exactly once, with its timeline
entry, its audit event and, once dispatched, its due time.

The last line printed is one JSON object (also bench/results/load.json) with acknowledged, stored, lost,
duplicates, requests_per_second, p50_ms, p99_ms and the error counts.

    python -m bench.load [--seconds 15] [--clients 12] [--workers 2]
"""

import argparse
import http.cookiejar
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from contextlib import contextmanager

from bench.common import ROOT, percentile, setup_django, write_result
from bench.intake_open311 import SERVICE_CODE, prepare, server_command

PORT = 18411
DATABASE = "massline_load"
RETRIES = 4
TIMEOUT = 10
MARK = re.compile(r"load-([0-9a-f]{32})")


def database_url():
    if url := os.environ.get("MASSLINE_LOAD_DATABASE_URL"):
        return url
    import psycopg

    base = "postgres://postgres@127.0.0.1:5432"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return f"{base}/{DATABASE}"


def server_env(url):
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "load-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DATABASE_CONN_MAX_AGE": "600",
        "MASSLINE_PUBLIC_SUBMIT_RATE": "100000000",
        "MASSLINE_API_RATE_LIMIT": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "massline.settings",
        # As in production: a worker that dies (the crash script kills one) is started again.
        "GRANIAN_RESPAWN_FAILED_WORKERS": "true",
        "GRANIAN_RESPAWN_INTERVAL": "0.5",
    }


@contextmanager
def processes(url, workers):
    env = server_env(url)
    # DEBUG off serves hashed static files from a manifest: build it in this run's own directory.
    env["MASSLINE_VAR_DIR"] = str(ROOT / "var" / "load")
    subprocess.run(
        [sys.executable, "-m", "massline", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    web = subprocess.Popen(server_command("granian", PORT, workers=workers, threads=2), env=env, cwd=ROOT)
    worker = subprocess.Popen(
        [sys.executable, "-m", "massline", "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(base + "/open311/v2/discovery.json", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or web.poll() is not None:
                raise RuntimeError("granian did not start")
            time.sleep(0.3)
        yield base, web, worker
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


class Client:
    """One simulated client: a cookie jar (for the form's CSRF token) and its own opener."""

    def __init__(self, base, api_key):
        self.base = base
        self.api_key = api_key
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        self.csrf = None

    def _send(self, path, data, headers):
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method="POST")  # noqa: S310 (loopback http only)
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def _form_token(self):
        with self.opener.open(self.base + "/demands/new/", timeout=TIMEOUT) as response:
            page = response.read().decode()
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def submit(self, channel, key):
        text = f"路灯不亮 load-{key}"
        if channel == "open311":
            body = urllib.parse.urlencode(
                {"api_key": self.api_key, "service_code": SERVICE_CODE, "lat": "28.2012", "long": "112.9512",
                 "attribute[depth]": "12", "description": text}
            ).encode()  # fmt: skip
            status, _ = self._send(
                "/open311/v2/requests.json", body,
                {"Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": key},
            )  # fmt: skip
            return status == 201
        if channel == "api":
            body = json.dumps({"type": "help", "title": "路灯不亮", "description": text}).encode()
            status, _ = self._send(
                "/api/v1/demands", body, {"Content-Type": "application/json", "Idempotency-Key": key}
            )
            return status in (200, 201)
        if self.csrf is None:
            self._form_token()
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": self.csrf, "type": "help", "title": "路灯不亮", "description": text,
             "idempotency_key": key}
        ).encode()  # fmt: skip
        status, _ = self._send(
            "/demands/new/", body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + "/demands/new/"},
        )  # fmt: skip
        return status == 302


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def run_clients(base, api_key, *, seconds, clients, retries=RETRIES):
    acknowledged = {}
    latencies = []
    errors = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def one(index):
        client = Client(base, api_key)
        channels = ["web", "api", "open311"]
        rng = random.Random(index)
        while time.monotonic() < stop:
            channel = channels[rng.randrange(3)]
            key = uuid.uuid4().hex
            for _attempt in range(retries):
                started = time.monotonic()
                try:
                    ok = client.submit(channel, key)
                except (OSError, AttributeError) as exc:
                    ok = False
                    with lock:
                        errors[type(exc).__name__] += 1
                with lock:
                    latencies.append(time.monotonic() - started)
                if ok:
                    with lock:
                        acknowledged[key] = channel
                    if rng.random() < 0.1:  # a client that did not see the answer sends it again
                        client.submit(channel, key)
                    break
                with lock:
                    errors[f"{channel}_not_acknowledged"] += 1
                time.sleep(0.2 * (_attempt + 1))  # back off: a restarting server or database needs a moment

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acknowledged, latencies, errors, time.monotonic() - started


def check(acknowledged):
    """acknowledged = stored exactly once, with timeline entry, audit event and due times."""
    from django.db import close_old_connections

    from massline.audit.models import AuditEvent
    from massline.cases.choices import CaseStatus, EventKind
    from massline.cases.models import Case, CaseEvent

    close_old_connections()
    found = Counter()
    ids = {}
    for pk, description in Case.objects.filter(description__contains="load-").values_list(
        "pk", "description"
    ):
        match = MARK.search(description)
        if match:
            found[match.group(1)] += 1
            ids[match.group(1)] = pk
    stored = sum(1 for key in acknowledged if found.get(key) == 1)
    lost = sum(1 for key in acknowledged if key not in found)
    duplicates = sum(count - 1 for count in found.values() if count > 1)
    pks = list(ids.values())
    with_event = set(
        CaseEvent.objects.filter(case_id__in=pks, kind=EventKind.RECEIVED).values_list("case_id", flat=True)
    )
    audited = AuditEvent.objects.filter(object_type="cases.case", object_id__in=[str(p) for p in pks])
    with_audit = {int(i) for i in audited.values_list("object_id", flat=True)}
    dispatched = Case.objects.filter(pk__in=pks).exclude(status=CaseStatus.RECEIVED)
    return {
        "stored": stored,
        "lost": lost,
        "duplicates": duplicates,
        "unacknowledged_but_stored": sum(1 for key in found if key not in acknowledged),
        "missing_timeline": len(set(pks) - with_event),
        "missing_audit": len(set(pks) - with_audit),
        "dispatched_without_due_time": dispatched.filter(due_sign_at__isnull=True).count(),
        "dispatched": dispatched.count(),
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    url = database_url()
    if setup_django(url) != "postgresql":
        raise SystemExit("bench-load needs PostgreSQL.")
    api_key = prepare()
    from django.db import connection

    connection.close()
    with processes(url, args.workers) as (base, _web, _worker):
        acknowledged, latencies, errors, elapsed = run_clients(
            base, api_key, seconds=args.seconds, clients=args.clients
        )
    counts = check(acknowledged)
    ms = [s * 1000 for s in latencies]
    result = {
        "acknowledged": len(acknowledged),
        **counts,
        "by_channel": dict(Counter(acknowledged.values())),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(ms, 0.5), 2),
        "p99_ms": round(percentile(ms, 0.99), 2),
        "errors": dict(errors),
        "server": f"granian {args.workers} workers x 2 threads, DEBUG off, PostgreSQL, massline worker",
        "load": f"{args.clients} clients, {args.seconds} s, retries with the same idempotency key",
    }
    write_result("load", result)
    if result["lost"] or result["duplicates"] or result["stored"] != result["acknowledged"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
