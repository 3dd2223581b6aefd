"""GeoReport v2 conformance against the real server on 127.0.0.1, through urllib, in XML and JSON:
responses validated against JSON schemas written from the specification (tests/schemas/), XML element
names checked with xml.etree, every error in the specification's shape and the requested format.
"""

from datetime import datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.test import override_settings
from django.utils import timezone

from massline.cases.choices import Channel, ClockStage
from massline.cases.models import Case
from massline.cases.timelimits import policy_for, stage_due
from massline.open311 import services
from massline.open311.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)


def xml_root(response):
    assert response.headers["Content-Type"].startswith("text/xml")
    return ElementTree.fromstring(response.body)  # noqa: S314 (our own server's answer)


def pothole(catalogue, **extra):
    data = {
        "api_key": catalogue.api_key,
        "service_code": "potholes",
        "lat": "28.201234",
        "long": "112.951234",
        "address_string": "人民路23号",
        "description": "A deep pothole in front of the school gate.",
        "attribute[depth]": "12",
        "attribute[surface]": "asphalt",
        "attribute[hazards][]": ["water", "traffic"],
    }
    data.update(extra)
    return data


def other_service(catalogue, code, **extra):
    """A POST for a service without attributes."""
    data = {k: v for k, v in pothole(catalogue, **extra).items() if not k.startswith("attribute[")}
    return {**data, "service_code": code}


