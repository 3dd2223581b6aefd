"""The real path, outside any test transaction: a committed message becomes a row of django-tasks'
database queue, `massline worker` runs it and the gateway gets it; retries are deferred tasks; two
workers at once never send one message twice (PostgreSQL, SKIP LOCKED)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from massline.lib import taskqueue, worker
from massline.lib.testing import race
from massline.outbox.choices import Channel, MessageStatus
from massline.outbox.models import Message
from massline.outbox.services import message_deliver_now, message_queue

pytestmark = pytest.mark.django_db(transaction=True)


def _queue(n=1, prefix="k"):
    with transaction.atomic():
        return [
            message_queue(channel=Channel.SMS, to=f"1380000{i:04d}", text=f"message {i}", key=f"{prefix}-{i}")
            for i in range(n)
        ]


def test_the_worker_command_delivers_a_committed_message_from_the_database_queue(http_sms):
    assert "tasks.default" in worker.drains()
    (message,) = _queue()
    (task,) = DBTaskResult.objects.all()
    assert task.status == "READY" and task.args_kwargs == {"args": [message.pk], "kwargs": {}}
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "tasks.default: 1" in out.getvalue()
    task.refresh_from_db()
    message.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == "sent"
    assert message.status == MessageStatus.SENT
    assert [r["key"] for r in http_sms.received] == ["k-0"]


def test_a_failed_attempt_becomes_a_deferred_task_the_worker_runs_when_due(http_sms):
    http_sms.answers = [502]
    (message,) = _queue()
    assert taskqueue.run_tasks(10) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and message.attempts == 1
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == message.next_attempt_at > timezone.now()
    assert taskqueue.run_tasks(10) == 0  # not due yet
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert taskqueue.run_tasks(10) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2


def test_the_worker_works_off_more_than_one_batch_with_once(http_sms):
    _queue(5)
    call_command("worker", "--once", "--batch", "2", stdout=StringIO())
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert len(http_sms.received) == 5


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real PostgreSQL connections")
def test_two_workers_claiming_one_message_at_once_send_it_once(http_sms):
    (message,) = _queue()

    def deliver(barrier):
        barrier.wait()
        return message_deliver_now(message_id=message.pk)

    outcomes = race(deliver, deliver)
    assert sorted(outcomes) == ["sent", "skipped"]
    assert [r["key"] for r in http_sms.received] == [message.key]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real PostgreSQL connections")
def test_two_workers_share_the_task_queue_and_send_each_message_once(http_sms):
    messages = _queue(12)

    def drain(barrier):
        barrier.wait()
        return taskqueue.run_tasks(100)

    outcomes = race(drain, drain)
    assert sum(outcomes) == 12
    keys = [r["key"] for r in http_sms.received]
    assert sorted(keys) == sorted(m.key for m in messages)  # every message, none twice
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 12
