"""Optimistic concurrency of the API's writes on a demand: the ETag is the version, a stale If-Match is a
412, a stale `version` a 409, and nothing is written by the refused request."""

import pytest

from massline.cases.choices import CaseStatus
from massline.cases.models import Case, CaseEvent

from .test_api import assert_error, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(api_as, catalogue, dispatcher):
    case = submit(catalogue)
    answer = api_as("dispatcher").post(
        f"/staff/demands/{case.pk}/dispatch", {"lead_unit": catalogue.org.unit_a.code}
    )
    assert answer.status_code == 200, answer.content
    return Case.objects.get(pk=case.pk)


def test_the_detail_and_every_write_answer_the_version_as_etag(api_as, catalogue, officer_a, dispatched):
    as_a = api_as("officer_a")
    read = as_a.get(f"/staff/demands/{dispatched.pk}")
    assert read.headers["ETag"] == f'"{dispatched.version}"' == f'"{read.json()["version"]}"'
    signed = as_a.post(
        f"/staff/demands/{dispatched.pk}/sign",
        {"unit": catalogue.org.unit_a.code},
        **{"If-Match": read["ETag"]},
    )
    assert signed.status_code == 200, signed.content
    assert signed.headers["ETag"] == f'"{signed.json()["version"]}"' != read.headers["ETag"]


def test_a_stale_if_match_is_refused_with_412_and_writes_nothing(api_as, catalogue, officer_a, dispatched):
    as_a = api_as("officer_a")
    stale = f'"{dispatched.version - 1}"'
    events = CaseEvent.objects.filter(case=dispatched).count()
    body = assert_error(
        as_a.post(
            f"/staff/demands/{dispatched.pk}/sign", {"unit": catalogue.org.unit_a.code}, **{"If-Match": stale}
        ),
        412,
        "stale_version",
    )
    assert str(dispatched.version) in body["message"]
    case = Case.objects.get(pk=dispatched.pk)
    assert case.status == CaseStatus.DISPATCHED and case.version == dispatched.version
    assert CaseEvent.objects.filter(case=dispatched).count() == events


def test_two_officials_acting_on_the_same_read_the_second_gets_409(
    api_as, catalogue, officer_a, unit_head_a, dispatched
):
    """Both read version v and reply; without the check the second reply would overwrite the first."""
    as_a, as_head = api_as("officer_a"), api_as("unit_head_a")
    as_a.post(f"/staff/demands/{dispatched.pk}/sign", {"unit": catalogue.org.unit_a.code})
    version = as_a.get(f"/staff/demands/{dispatched.pk}").json()["version"]
    first = as_a.post(f"/staff/demands/{dispatched.pk}/reply", {"text": "已修复。", "version": version})
    assert first.status_code == 200, first.content
    assert_error(
        as_head.post(
            f"/staff/demands/{dispatched.pk}/extend", {"amount": "2", "reason": "等配件", "version": version}
        ),
        409,
        "stale_version",
    )
    assert Case.objects.get(pk=dispatched.pk).reply == "已修复。"


def test_a_matching_version_a_star_and_a_weak_tag_are_accepted(api_as, catalogue, officer_a, dispatched):
    as_a = api_as("officer_a")
    path = f"/staff/demands/{dispatched.pk}"
    signed = as_a.post(f"{path}/sign", {"unit": catalogue.org.unit_a.code, "version": dispatched.version})
    assert signed.status_code == 200, signed.content
    version = signed.json()["version"]
    replied = as_a.post(f"{path}/reply", {"text": "已修复。"}, **{"If-Match": f'"1", W/"{version}"'})
    assert replied.status_code == 200, replied.content
    rated = api_as("dispatcher").post(
        f"{path}/rate", {"resolved": True, "satisfaction": "satisfied"}, **{"If-Match": "*"}
    )
    assert rated.status_code == 200, rated.content


def test_an_if_match_that_is_not_an_etag_is_a_400(api_as, catalogue, officer_a, dispatched):
    assert_error(
        api_as("officer_a").post(
            f"/staff/demands/{dispatched.pk}/sign",
            {"unit": catalogue.org.unit_a.code},
            **{"If-Match": "yesterday"},
        ),
        400,
        "invalid_if_match",
    )


def test_every_demand_write_of_the_api_takes_if_match_and_version(api_as):
    """A new write operation on a demand must join the check: the document lists both for each."""
    document = api_as().get("/openapi.json").json()
    writes = [
        (path, operation)
        for path, operations in document["paths"].items()
        if path.startswith("/api/v1/staff/demands/{id}/")
        for method, operation in operations.items()
        if method == "post"
    ]
    assert len(writes) >= 6
    for path, operation in writes:
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "If-Match" in headers, path
        assert "412" in operation["responses"] and "409" in operation["responses"], path
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert "version" in document["components"]["schemas"][body]["properties"], path
