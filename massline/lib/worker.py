"""Periodic jobs run by `massline worker`: each app registers its own in AppConfig.ready().

One process on one machine needs no broker; several workers may run at once because every job
claims its work safely (the audit sealer takes a lock; later clocks claim rows with conditional updates).
"""

import logging
import time
from dataclasses import dataclass, field

from django.db import close_old_connections, connection

log = logging.getLogger("massline.worker")


@dataclass
class PeriodicJob:
    name: str
    interval: float
    run: callable
    next_at: float = field(default=0.0)


_JOBS = {}


def register(name, *, interval, run):
    """Register (or replace) a job: `run()` is called every `interval` seconds and returns a count to log."""
    _JOBS[name] = PeriodicJob(name=name, interval=interval, run=run)


def jobs():
    return dict(_JOBS)


def run_due(now=None):
    """Run every job whose time has come; returns {name: result}. A failing job is logged, not fatal."""
    now = time.monotonic() if now is None else now
    results = {}
    for job in _JOBS.values():
        if now < job.next_at:
            continue
        if not connection.in_atomic_block:  # tests run the worker inside a transaction
            close_old_connections()
        try:
            results[job.name] = job.run()
        except Exception:
            log.exception("worker job %s failed", job.name)
            results[job.name] = None
        job.next_at = now + job.interval
    return results
