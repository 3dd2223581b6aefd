"""Schema fuzzing: schemathesis generates requests from /api/v1/openapi.json, sends them through the whole
WSGI application (middleware included) and checks that no answer is a 500 and every answer matches the
document (status code, content type, schema). Bounded: MAX_EXAMPLES per operation, each example sent
anonymously and with an administrator's personal token.

(schemathesis.pytest.from_fixture, which would allow the live server, does not run under pytest 9.)
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from massline.api.auth import token_create
from massline.wsgi import application

MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def _keep_the_test_connection():
    """Django's test client does this too: a request must not close the test's (transactional) connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(catalogue, admin_user, settings, _keep_the_test_connection):
    settings.MASSLINE_API_RATE_LIMIT = 0  # the fuzzer is one fast client
    token = cache.get("fuzz-token")
    if token is None:
        _token, token = token_create(user=admin_user, name="fuzz")
        cache.set("fuzz-token", token, 600)
    return token


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_500s_and_no_schema_violations(case, fuzz_token):
    case.call_and_validate(checks=CHECKS)
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_token}"}, checks=CHECKS)
