"""The dead-letter page and its resend button for every persona; the admin's list and action."""

import pytest
from django.urls import reverse
from django.utils import timezone

from massline.audit.models import AuditEvent
from massline.org.testing import PERSONAS
from massline.outbox.choices import Channel, MessageStatus
from massline.outbox.models import Message
from massline.outbox.services import message_queue

ALLOWED = {"dispatcher", "admin_user"}


@pytest.fixture
def dead(db):
    message = message_queue(
        channel=Channel.SMS, to="13812345678", text="您好", key="case:9:replied:3:sms", about="A9"
    )
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.DEAD,
        attempts=8,
        dead_at=timezone.now(),
        last_error="SmsError: gateway answered HTTP 503",
    )
    message.refresh_from_db()
    return message


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_and_dispatchers_see_the_dead_letters(client_for, org, dead, persona):
    response = client_for(persona).get(reverse("outbox:dead_letters"))
    if persona == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    elif persona in ALLOWED:
        assert response.status_code == 200
        page = response.content.decode()
        assert "A9" in page and "138****5678" in page and "HTTP 503" in page
        assert "13812345678" not in page and "您好" not in page
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", ["officer_a", "supervisor", "citizen"])
def test_others_cannot_resend(client_for, org, dead, persona):
    response = client_for(persona).post(reverse("outbox:resend", args=[dead.pk]))
    assert response.status_code == 403
    dead.refresh_from_db()
    assert dead.status == MessageStatus.DEAD


def test_a_dispatcher_resends_a_dead_message(
    client_for, dispatcher, dead, django_capture_on_commit_callbacks
):
    client = client_for("dispatcher")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("outbox:resend", args=[dead.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200 and "queued again" in response.content.decode()
    dead.refresh_from_db()
    assert dead.status == MessageStatus.PENDING and dead.attempts == 0 and dead.resent_count == 1
    assert AuditEvent.objects.filter(action="message.resent", actor_id=dispatcher.pk).exists()
    # Twice: it is no longer dead, the page says so with a 400.
    again = client.post(reverse("outbox:resend", args=[dead.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert again.status_code == 400 and "只有未送达列表中的消息可以重新发送" in again.content.decode()
    assert client.get(reverse("outbox:resend", args=[dead.pk])).status_code == 405
    assert client.post(reverse("outbox:resend", args=[dead.pk + 999])).status_code == 404


def test_the_staff_navigation_links_the_page_for_dispatchers_only(client_for, org):
    url = reverse("outbox:dead_letters")
    assert url in client_for("dispatcher").get(reverse("web:staff_home")).content.decode()
    assert url not in client_for("officer_a").get(reverse("web:staff_home")).content.decode()


def test_the_admin_lists_masked_recipients_and_resends(client_for, admin_user, dead):
    client = client_for("admin_user")
    page = client.get(reverse("admin:outbox_message_changelist")).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    detail = client.get(reverse("admin:outbox_message_change", args=[dead.pk])).content.decode()
    assert "13812345678" not in detail and "您好" not in detail
    response = client.post(
        reverse("admin:outbox_message_changelist"),
        {"action": "resend", "_selected_action": [dead.pk]},
        follow=True,
    )
    assert response.status_code == 200
    dead.refresh_from_db()
    assert dead.status == MessageStatus.PENDING
