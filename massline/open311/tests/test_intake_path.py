"""The write path of POST requests: one transaction of four INSERTs with warm caches, and a retry racing
the first request (the same Idempotency-Key at the same moment) creating one demand and one submission."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from massline.audit.models import AuditEvent
from massline.cases.models import Case, CaseEvent
from massline.cases.testing import intake_inserts_together
from massline.lib.testing import race
from massline.open311.models import Submission

from .conftest import build_catalogue

FORM = "application/x-www-form-urlencoded"


def pothole(catalogue, description):
    return urlencode(
        {
            "api_key": catalogue.api_key,
            "service_code": "potholes",
            "lat": "28.201234",
            "long": "112.951234",
            "address_string": "人民路23号",
            "description": description,
            "attribute[depth]": "12",
        }
    )


@pytest.mark.django_db(transaction=True)  # the request's own transaction, not a savepoint in the test's
def test_a_request_is_four_inserts_in_one_transaction_once_reference_rows_are_cached(catalogue):
    client = Client()
    assert (
        client.post("/open311/v2/requests.json", pothole(catalogue, "warm-up"), content_type=FORM).status_code
        == 201
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/open311/v2/requests.json", pothole(catalogue, "counted"), content_type=FORM)
    assert response.status_code == 201
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    inserted = [q["sql"].split('"')[1] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert inserted == ["cases_case", "cases_caseevent", "audit_auditevent", "open311_submission"]
    # No SELECT (key, service, places and policies come from the caches) and no savepoint.
    assert set(statements) <= {"BEGIN", "INSERT", "COMMIT"}, statements
    case = Case.objects.get(public_id=response.json()[0]["service_request_id"])
    assert Submission.objects.get(case=case).attributes.keys() == {"depth"}
    assert CaseEvent.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_retries_with_one_idempotency_key_create_one_demand(org, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs two PostgreSQL connections writing at once")
    catalogue = build_catalogue(org)
    join = intake_inserts_together(monkeypatch)

    def post(barrier):
        join(barrier)
        response = Client().post(
            "/open311/v2/requests.json",
            pothole(catalogue, "sent twice by a client that timed out"),
            content_type=FORM,
            headers={"Idempotency-Key": "fms-42"},
        )
        return response.status_code, response.json()[0]["service_request_id"]

    answers = race(post, post)
    assert answers[0] == answers[1] and answers[0][0] == 201, answers
    assert Case.objects.count() == 1
    assert Submission.objects.count() == 1
    assert CaseEvent.objects.count() == 1
