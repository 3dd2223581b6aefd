"""Notifications: e-mail and SMS to the citizen after commit, the HTTP gateway against a real local server,
failures logged without breaking anything, in-app notifications for officials."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from massline.cases.choices import CaseType, NotificationKind
from massline.cases.models import Case, Notification
from massline.cases.services import notify
from massline.cases.services.intake import case_submit


class _Gateway(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(
            {
                "auth": self.headers.get("Authorization"),
                "type": self.headers.get("Content-Type"),
                "body": json.loads(body),
            }
        )
        self.send_response(self.server.answer)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    """A tiny SMS gateway on 127.0.0.1 that records what it is sent; `.answer` sets its HTTP status."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    server.received, server.answer = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    yield server
    server.shutdown()
    server.server_close()


def _submit(**kwargs):
    data = {"type": CaseType.HELP, "title": "Pothole", "description": "A deep pothole on the bridge."}
    return case_submit(**{**data, **kwargs})


def test_the_http_gateway_posts_json_with_a_bearer_token(gateway):
    notify.HttpSmsGateway(url=gateway.url, token="s3cret", timeout=2).send(
        to="+8613800001111", text="您好 hello"
    )
    assert gateway.received == [
        {
            "auth": "Bearer s3cret",
            "type": "application/json; charset=utf-8",
            "body": {"to": "+8613800001111", "text": "您好 hello"},
        }
    ]


def test_the_http_gateway_reports_refusals_and_unreachable_servers(gateway):
    gateway.answer = 503
    with pytest.raises(notify.SmsError, match="503"):
        notify.HttpSmsGateway(url=gateway.url, token="t", timeout=2).send(to="1", text="x")
    closed = "http://127.0.0.1:9/send"  # discard port: nothing listens
    with pytest.raises(notify.SmsError, match="unreachable"):
        notify.HttpSmsGateway(url=closed, token="t", timeout=1).send(to="1", text="x")


def test_the_token_may_come_from_a_file(settings, tmp_path, gateway):
    token_file = tmp_path / "sms-token"
    token_file.write_text("from-file\n")
    settings.MASSLINE_SMS_URL = gateway.url
    settings.MASSLINE_SMS_TOKEN_FILE = str(token_file)
    notify.HttpSmsGateway().send(to="1", text="x")
    assert gateway.received[0]["auth"] == "Bearer from-file"


def test_a_demand_is_acknowledged_by_sms_and_email_after_commit(
    db, settings, gateway, django_capture_on_commit_callbacks
):
    settings.MASSLINE_SMS_BACKEND = "http"
    settings.MASSLINE_SMS_URL = gateway.url
    settings.MASSLINE_SMS_TOKEN = "tok"
    with django_capture_on_commit_callbacks(execute=True):
        case = _submit(citizen_phone="13800001111", citizen_email="x@example.org", language="en")
        assert gateway.received == [] and mail.outbox == []
    assert gateway.received[0]["body"]["to"] == "+8613800001111"  # stored and sent in E.164
    assert case.tracking_code in gateway.received[0]["body"]["text"]
    assert mail.outbox[0].to == ["x@example.org"]


def test_a_failing_gateway_is_logged_and_the_demand_stays(
    db, settings, gateway, caplog, django_capture_on_commit_callbacks
):
    settings.MASSLINE_SMS_BACKEND = "http"
    settings.MASSLINE_SMS_URL = gateway.url
    gateway.answer = 500
    with (
        caplog.at_level(logging.ERROR, logger="massline.cases.notify"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = _submit(citizen_phone="13800001111", citizen_email="x@example.org")
    assert Case.objects.filter(pk=case.pk).exists()
    assert "could not be sent" in caplog.text
    assert len(mail.outbox) == 1  # the e-mail still went


def test_nothing_is_sent_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _submit(citizen_email="x@example.org")
            raise RuntimeError("later step failed")
    assert callbacks == [] and mail.outbox == []


def test_the_logging_gateway_masks_the_number(caplog):
    with caplog.at_level(logging.INFO, logger="massline.cases.notify"):
        notify.LoggingSmsGateway().send(to="13812345678", text="hi")
    assert "138****5678" in caplog.text and "13812345678" not in caplog.text


def test_messages_for_every_kind_in_both_languages(db):
    case = _submit(language="en")
    for kind in notify.CITIZEN_KINDS:
        subject, text = notify.citizen_message(case=case, kind=kind)
        assert case.tracking_code in subject and case.tracking_code in text
    with pytest.raises(ValueError):
        notify.citizen_message(case=case, kind="gossip")


def test_an_anonymous_demand_without_contact_sends_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = _submit()
    assert notify.notify_citizen(case=case, kind="replied") is False
    assert callbacks == [] and mail.outbox == []


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


def test_the_backend_setting_names_a_gateway(settings, gateway):
    settings.MASSLINE_SMS_URL = gateway.url
    for name, cls in (("logging", notify.LoggingSmsGateway), ("http", notify.HttpSmsGateway)):
        settings.MASSLINE_SMS_BACKEND = name
        assert type(notify.sms_gateway()) is cls
    settings.MASSLINE_SMS_BACKEND = "massline.cases.services.notify.LoggingSmsGateway"
    assert type(notify.sms_gateway()) is notify.LoggingSmsGateway
