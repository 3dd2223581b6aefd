"""The gateways against real parts: the HTTP SMS gateway against a local server, Django's mail outbox."""

import logging

import pytest
from django.core import mail

from massline.outbox import gateways


def test_the_http_gateway_posts_json_with_a_bearer_token_and_the_key(gateway):
    gateways.HttpSmsGateway(url=gateway.url, token="s3cret", timeout=2).send(
        to="+8613800001111", text="您好 hello", key="case:1:received:7:sms"
    )
    assert gateway.received == [
        {
            "auth": "Bearer s3cret",
            "type": "application/json; charset=utf-8",
            "key": "case:1:received:7:sms",
            "body": {"to": "+8613800001111", "text": "您好 hello"},
        }
    ]


def test_the_http_gateway_reports_refusals_and_unreachable_servers(gateway):
    gateway.answers = [503]
    with pytest.raises(gateways.SmsError, match="503"):
        gateways.HttpSmsGateway(url=gateway.url, token="t", timeout=2).send(to="1", text="x", key="k")
    closed = "http://127.0.0.1:9/send"  # discard port: nothing listens
    with pytest.raises(gateways.SmsError, match="unreachable"):
        gateways.HttpSmsGateway(url=closed, token="t", timeout=1).send(to="1", text="x", key="k")


def test_the_token_may_come_from_a_file(settings, tmp_path, gateway):
    token_file = tmp_path / "sms-token"
    token_file.write_text("from-file\n")
    settings.MASSLINE_SMS_URL = gateway.url
    settings.MASSLINE_SMS_TOKEN = ""
    settings.MASSLINE_SMS_TOKEN_FILE = str(token_file)
    gateways.HttpSmsGateway().send(to="1", text="x")
    assert gateway.received[0]["auth"] == "Bearer from-file"
    assert gateway.received[0]["key"] is None


def test_the_logging_gateway_masks_the_number(caplog):
    with caplog.at_level(logging.INFO, logger="massline.outbox.sms"):
        gateways.LoggingSmsGateway().send(to="13812345678", text="hi", key="k1")
    assert "138****5678" in caplog.text and "13812345678" not in caplog.text


def test_the_backend_setting_names_a_gateway(settings, gateway):
    settings.MASSLINE_SMS_URL = gateway.url
    for name, cls in (("logging", gateways.LoggingSmsGateway), ("http", gateways.HttpSmsGateway)):
        settings.MASSLINE_SMS_BACKEND = name
        assert type(gateways.sms_gateway()) is cls
    settings.MASSLINE_SMS_BACKEND = "massline.outbox.gateways.LoggingSmsGateway"
    assert type(gateways.sms_gateway()) is gateways.LoggingSmsGateway


def test_an_email_carries_a_message_id_fixed_by_its_key(settings):
    settings.DEFAULT_FROM_EMAIL = "Massline <noreply@12345.example.gov.cn>"
    for _attempt in range(2):
        gateways.email_send(to="x@example.org", subject="S", text="T", key="case:1:replied:9:email")
    first, second = (m.message()["Message-ID"] for m in mail.outbox)
    assert first == second == gateways.message_id_for("case:1:replied:9:email")
    assert first.endswith("@12345.example.gov.cn>")
    assert gateways.message_id_for("case:1:replied:10:email") != first
