"""Shared set-up for benchmarks: a Django process on its own database, and writing results as JSON."""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def setup_django(database_url):
    """Point Django at `database_url`, migrate it, and return the vendor name."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massline.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def bench_database_url():
    """MASSLINE_BENCH_DATABASE_URL, else a fresh `massline_bench` on the local PostgreSQL if it answers."""
    if url := os.environ.get("MASSLINE_BENCH_DATABASE_URL"):
        return url
    base = "postgres://postgres@127.0.0.1:5432"
    probe = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "pg_reachable.py")],
        env={**os.environ, "MASSLINE_TEST_DATABASE_URL": f"{base}/postgres"},
        capture_output=True,
    )
    if probe.returncode == 0:
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS massline_bench WITH (FORCE)")
            conn.execute("CREATE DATABASE massline_bench")
        return f"{base}/massline_bench"
    path = ROOT / "var" / "bench.sqlite3"
    path.unlink(missing_ok=True)
    print("PostgreSQL not reachable: benchmarking on SQLite (figures are not production figures)")
    return f"sqlite:///{path}"


def percentile(values, share):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary_ms(seconds):
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": round(percentile(ms, 0.5), 2),
        "p99_ms": round(percentile(ms, 0.99), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else 0.0,
    }


def write_result(name, result):
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False))
    return path
