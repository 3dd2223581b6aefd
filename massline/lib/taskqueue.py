"""The django-tasks database queue (django_tasks_db) run inside `massline worker`, as one of its drains.

django_tasks_db's own `db_worker` command runs the same loop alone; here its Worker class runs in
batch mode for at most `limit` tasks between the periodic jobs. It claims each task with
SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL (an exclusive transaction on SQLite), so several
`massline worker` processes share the queue and never run one task twice.
"""

import os
import socket

from django.db import connection
from django.utils.crypto import get_random_string

WORKER_ID = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"


def database_backend_names():
    """Aliases of the TASKS backends that keep their queue in the database."""
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    return [backend.alias for backend in task_backends.all() if isinstance(backend, DatabaseBackend)]


def _batch_worker_class():
    from django_tasks_db.management.commands.db_worker import Worker

    class BatchWorker(Worker):
        """db_worker's loop, counting the tasks it ran."""

        ran = 0

        def run_task(self, db_task_result):
            try:
                super().run_task(db_task_result)
            finally:
                self.ran += 1

    return BatchWorker


def run_tasks(limit, *, backend_name="default"):
    """Run up to `limit` ready tasks of every queue of `backend_name`; returns how many ran.

    Inside a transaction (a test's) it runs nothing: the loop closes stale connections between tasks,
    which would break the surrounding transaction.
    """
    if connection.in_atomic_block:
        return 0
    runner = _batch_worker_class()(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=limit,
        worker_id=WORKER_ID,
        excluded_queue_names=[],
    )
    runner.run()
    return runner.ran


def register_drains():
    """One drain per database task backend (called by LibConfig.ready())."""
    from . import worker

    for alias in database_backend_names():
        worker.register_drain(
            f"tasks.{alias}", run=lambda limit, alias=alias: run_tasks(limit, backend_name=alias)
        )
