"""Background work of the outbox: the delivery task (django-tasks, run from the database queue by
`massline worker`) and the sweeper's periodic job. Thin wrappers around services."""

from django_tasks import task

from . import services


@task()
def message_deliver(message_id):
    """One delivery attempt of a queued message; failures are retried by a new task, run later."""
    return services.message_deliver_now(message_id=message_id)


def outbox_sweep():
    """Re-queue what a crash left behind and erase old content (registered with the worker)."""
    return services.outbox_sweep()