def assert_error(response, status, fmt, conforms):
    assert response.status == status, response.body[:300]
    if fmt == "json":
        document = conforms(response, "errors")
        assert {error["code"] for error in document} == {status}
    else:
        root = xml_root(response)
        assert root.tag == "errors"
        errors = root.findall("error")
        assert errors and all(e.findtext("code") == str(status) and e.findtext("description") for e in errors)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_names_the_endpoint_and_both_formats(o311, conforms, fmt):
    response = o311.get(f"discovery.{fmt}")
    assert response.status == 200
    if fmt == "json":
        document = conforms(response, "discovery")
        assert document["endpoints"][0]["url"].endswith("/open311/v2")
    else:
        root = xml_root(response)
        assert root.tag == "discovery"
        assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
        endpoint = root.find("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_services_are_the_active_leaf_categories_grouped_by_top_level(o311, conforms, catalogue):
    services_ = conforms(o311.get("services.json", headers={"Accept-Language": "en"}), "services")
    by_code = {s["service_code"]: s for s in services_}
    assert set(by_code) == {"potholes", "lights", "noise"}
    assert by_code["potholes"] == {
        "service_code": "potholes",
        "service_name": "Potholes",
        "description": (
            "Roads › Potholes. Answered within 5 working days after the handling unit signs for it "
            "(normal urgency). Covers: pothole, road, 坑."
        ),
        "metadata": True,
        "type": "realtime",
        "keywords": "pothole,road,坑",
        "group": "Roads",
    }
    assert by_code["lights"]["type"] == "batch" and by_code["lights"]["metadata"] is False
    chinese = {
        s["service_code"]: s for s in o311.get("services.json", headers={"Accept-Language": "zh-hans"}).json()
    }
    assert chinese["potholes"]["group"] == "道路"


def test_services_xml_uses_the_specification_element_names(o311, catalogue):
    root = xml_root(o311.get("services.xml"))
    assert root.tag == "services"
    service = root.findall("service")
    assert len(service) == 3
    assert [child.tag for child in service[0]] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert {s.findtext("metadata") for s in service} == {"true", "false"}


def test_service_definition_lists_attributes_with_their_values(o311, conforms, catalogue):
    definition = conforms(o311.get("services/potholes.json"), "service_definition")
    assert [a["code"] for a in definition["attributes"]] == ["depth", "surface", "hazards", "noticed", "info"]
    hazards = definition["attributes"][2]
    assert hazards["datatype"] == "multivaluelist"
    assert hazards["values"] == [
        {"key": "water", "name": "Filled with water"},
        {"key": "traffic", "name": "In a traffic lane"},
    ]
    assert definition["attributes"][0]["required"] is True
    assert definition["attributes"][4]["variable"] is False
    root = xml_root(o311.get("services/potholes.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "potholes"
    values = root.findall("attributes/attribute/values/value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values][:2] == [
        ("asphalt", "Asphalt"),
        ("gravel", "Gravel"),
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_or_request_is_404(o311, conforms, catalogue, fmt):
    assert_error(o311.get(f"services/nope.{fmt}"), 404, fmt, conforms)
    assert_error(o311.get(f"services/roads.{fmt}"), 404, fmt, conforms)  # a group, not a service
    assert_error(o311.get(f"services/retired.{fmt}"), 404, fmt, conforms)
    assert_error(o311.get(f"requests/999999.{fmt}"), 404, fmt, conforms)
    assert_error(o311.get(f"tokens/unknown-token.{fmt}"), 404, fmt, conforms)
    assert_error(o311.get(f"nothing-here.{fmt}"), 404, fmt, conforms)
    assert_error(o311.post(f"requests.{fmt}", pothole(catalogue, service_code="nope")), 404, fmt, conforms)


def test_post_creates_a_demand_through_the_intake_and_get_reads_it_back(o311, conforms, catalogue):
    response = o311.post(
        "requests.json",
        pothole(
            catalogue,
            email="alice@example.org",
            phone="13812345678",
            first_name="Alice",
            last_name="Zhangsan",
            device_id="device-42",
            account_id="acct-7",
            media_url="https://example.org/photo.jpg",
            description="Pothole near the school. Call me on 13812345678, Alice Zhangsan.",
        ),
    )
    assert response.status == 201, response.body
    answer = conforms(response, "post_request")[0]
    case = Case.objects.get(public_id=answer["service_request_id"])
    assert answer["account_id"] == "acct-7"
    assert case.channel == Channel.API and case.category.code == "potholes" and case.is_public
    assert case.citizen.email == "alice@example.org"
    submission = Submission.objects.get(case=case)
    assert submission.attributes == {"depth": "12", "surface": "asphalt", "hazards": ["water", "traffic"]}
    assert submission.device_id == "device-42" and submission.token is None

    read = o311.get(f"requests/{case.public_id}.json", headers={"Accept-Language": "en"})
    request = conforms(read, "requests")[0]
    assert request["service_request_id"] == case.public_id
    assert request["status"] == "open" and request["status_notes"] == ""
    assert request["service_code"] == "potholes" and request["service_name"] == "Potholes"
    assert request["media_url"] == "https://example.org/photo.jpg"
    assert request["lat"] == 28.201 and request["long"] == 112.951  # rounded as on the public map
    assert request["address"] == "人民路**号"
    body = read.body.decode()
    for personal in ("alice@", "13812345678", "Alice", "Zhangsan", "device-42", "acct-7", case.tracking_code):
        assert personal not in body
    # Not yet dispatched: the reply clock will start once the unit signs, at the latest one signing time
    # after a dispatch now (between the read's start and its end).
    policy = policy_for(category=case.category, urgency=case.urgency)

    def estimate(now):
        sign_by = stage_due(policy=policy, stage=ClockStage.SIGN, start=now)
        return stage_due(policy=policy, stage=ClockStage.REPLY, start=sign_by).replace(microsecond=0)

    assert case.status == "received" and case.due_sign_at is None
    before = timezone.now()
    answered = o311.get(f"requests/{case.public_id}.json").json()[0]["expected_datetime"]
    after = timezone.now() + timedelta(seconds=1)
    assert estimate(before) <= datetime.fromisoformat(answered) <= estimate(after)
    assert datetime.fromisoformat(answered) > stage_due(
        policy=policy, stage=ClockStage.REPLY, start=case.received_at
    ) - timedelta(seconds=1)
    assert request["requested_datetime"] == timezone.localtime(case.received_at).isoformat(timespec="seconds")


def test_post_in_xml_answers_in_xml(o311, catalogue):
    response = o311.post("requests.xml", pothole(catalogue))
    assert response.status == 201
    root = xml_root(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert [child.tag for child in request] == ["service_request_id", "service_notice", "account_id"]
    case_id = request.findtext("service_request_id")
    detail = xml_root(o311.get(f"requests/{case_id}.xml"))
    assert detail.tag == "service_requests"
    assert [child.tag for child in detail.find("request")][:3] == [
        "service_request_id",
        "status",
        "status_notes",
    ]


def test_a_retry_with_the_same_idempotency_key_creates_nothing_new(o311, catalogue):
    first = o311.post("requests.json", pothole(catalogue), headers={"Idempotency-Key": "fms-report-1"}).json()
    second = o311.post(
        "requests.json", pothole(catalogue), headers={"Idempotency-Key": "fms-report-1"}
    ).json()
    assert first[0]["service_request_id"] == second[0]["service_request_id"]
    assert Case.objects.count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_batch_service_answers_with_a_token_that_tokens_resolves(o311, conforms, catalogue, fmt):
    response = o311.post(f"requests.{fmt}", other_service(catalogue, "lights"))
    assert response.status == 201, response.body
    if fmt == "json":
        answer = conforms(response, "post_request")[0]
        assert answer["service_notice"] == "Lights are fixed at night."
        token = answer["token"]
        resolved = conforms(o311.get(f"tokens/{token}.json"), "tokens")[0]
    else:
        token = xml_root(response).findtext("request/token")
        root = xml_root(o311.get(f"tokens/{token}.xml"))
        assert root.tag == "service_requests"
        resolved = {child.tag: child.text for child in root.find("request")}
    assert resolved["token"] == token
    assert Case.objects.filter(public_id=resolved["service_request_id"], category__code="lights").exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_wrong_or_revoked_api_key_is_403(o311, conforms, catalogue, fmt):
    data = pothole(catalogue)
    del data["api_key"]
    assert_error(o311.post(f"requests.{fmt}", data), 403, fmt, conforms)
    assert_error(
        o311.post(f"requests.{fmt}", {**data, "api_key": catalogue.api_key[:-2] + "xx"}), 403, fmt, conforms
    )
    services.apikey_revoke(name="fixmystreet-test")
    assert_error(o311.post(f"requests.{fmt}", {**data, "api_key": catalogue.api_key}), 403, fmt, conforms)
    assert_error(o311.get(f"servicerequestupdates.{fmt}"), 403, fmt, conforms)
    assert not Case.objects.exists()


def _bad_inputs(catalogue):
    no_location = pothole(catalogue)
    for name in ("lat", "long", "address_string"):
        del no_location[name]
    return {
        "no service_code": pothole(catalogue, service_code=""),
        "no location": no_location,
        "lat out of range": pothole(catalogue, lat="91"),
        "long out of range": pothole(catalogue, long="-180.5"),
        "lat not a number": pothole(catalogue, lat="north"),
        "lat without long": {**no_location, "lat": "28.2", "address_string": "x"},
        "description too long": pothole(catalogue, description="坑" * 4001),
        "unknown multivaluelist value": pothole(catalogue, **{"attribute[hazards][]": ["water", "lava"]}),
        "unknown singlevaluelist value": pothole(catalogue, **{"attribute[surface]": "marble"}),
        "two values for a single value": pothole(catalogue, **{"attribute[surface]": ["asphalt", "gravel"]}),
        "number that is not a number": pothole(catalogue, **{"attribute[depth]": "deep"}),
        "required attribute missing": pothole(catalogue, **{"attribute[depth]": ""}),
        "datetime without a time zone": pothole(catalogue, **{"attribute[noticed]": "2024-05-01T08:00:00"}),
        "unknown attribute": pothole(catalogue, **{"attribute[colour]": "red"}),
        "informational attribute answered": pothole(catalogue, **{"attribute[info]": "ok"}),
        "malformed attribute name": pothole(catalogue, **{"attribute[depth": "3"}),
        "invalid e-mail": pothole(catalogue, email="not-an-address"),
        "media_url not http": pothole(catalogue, media_url="javascript:alert(1)"),
        "NUL character": pothole(catalogue, description="pothole\x00"),
    }


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_is_the_specifications_400_and_creates_nothing(o311, conforms, catalogue, fmt):
    for label, data in _bad_inputs(catalogue).items():
        response = o311.post(f"requests.{fmt}", data)
        assert response.status == 400, (label, response.status, response.body[:300])
        assert_error(response, 400, fmt, conforms)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_huge_body_broken_utf8_or_wrong_content_type_is_400(o311, conforms, catalogue, fmt):
    huge = (
        "api_key=" + catalogue.api_key + "&service_code=potholes&lat=1&long=1&description="
    ).encode() + b"x" * (5 * 1024 * 1024)
    assert_error(o311.request("POST", f"requests.{fmt}", body=huge), 400, fmt, conforms)
    broken = f"api_key={catalogue.api_key}&service_code=potholes&lat=1&long=1&description=%C3%28".encode()
    assert_error(o311.request("POST", f"requests.{fmt}", body=broken), 400, fmt, conforms)
    assert_error(o311.request("GET", f"requests.{fmt}?service_code=%FF%FE"), 400, fmt, conforms)
    json_body = b'{"service_code": "potholes"}'
    response = o311.request(
        "POST", f"requests.{fmt}", body=json_body, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400, fmt, conforms)
    assert not Case.objects.exists()


def _post(o311, catalogue, **extra):
    """POST a pothole; its demand's (numeric) key."""
    public_id = o311.post("requests.json", pothole(catalogue, **extra)).json()[0]["service_request_id"]
    return Case.objects.get(public_id=public_id).pk


def _public(pk):
    return Case.objects.get(pk=pk).public_id


def test_get_requests_filters_by_id_code_status_and_dates(o311, conforms, catalogue):
    first = _post(o311, catalogue)
    second_id = o311.post("requests.json", other_service(catalogue, "noise")).json()[0]["service_request_id"]
    second = Case.objects.get(public_id=second_id).pk
    old = Case.objects.get(pk=first)
    Case.objects.filter(pk=first).update(received_at=old.received_at - timedelta(days=120))

    default = conforms(o311.get("requests.json"), "requests")
    assert [r["service_request_id"] for r in default] == [_public(second)]  # the last 90 days only
    listed = o311.get("requests.json", {"service_request_id": f"{first},{second}"}).json()
    assert {r["service_request_id"] for r in listed} == {_public(first), _public(second)}
    assert o311.get("requests.json", {"service_code": "potholes"}).json() == []
    assert len(o311.get("requests.json", {"service_code": "potholes,noise"}).json()) == 1
    assert len(o311.get("requests.json", {"status": "open"}).json()) == 1
    assert o311.get("requests.json", {"status": "closed"}).json() == []
    start = (timezone.now() - timedelta(days=130)).isoformat()
    end = (timezone.now() - timedelta(days=100)).isoformat()
    dated = o311.get("requests.json", {"start_date": start, "end_date": end}).json()
    assert [r["service_request_id"] for r in dated] == [_public(first)]
    assert len(o311.get("requests.json", {"start_date": start}).json()) == 1
    far_offset = o311.get("requests.json", {"start_date": "2024-05-01T08:00:00-19:00"})
    assert far_offset.status == 200 and far_offset.json() == []
    page_1 = o311.get("requests.json", {"service_request_id": f"{first},{second}", "page_size": "1"}).json()
    assert len(page_1) == 2  # service_request_id overrides every other parameter
    root = xml_root(o311.get("requests.xml", {"service_request_id": f"{first},{second}"}))
    assert root.tag == "service_requests" and len(root.findall("request")) == 2


def test_get_requests_pages(o311, catalogue):
    ids = [_post(o311, catalogue) for _ in range(3)]
    page_1 = o311.get("requests.json", {"page_size": "2"}).json()
    page_2 = o311.get("requests.json", {"page_size": "2", "page": "2"}).json()
    assert [r["service_request_id"] for r in page_1 + page_2] == [_public(i) for i in reversed(ids)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_query_parameters_are_400(o311, conforms, catalogue, fmt):
    now = timezone.now()
    for params in (
        {"start_date": "2024-05-01T08:00:00"},
        {"end_date": "2024-05-01"},
        {"start_date": "yesterday"},
        {"start_date": (now - timedelta(days=100)).isoformat(), "end_date": now.isoformat()},
        {"start_date": now.isoformat(), "end_date": (now - timedelta(days=1)).isoformat()},
        {"status": "pending"},
        {"page": "0"},
        {"page_size": "5000"},
        {"service_request_id": "1,ABC!"},
        {"end_date": "0001-01-02T00:00:00+00:00"},
    ):
        assert_error(o311.get(f"requests.{fmt}", params), 400, fmt, conforms)


def test_extensions_add_the_masked_update_history(o311, conforms, catalogue, dispatcher):
    from massline.cases.services.handling import case_dispatch

    case_id = _post(o311, catalogue, first_name="Alice", last_name="Zhangsan")
    case_dispatch(
        case=Case.objects.get(pk=case_id), lead_unit=catalogue.org.unit_a, by=dispatcher, note="internal"
    )
    request = conforms(o311.get(f"requests/{case_id}.json", {"extensions": "true"}), "requests")[0]
    assert [note["type"] for note in request["notes"]] == ["open", "investigating"]
    assert "internal" not in str(request["notes"])
    plain = o311.get(f"requests/{case_id}.json").json()[0]
    assert "notes" not in plain
    listed = o311.get("requests.xml", {"extensions": "true"})
    assert [n.tag for n in xml_root(listed).find("request/notes/note")] == [
        "datetime",
        "summary",
        "type",
        "description",
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_servicerequestupdates_lists_public_events_in_the_range(o311, conforms, catalogue, dispatcher, fmt):
    from massline.cases.services.handling import case_dispatch

    case_id = _post(o311, catalogue)
    case_dispatch(case=Case.objects.get(pk=case_id), lead_unit=catalogue.org.unit_a, by=dispatcher)
    params = {
        "api_key": catalogue.api_key,
        "start_date": (timezone.now() - timedelta(hours=1)).isoformat(),
        "end_date": (timezone.now() + timedelta(hours=1)).isoformat(),
    }
    response = o311.get(f"servicerequestupdates.{fmt}", params)
    assert response.status == 200, response.body
    if fmt == "json":
        updates = conforms(response, "updates")
        assert [(u["service_request_id"], u["status"]) for u in updates] == [
            (_public(case_id), "open"),
            (_public(case_id), "investigating"),
        ]
    else:
        root = xml_root(response)
        assert root.tag == "service_request_updates"
        update = root.findall("request_update")
        assert len(update) == 2
        assert [c.tag for c in update[0]] == [
            "update_id",
            "service_request_id",
            "status",
            "updated_datetime",
            "description",
            "media_url",
        ]
    past = {**params, "end_date": (timezone.now() - timedelta(minutes=30)).isoformat()}
    assert o311.get("servicerequestupdates.json", past).json() == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_key_over_its_rate_limit_gets_429(o311, conforms, catalogue, fmt):
    _key, raw = services.apikey_create(name="slow-client", rate_limit_per_minute=2)
    data = pothole(catalogue, api_key=raw)
    assert o311.post(f"requests.{fmt}", data).status == 201
    assert o311.post(f"requests.{fmt}", data).status == 201
    response = o311.post(f"requests.{fmt}", data)
    assert_error(response, 429, fmt, conforms)
    assert "Retry-After" in response.headers
    assert Case.objects.count() == 2


def test_jurisdiction_id_is_checked_where_configured(o311, conforms, catalogue):
    with override_settings(MASSLINE_OPEN311_JURISDICTION="demo-county.gov.cn"):
        assert o311.get("services.json", {"jurisdiction_id": "demo-county.gov.cn"}).status == 200
        assert o311.get("services.json").status == 200
        assert_error(o311.get("services.json", {"jurisdiction_id": "elsewhere"}), 404, "json", conforms)
        assert_error(
            o311.post("requests.xml", pothole(catalogue, jurisdiction_id="elsewhere")), 404, "xml", conforms
        )
    assert o311.get("services.json", {"jurisdiction_id": "anything"}).status == 200


def test_other_methods_are_refused_in_the_specifications_shape(o311, conforms, catalogue):
    response = o311.request("DELETE", "requests.json")
    assert response.status == 405 and response.headers["Allow"] == "GET, POST"
    conforms(response, "errors")
    assert_error(o311.request("POST", "services.xml", body=b""), 405, "xml", conforms)


def test_errors_are_translated_for_a_chinese_client(o311, catalogue):
    english = o311.get("services/nope.json", headers={"Accept-Language": "en"}).json()[0]["description"]
    chinese = o311.get("services/nope.json", headers={"Accept-Language": "zh-hans"}).json()[0]["description"]
    assert "nope" in english and "nope" in chinese
    assert english != chinese and any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
