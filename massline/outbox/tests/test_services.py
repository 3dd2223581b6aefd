"""The outbox's rules: a message exists iff its transaction committed, one row per key, retries with
backoff, the dead-letter list and resending, the sweeper after a crash, erasing old content."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from massline.audit.models import AuditEvent
from massline.lib.errors import PermissionDenied
from massline.outbox import conf, services
from massline.outbox.choices import Channel, MessageStatus
from massline.outbox.gateways import HttpSmsGateway
from massline.outbox.models import Message
from massline.outbox.services import MessageRefused, message_deliver_now, message_queue


def _sms(key="case:1:received:1:sms", to="13812345678", **kwargs):
    return message_queue(
        channel=Channel.SMS, to=to, text="您好, your demand A1 was received.", key=key, **kwargs
    )


def _tasks_for(message):
    return [t for t in DBTaskResult.objects.order_by("enqueued_at") if t.args_kwargs["args"] == [message.pk]]


def test_a_message_is_stored_masked_and_its_task_enqueued_on_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = _sms(about="A1")
        assert DBTaskResult.objects.count() == 0  # not before the commit
    assert len(callbacks) == 1
    assert message.status == MessageStatus.PENDING and message.attempts == 0
    assert message.to == "13812345678" and message.to_masked == "138****5678"
    (task,) = _tasks_for(message)
    assert task.task_path == "massline.outbox.tasks.message_deliver" and task.status == "READY"
    event = AuditEvent.objects.get(action="message.queued")
    assert "13812345678" not in str(event.details) + event.object_repr


def test_the_message_exists_only_if_the_transaction_committed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _sms()
            raise RuntimeError("the state change failed after queueing")
    assert callbacks == []
    assert not Message.objects.exists() and not DBTaskResult.objects.exists()


def test_a_second_queue_with_the_same_key_returns_the_first_row(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _sms(key="k-1")
        again = _sms(key="k-1", to="13900000000")
    assert again.pk == first.pk and again.to == "13812345678"
    assert Message.objects.count() == 1 and DBTaskResult.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"channel": "fax"}, "Unknown channel"),
        ({"to": "  "}, "needs a recipient"),
        ({"key": ""}, "idempotency key"),
        ({"key": "k" * 201}, "idempotency key"),
    ],
)
def test_bad_messages_are_refused_with_a_clear_error(db, kwargs, words):
    data = {"channel": Channel.SMS, "to": "13812345678", "text": "x", "key": "k", **kwargs}
    with pytest.raises(MessageRefused, match=words):
        message_queue(**data)
    assert not Message.objects.exists()


def test_backoff_doubles_up_to_the_max_with_jitter(settings):
    settings.MASSLINE_OUTBOX_BACKOFF_BASE = 10.0
    settings.MASSLINE_OUTBOX_BACKOFF_MAX = 100.0
    for attempts, ceiling in ((1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)):
        delays = [services.backoff_seconds(attempts) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered


def test_a_failure_is_retried_later_with_backoff_then_sent(db, http_sms, django_capture_on_commit_callbacks):
    http_sms.answers = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms()
    for attempt, status in ((1, 500), (2, 503)):
        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            assert message_deliver_now(message_id=message.pk, now=message.next_attempt_at) == "retry"
        message.refresh_from_db()
        assert message.status == MessageStatus.PENDING and message.attempts == attempt
        assert f"HTTP {status}" in message.last_error and "your demand" not in message.last_error
        ceiling = conf.backoff_base() * 2 ** (attempt - 1)
        assert before + timedelta(seconds=ceiling / 2) <= message.next_attempt_at
        assert message.next_attempt_at <= timezone.now() + timedelta(seconds=ceiling)
        # The retry is a new task, deferred to the message's next attempt.
        assert _tasks_for(message)[-1].run_after == message.next_attempt_at
        # Not due yet: an early task leaves it alone.
        assert message_deliver_now(message_id=message.pk) == "skipped"
    assert message_deliver_now(message_id=message.pk, now=message.next_attempt_at) == "sent"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 3 and message.last_error == ""
    assert [r["key"] for r in http_sms.received] == [message.key] * 3
    assert AuditEvent.objects.filter(action="message.sent", object_id=str(message.pk)).count() == 1
    assert message_deliver_now(message_id=message.pk, now=timezone.now() + timedelta(days=1)) == "skipped"


def test_after_the_last_attempt_it_is_dead_and_staff_can_resend_it(
    db, settings, http_sms, dispatcher, officer_a, django_capture_on_commit_callbacks
):
    settings.MASSLINE_OUTBOX_MAX_ATTEMPTS = 3
    http_sms.answers = [500, 500, 500]
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms(about="A1")
    outcomes = []
    for _ in range(3):
        outcomes.append(message_deliver_now(message_id=message.pk, now=message.next_attempt_at))
        message.refresh_from_db()
    assert outcomes == ["retry", "retry", "dead"]
    assert message.status == MessageStatus.DEAD and message.dead_at is not None and message.attempts == 3
    assert AuditEvent.objects.filter(action="message.dead").count() == 1
    with pytest.raises(PermissionDenied):
        services.message_resend(message=message, by=officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_resend(message=message, by=dispatcher)
    assert message.status == MessageStatus.PENDING and message.attempts == 0 and message.resent_count == 1
    assert _tasks_for(message)[-1].status == "READY"
    assert AuditEvent.objects.get(action="message.resent").actor_id == dispatcher.pk
    assert message_deliver_now(message_id=message.pk) == "sent"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(http_sms.delivered) == 1 and [r["key"] for r in http_sms.received] == [message.key] * 4
    with pytest.raises(MessageRefused, match="only a message on the dead-letter list"):
        services.message_resend(message=message, by=dispatcher)


def test_an_email_is_sent_with_its_subject_through_django_mail(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(
            channel=Channel.EMAIL, to="alice@example.org", subject="Received", text="Body", key="k-mail"
        )
    assert message.to_masked == "a***@example.org"
    assert message_deliver_now(message_id=message.pk) == "sent"
    (sent,) = mail.outbox
    assert sent.to == ["alice@example.org"] and sent.subject == "Received" and sent.body == "Body"


class WorkerKilled(BaseException):
    """The worker process dies (SIGKILL, power cut): nothing after this line runs."""


class DiesAfterSending(HttpSmsGateway):
    """The real HTTP gateway, and then the worker dies before it can record the message as sent."""

    def send(self, *, to, text, key=""):
        super().send(to=to, text=text, key=key)
        raise WorkerKilled


def test_a_crash_after_sending_is_swept_and_the_gateway_gets_the_same_key_again(
    db, settings, http_sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _sms(about="A1")
    settings.MASSLINE_SMS_BACKEND = "massline.outbox.tests.test_services.DiesAfterSending"
    with pytest.raises(WorkerKilled):
        message_deliver_now(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING and message.attempts == 1
    settings.MASSLINE_SMS_BACKEND = "http"
    # Before the stale timeout the sweeper leaves it to the worker that may still be sending it.
    assert services.outbox_sweep(now=message.claimed_at + timedelta(seconds=10)) == {}
    later = message.claimed_at + timedelta(seconds=conf.stale_seconds() + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.outbox_sweep(now=later) == {"reclaimed": 1}
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and "stopped while sending" in message.last_error
    assert _tasks_for(message)[-1].status == "READY"
    assert message_deliver_now(message_id=message.pk, now=later) == "sent"
    # Posted twice with one key; the gateway that honours it delivered once.
    assert [r["key"] for r in http_sms.received] == [message.key, message.key]
    assert list(http_sms.delivered) == [message.key]


def test_a_crash_on_the_last_attempt_puts_the_message_on_the_dead_letter_list(db, settings):
    settings.MASSLINE_OUTBOX_MAX_ATTEMPTS = 1
    message = _sms()
    services._claim(message.pk, timezone.now())
    later = timezone.now() + timedelta(seconds=conf.stale_seconds() + 1)
    assert services.outbox_sweep(now=later) == {"dead": 1}
    message.refresh_from_db()
    assert message.status == MessageStatus.DEAD


def test_a_pending_message_whose_task_was_lost_is_queued_again_once(db, django_capture_on_commit_callbacks):
    message = _sms()  # its on-commit enqueue never runs: as if the process died right after the commit
    assert not DBTaskResult.objects.exists()
    later = message.next_attempt_at + timedelta(seconds=conf.stale_seconds() + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.outbox_sweep(now=later) == {"requeued": 1}
        assert services.outbox_sweep(now=later + timedelta(seconds=1)) == {}
    assert len(_tasks_for(message)) == 1


def test_settled_messages_lose_their_content_after_the_keep_days(db, settings, dispatcher):
    settings.MASSLINE_OUTBOX_MAX_ATTEMPTS = 1
    sent, dead, fresh = _sms(key="a"), _sms(key="b"), _sms(key="c")
    assert message_deliver_now(message_id=sent.pk) == "sent"
    Message.objects.filter(pk=dead.pk).update(status=MessageStatus.DEAD, dead_at=timezone.now())
    assert services.message_purge_settled() == 0
    later = timezone.now() + timedelta(days=conf.keep_days(), seconds=1)
    assert services.message_purge_settled(now=later) == 2
    for message in (sent, dead):
        message.refresh_from_db()
        assert (message.to, message.text, message.to_masked) == ("", "", "138****5678")
    fresh.refresh_from_db()
    assert fresh.to == "13812345678"
    assert _sms(key="a").pk == sent.pk  # the key still refuses a duplicate
    with pytest.raises(MessageRefused, match="erased"):
        services.message_resend(message=dead, by=dispatcher)
