"""Fixtures of the outbox's tests: a real SMS gateway on 127.0.0.1 that honours idempotency keys."""

import pytest

from massline.outbox.testing import local_sms_gateway, use_gateway


@pytest.fixture
def gateway():
    """The local gateway (massline.outbox.testing.local_sms_gateway)."""
    with local_sms_gateway() as server:
        yield server


@pytest.fixture
def http_sms(settings, gateway):
    """SMS go to the local gateway."""
    use_gateway(settings, gateway)
    return gateway
