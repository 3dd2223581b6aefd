"""Open311 requests named by random public ids (old numeric ids still read), lists from repeated
parameters, a paged updates feed, updated_datetime after every public change, expected_datetime before
signing, and service descriptions that say more than the name."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from massline.cases.choices import CaseStatus, ClockStage
from massline.cases.models import Case
from massline.cases.services.handling import case_dispatch, case_sign, case_transfer
from massline.cases.timelimits import policy_for, stage_due
from massline.open311.present import w3c

from .test_conformance import other_service, pothole

pytestmark = pytest.mark.django_db(transaction=True)


def _post(o311, catalogue, data=None):
    response = o311.post("requests.json", data or pothole(catalogue))
    assert response.status == 201, response.body
    return response.json()[0]["service_request_id"]


def test_a_request_is_named_by_a_random_public_id_and_the_old_numeric_id_still_reads(o311, catalogue):
    ids = [_post(o311, catalogue) for _ in range(3)]
    cases = [Case.objects.get(public_id=public_id) for public_id in ids]
    for public_id, case in zip(ids, cases, strict=True):
        assert re.fullmatch(r"[a-z][a-z0-9]{13}", public_id) and str(case.pk) not in public_id
        assert public_id != case.tracking_code
    assert len(set(ids)) == 3
    by_public = o311.get(f"requests/{ids[0]}.json").json()
    by_number = o311.get(f"requests/{cases[0].pk}.json").json()
    assert by_public == by_number and by_public[0]["service_request_id"] == ids[0]
    listed = o311.get("requests.json", {"service_request_id": f"{ids[1]},{cases[2].pk}"}).json()
    assert {r["service_request_id"] for r in listed} == {ids[1], ids[2]}
    assert o311.get("requests/zzzzzzzzzzzzzz.json").status == 404
    assert o311.get("requests.json", {"service_request_id": "Robert'); DROP"}).status == 400


def test_repeated_service_code_and_status_parameters_are_lists(o311, catalogue):
    _post(o311, catalogue)
    _post(o311, catalogue, other_service(catalogue, "noise"))
    both = o311.get("requests.json?service_code=potholes&service_code=noise").json()
    assert {r["service_code"] for r in both} == {"potholes", "noise"}
    one = o311.get("requests.json?service_code=noise").json()
    assert [r["service_code"] for r in one] == ["noise"]
    statuses = o311.get("requests.json?status=closed&status=open").json()
    assert len(statuses) == 2
    assert o311.get("requests.json?status=open&status=pending").status == 400


def test_the_updates_feed_pages_instead_of_stopping(o311, catalogue, dispatcher):
    for _ in range(3):
        case = Case.objects.get(public_id=_post(o311, catalogue))
        if case.status == CaseStatus.RECEIVED:
            case_dispatch(case=case, lead_unit=catalogue.org.unit_a, by=dispatcher)
    params = {
        "api_key": catalogue.api_key,
        "start_date": (timezone.now() - timedelta(hours=1)).isoformat(),
        "end_date": (timezone.now() + timedelta(hours=1)).isoformat(),
    }
    everything = o311.get("servicerequestupdates.json", params).json()
    assert len(everything) >= 6
    pages = []
    page = 1
    while True:
        chunk = o311.get("servicerequestupdates.json", {**params, "page_size": "4", "page": str(page)}).json()
        if not chunk:
            break
        assert len(chunk) <= 4
        pages.extend(chunk)
        page += 1
    assert [u["update_id"] for u in pages] == [u["update_id"] for u in everything]
    assert all(re.fullmatch(r"[a-z][a-z0-9]{13}", u["service_request_id"]) for u in everything)
    assert o311.get("servicerequestupdates.json", {**params, "page_size": "5000"}).status == 400


def test_updated_datetime_follows_a_transfer(o311, catalogue, dispatcher, officer_a):
    public_id = _post(o311, catalogue)
    case = Case.objects.get(public_id=public_id)
    now = timezone.now()
    if case.status == CaseStatus.RECEIVED:
        case_dispatch(case=case, lead_unit=catalogue.org.unit_a, by=dispatcher, at=now + timedelta(minutes=1))
    case_sign(
        case=Case.objects.get(pk=case.pk),
        unit=catalogue.org.unit_a,
        by=officer_a,
        at=now + timedelta(minutes=2),
    )
    transfer_at = now + timedelta(minutes=30)
    case_transfer(
        case=Case.objects.get(pk=case.pk),
        to_unit=catalogue.org.unit_b,
        by=dispatcher,
        note="This belongs to unit B.",
        at=transfer_at,
    )
    request = o311.get(f"requests/{public_id}.json").json()[0]
    assert request["updated_datetime"] == w3c(transfer_at)
    listed = o311.get("requests.json", {"service_request_id": public_id}).json()[0]
    assert listed["updated_datetime"] == w3c(transfer_at)


def test_expected_datetime_before_signing_counts_from_the_signing_deadline(o311, catalogue, dispatcher):
    case = Case.objects.get(public_id=_post(o311, catalogue))
    if case.status == CaseStatus.RECEIVED:
        case_dispatch(case=case, lead_unit=catalogue.org.unit_a, by=dispatcher)
        case = Case.objects.get(pk=case.pk)
    assert case.status == CaseStatus.DISPATCHED and case.due_sign_at and not case.due_reply_at
    policy = policy_for(category=case.category, urgency=case.urgency)
    expected = stage_due(policy=policy, stage=ClockStage.REPLY, start=case.due_sign_at)
    request = o311.get(f"requests/{case.public_id}.json").json()[0]
    assert request["expected_datetime"] == w3c(expected)


def test_service_descriptions_say_more_than_the_name(o311, catalogue):
    services_ = o311.get("services.json", headers={"Accept-Language": "en"}).json()
    by_code = {s["service_code"]: s for s in services_}
    potholes = by_code["potholes"]["description"]
    assert potholes != by_code["potholes"]["service_name"]
    assert "Roads › Potholes" in potholes and "5 working days" in potholes and "pothole, road" in potholes
    assert "5 working days" in by_code["noise"]["description"]
