"""Crash safety: the load of bench.load while a web worker and the `massline worker` process are killed
with SIGKILL (the worker restarted) and PostgreSQL is restarted once; then the same counts as bench.load
(acknowledged = stored exactly once, timeline, audit) and `massline audit verify` on the result.

PostgreSQL runs in a cluster of its own that this script creates (pg_createcluster, port 5440, trust on
loopback only) and restarts with pg_ctlcluster, so other databases on the machine are never touched.

    python -m bench.load.crash [--seconds 20] [--clients 8]
"""

# The PostgreSQL cluster tools (pg_lsclusters, pg_ctlcluster …) are Debian's, found on PATH by name.
# ruff: noqa: S607

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.common import ROOT, percentile, setup_django, write_result
from bench.intake_open311 import prepare
from bench.load.__main__ import check, processes, run_clients, server_env

CLUSTER = ("15", "masslinecrash")
PORT = 5440


def ensure_cluster():
    listed = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout
    if not any(line.split()[:2] == list(CLUSTER) for line in listed.splitlines()):
        subprocess.run(
            ["pg_createcluster", *CLUSTER, "-p", str(PORT), "--", "--auth-host=trust", "--auth-local=trust"],
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            ["pg_conftool", *CLUSTER, "set", "listen_addresses", "localhost"], check=True, capture_output=True
        )
    subprocess.run(["pg_ctlcluster", *CLUSTER, "start"], capture_output=True, check=False)
    import psycopg

    base = f"postgres://postgres@127.0.0.1:{PORT}"
    for _ in range(50):
        try:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS massline_crash WITH (FORCE)")
                conn.execute("CREATE DATABASE massline_crash")
            return f"{base}/massline_crash"
        except psycopg.OperationalError:
            time.sleep(0.2)
    raise SystemExit("the crash cluster did not start")


def children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def faults(web, worker_box, url, log):
    """SIGKILL a web worker at 4 s, the worker process at 7 s (then start it again), restart PostgreSQL
    at 10 s."""
    time.sleep(4)
    victims = children(web.pid)
    if victims:
        os.kill(victims[0], signal.SIGKILL)
        log.append(f"SIGKILL web worker {victims[0]}")
    time.sleep(3)
    os.kill(worker_box[0].pid, signal.SIGKILL)
    log.append(f"SIGKILL massline worker {worker_box[0].pid}")
    worker_box[0] = subprocess.Popen(
        [sys.executable, "-m", "massline", "worker"], env=server_env(url), cwd=ROOT, stdout=subprocess.DEVNULL
    )
    time.sleep(3)
    subprocess.run(["pg_ctlcluster", *CLUSTER, "restart", "-m", "fast"], check=True, capture_output=True)
    log.append("PostgreSQL restarted")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = ensure_cluster()
    setup_django(url)
    api_key = prepare()
    from django.db import connection

    connection.close()
    log = []
    with processes(url, args.workers) as (base, web, worker):
        box = [worker]
        injector = threading.Thread(target=faults, args=(web, box, url, log))
        injector.start()
        acknowledged, latencies, errors, elapsed = run_clients(
            base, api_key, seconds=args.seconds, clients=args.clients, retries=8
        )
        injector.join()
        time.sleep(2)  # the restarted worker seals the audit events
        box[0].terminate()
        box[0].wait(timeout=20)
    connection.close()
    counts = check(acknowledged)
    verify = subprocess.run(
        [sys.executable, "-m", "massline", "audit", "verify", "--json"],
        env=server_env(url), cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    audit = json.loads(verify.stdout.strip().splitlines()[-1]) if verify.stdout.strip() else {"ok": False}
    ms = [s * 1000 for s in latencies]
    result = {
        "acknowledged": len(acknowledged),
        **counts,
        "audit_chain_ok": bool(audit.get("ok")),
        "faults": log,
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(ms, 0.5), 2),
        "p99_ms": round(percentile(ms, 0.99), 2),
        "errors": dict(errors),
    }
    write_result("crash", result)
    if result["lost"] or result["duplicates"] or not result["audit_chain_ok"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
