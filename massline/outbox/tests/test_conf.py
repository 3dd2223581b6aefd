"""The outbox's settings: declared once with defaults, read from settings or the environment, checked."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from massline.outbox import conf
from massline.outbox.checks import check_outbox_settings


def test_defaults_environment_and_settings_in_that_order(settings, monkeypatch):
    assert conf.max_attempts() == conf.DEFAULTS["MASSLINE_OUTBOX_MAX_ATTEMPTS"]
    monkeypatch.setenv("MASSLINE_OUTBOX_MAX_ATTEMPTS", "4")
    assert conf.max_attempts() == 4
    settings.MASSLINE_OUTBOX_MAX_ATTEMPTS = 2
    assert conf.max_attempts() == 2


@pytest.mark.parametrize("raw", ["many", "0", "-5"])
def test_a_wrong_value_is_refused_by_name(monkeypatch, raw):
    monkeypatch.setenv("MASSLINE_OUTBOX_BACKOFF_BASE", raw)
    with pytest.raises(ImproperlyConfigured, match="MASSLINE_OUTBOX_BACKOFF_BASE"):
        conf.backoff_base()
    (error,) = check_outbox_settings()
    assert error.id == "outbox.E001"


def test_the_stale_timeout_must_exceed_the_gateway_timeouts(settings):
    assert check_outbox_settings() == []
    settings.MASSLINE_OUTBOX_STALE_SECONDS = 15.0
    settings.MASSLINE_SMS_TIMEOUT = 10.0
    assert [e.id for e in check_outbox_settings()] == ["outbox.E002"]
    settings.MASSLINE_OUTBOX_STALE_SECONDS = 300.0
    settings.MASSLINE_OUTBOX_BACKOFF_MAX = 1.0
    assert [e.id for e in check_outbox_settings()] == ["outbox.E003"]
