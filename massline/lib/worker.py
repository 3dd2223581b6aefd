"""Periodic jobs and drains run by `massline worker`: each app registers its own in AppConfig.ready().

A job runs every `interval` seconds; a drain runs on every tick and works off a queue (the django-tasks
database queue, lib/taskqueue.py), at most `limit` items a call, so periodic jobs keep their rhythm
while a long queue is worked off. One process on one machine needs no broker; several workers may run
at once because every job claims its work safely (the audit sealer takes a lock; clocks claim rows with
conditional updates; the task queue claims with SKIP LOCKED).
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
_DRAINS = {}


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


def register_drain(name, *, run):
    """Register (or replace) a drain: `run(limit)` handles up to `limit` queued items, returns how many."""
    _DRAINS[name] = run


def drains():
    return dict(_DRAINS)


def run_drains(limit):
    """Run every drain once; returns {name: items handled}. A failing drain is logged, not fatal."""
    results = {}
    for name, run in _DRAINS.items():
        try:
            results[name] = run(limit)
        except Exception:
            log.exception("worker drain %s failed", name)
            results[name] = 0
    return results
