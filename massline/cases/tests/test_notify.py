"""Notifications: the citizen's e-mail and SMS are queued in the outbox with the transition and delivered
by the worker (a failing gateway is retried, the demand carries on), keyed per event; in-app
notifications for officials."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from massline.cases.choices import CaseType, EventKind, NotificationKind
from massline.cases.models import Case, CaseEvent, Notification
from massline.cases.services import notify
from massline.cases.services.intake import case_submit
from massline.outbox.choices import Channel, MessageStatus
from massline.outbox.models import Message
from massline.outbox.testing import deliver_queued, local_sms_gateway, use_gateway


@pytest.fixture
def gateway(settings):
    """SMS go to a real gateway on 127.0.0.1 (massline.outbox.testing)."""
    with local_sms_gateway() as server:
        use_gateway(settings, server)
        yield server


def _submit(**kwargs):
    data = {"type": CaseType.HELP, "title": "Pothole", "description": "A deep pothole on the bridge."}
    return case_submit(**{**data, **kwargs})


def test_a_demand_is_acknowledged_by_sms_and_email_once_the_worker_delivers(
    db, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _submit(citizen_phone="13800001111", citizen_email="x@example.org", language="en")
    event = CaseEvent.objects.get(case=case, kind=EventKind.RECEIVED)
    queued = {m.channel: m for m in Message.objects.all()}
    assert set(queued) == {Channel.SMS, Channel.EMAIL}
    assert queued[Channel.SMS].key == f"case:{case.pk}:received:{event.pk}:sms"
    assert queued[Channel.SMS].to_masked == "138****1111" and queued[Channel.SMS].about == case.tracking_code
    assert gateway.received == [] and mail.outbox == []  # nothing leaves before the worker
    assert set(deliver_queued().values()) == {"sent"}
    assert gateway.received[0]["body"]["to"] == "+8613800001111"  # stored and sent in E.164
    assert gateway.received[0]["key"] == queued[Channel.SMS].key
    assert case.tracking_code in gateway.received[0]["body"]["text"]
    assert mail.outbox[0].to == ["x@example.org"] and case.tracking_code in mail.outbox[0].subject


def test_a_failing_gateway_is_retried_and_the_demand_stays(db, gateway, django_capture_on_commit_callbacks):
    gateway.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        case = _submit(citizen_phone="13800001111", citizen_email="x@example.org")
    outcomes = deliver_queued()
    assert Case.objects.filter(pk=case.pk).exists()
    assert sorted(outcomes.values()) == ["retry", "sent"]
    assert len(mail.outbox) == 1  # the e-mail still went
    sms = Message.objects.get(channel=Channel.SMS)
    assert (
        sms.status == MessageStatus.PENDING
        and "HTTP 500" in sms.last_error
        and sms.next_attempt_at > timezone.now()
    )
    assert deliver_queued() == {sms.key: "skipped"}  # not before its backoff
    Message.objects.filter(pk=sms.pk).update(next_attempt_at=timezone.now())
    assert deliver_queued() == {sms.key: "sent"}
    assert [r["key"] for r in gateway.received] == [sms.key, sms.key] and list(gateway.delivered) == [sms.key]


def test_nothing_is_queued_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _submit(citizen_email="x@example.org")
            raise RuntimeError("later step failed")
    assert callbacks == [] and not Message.objects.exists()
    assert deliver_queued() == {} and mail.outbox == []


def test_an_anonymous_demand_without_contact_sends_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = _submit()
    assert notify.notify_citizen(case=case, kind="replied") is False
    # Only the listeners' look at the new demand (cases.seams.demand_received) waits for the commit.
    assert [c.__qualname__ for c in callbacks] == ["_create.<locals>.<lambda>"]
    assert not Message.objects.exists()


def test_one_message_per_event_so_a_second_reply_after_reopening_is_new(db):
    case = _submit(citizen_phone="13800001111")
    CaseEvent.objects.create(case=case, kind=EventKind.REPLIED, at=timezone.now())
    assert notify.notify_citizen(case=case, kind="replied") is True
    notify.notify_citizen(case=case, kind="replied")  # the same transition told twice: one message
    assert Message.objects.filter(key__contains=":replied:").count() == 1
    CaseEvent.objects.create(case=case, kind=EventKind.REOPENED, at=timezone.now())
    CaseEvent.objects.create(case=case, kind=EventKind.REPLIED, at=timezone.now())
    notify.notify_citizen(case=case, kind="replied")
    assert Message.objects.filter(key__contains=":replied:").count() == 2


def test_messages_for_every_kind_in_both_languages(db):
    case = _submit(language="en")
    for kind in notify.CITIZEN_KINDS:
        subject, text = notify.citizen_message(case=case, kind=kind)
        assert case.tracking_code in subject and case.tracking_code in text
    with pytest.raises(ValueError):
        notify.citizen_message(case=case, kind="gossip")


def test_officials_get_one_in_app_notification_each(officer_a, unit_head_a, outsider):
    case = _submit()
    outsider.is_active = False
    outsider.save()
    rows = notify.notify_staff(
        users=[officer_a, unit_head_a, officer_a, outsider, None],
        case=case,
        kind=NotificationKind.NEW_ASSIGNMENT,
        text="新诉求",
    )
    assert len(rows) == 2
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"officer_a", "unit_head_a"}
