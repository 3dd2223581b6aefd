"""Audit trail under concurrent writers: "append, seal later" (Massline) beside "chain at write" (reference).

Each of T threads runs K transactions that each add one audit event, as T request handlers would.
- massline: `audit_record` (one INSERT, no lock); the sealer chains the events afterwards, timed apart.
- reference: the same insert, but each writer first takes the chain lock and reads the previous
  event's hash, as a naive hash chain must: writers queue behind one another.
Run with `make bench` (or `python -m bench.audit_append --threads 16 --per-thread 200`).
"""

import argparse
import hashlib
import threading
import time

from bench.common import bench_database_url, setup_django, summary_ms, write_result


def run_writers(threads, per_thread, write_one):
    from django.db import connections

    latencies, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def worker(n):
        mine = []
        try:
            barrier.wait()
            for i in range(per_thread):
                start = time.perf_counter()
                write_one(n, i)
                mine.append(time.perf_counter() - start)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()
            with lock:
                latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "events": len(latencies),
        "seconds": round(elapsed, 3),
        "events_per_second": round(len(latencies) / elapsed, 1),
        "errors": len(errors),
        **summary_ms(latencies),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--per-thread", type=int, default=150)
    args = parser.parse_args()

    vendor = setup_django(bench_database_url())
    from django.db import connection, transaction

    from massline.audit.models import AuditEvent
    from massline.audit.services import _lock_chain, audit_record, audit_seal, audit_verify

    def append_only(n, i):
        with transaction.atomic():
            audit_record(action="bench.append", object_type="bench", object_id=f"{n}-{i}")

    def chain_at_write(n, i):
        with transaction.atomic():
            _lock_chain()
            last = AuditEvent.objects.filter(action="bench.chained").order_by("-id").first()
            prev = last.details.get("hash", "") if last else ""
            digest = hashlib.sha256(f"{prev}{n}-{i}".encode()).hexdigest()
            audit_record(
                action="bench.chained", object_type="bench", object_id=f"{n}-{i}", details={"hash": digest}
            )

    threads = args.threads if vendor == "postgresql" else 1  # SQLite has a single writer anyway
    ours = run_writers(threads, args.per_thread, append_only)
    reference = run_writers(threads, args.per_thread, chain_at_write)
    started = time.perf_counter()
    sealed = audit_seal()
    seal_seconds = time.perf_counter() - started
    verify_started = time.perf_counter()
    verified = audit_verify()
    verify_seconds = time.perf_counter() - verify_started
    connection.close()
    result = {
        "benchmark": "audit_append",
        "database": vendor,
        "threads": threads,
        "per_thread": args.per_thread,
        "massline_append_then_seal": ours,
        "reference_chain_at_write": reference,
        "speedup": round(ours["events_per_second"] / max(reference["events_per_second"], 0.001), 2),
        "seal_events_per_second": round(sealed / max(seal_seconds, 1e-9), 1),
        "verify_events_per_second": round(verified.checked / max(verify_seconds, 1e-9), 1),
        "chain_ok": verified.ok,
    }
    print(
        f"audit append on {vendor}, {threads} threads × {args.per_thread}: "
        f"append-then-seal {ours['events_per_second']}/s (p99 {ours['p99_ms']} ms) vs "
        f"chain-at-write {reference['events_per_second']}/s (p99 {reference['p99_ms']} ms): "
        f"×{result['speedup']}; sealing {result['seal_events_per_second']}/s, "
        f"verify {result['verify_events_per_second']}/s, chain ok: {verified.ok}"
    )
    write_result("audit_append", result)


if __name__ == "__main__":
    main()
