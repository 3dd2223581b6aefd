"""The dead-letter page in Chromium against a live server: a dispatcher (in Chinese) resends a message
every attempt failed to deliver. Screenshots land in var/screenshots/outbox-*.png."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from massline.outbox.choices import Channel, MessageStatus
from massline.outbox.models import Message
from massline.outbox.services import message_queue
from massline.web.testing import SCREENSHOTS

pytestmark = pytest.mark.e2e

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture(autouse=True)
def plain_http_cookies(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def test_a_dispatcher_resends_an_undelivered_message(browser, live_server, dispatcher):
    message = message_queue(
        channel=Channel.SMS, to="13812345678", text="您好", key="case:5:received:1:sms", about="ED45JQ4BUV"
    )
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.DEAD,
        attempts=8,
        dead_at=timezone.now(),
        last_error="SmsError: gateway answered HTTP 503",
    )
    client = Client()
    client.force_login(dispatcher)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto(live_server.url + "/staff/")
    page.get_by_role("link", name="未送达消息").first.click()
    expect(page.get_by_role("heading", name="未送达消息")).to_be_visible()
    row = page.get_by_role("row", name="ED45JQ4BUV")
    expect(row).to_contain_text("138****5678")
    expect(row).to_contain_text("HTTP 503")
    assert "13812345678" not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "outbox-dead-letters.png"), full_page=True)
    row.get_by_role("button", name="重新发送").click()
    expect(page.get_by_text("关于 ED45JQ4BUV 的消息已重新排队。")).to_be_visible()
    expect(page.get_by_role("row", name="ED45JQ4BUV")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "outbox-resent.png"), full_page=True)
    assert Message.objects.get(pk=message.pk).status == MessageStatus.PENDING
    assert problems == []
    context.close()
