"""/api/v1/: the document, the error shape, demands (public and staff, scoped like the web UI), staff
actions through the cases services, reference data and statistics."""

import pytest

from massline.audit.models import AuditEvent
from massline.cases.choices import CaseStatus, Channel
from massline.cases.models import Case
from massline.cases.services.intake import case_submit

pytestmark = pytest.mark.django_db

DEMAND = {
    "type": "complaint",
    "title": "路灯不亮",
    "description": "小区门口的路灯坏了一个星期。请联系 13812345678。",
    "category": "lights",
    "address": "幸福路12号",
    "citizen_name": "张三丰",
    "citizen_phone": "13812345678",
    "is_public": True,
}


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["message"]
    if code:
        assert body["code"] == code
    return body


def submit(catalogue, **fields):
    values = {
        "type": "complaint",
        "title": "路灯不亮",
        "description": "路灯坏了。",
        "category": catalogue.lights,
        "is_public": True,
        "citizen_name": "张三丰",
        "citizen_phone": "13812345678",
        **fields,
    }
    return case_submit(channel=Channel.API, **values)


def test_the_openapi_document_and_the_docs_page_are_served_locally(api_as):
    document = api_as().get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert (
        "/api/v1/demands" in document["paths"] and "/api/v1/staff/demands/{id}/dispatch" in document["paths"]
    )
    assert "ErrorOut" in document["components"]["schemas"]
    page = api_as().get("/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()


def test_creating_a_demand_with_an_idempotency_key_creates_it_once(api_as, catalogue):
    client = api_as()
    first = client.post("/demands", DEMAND, **{"Idempotency-Key": "form-1"})
    assert first.status_code == 201, first.content
    again = client.post("/demands", DEMAND, **{"Idempotency-Key": "form-1"})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    case = Case.objects.get()
    assert case.channel == Channel.API and case.category == catalogue.lights
    assert first.json()["tracking_code"] == case.tracking_code


def test_bad_input_gets_the_documented_error_shape(api_as, catalogue):
    client = api_as()
    body = assert_error(client.post("/demands", {**DEMAND, "title": ""}), 422, "invalid_input")
    assert body["details"][0]["loc"][-1] == "title"
    assert_error(client.post("/demands", {**DEMAND, "lat": 91, "lon": 10}), 422, "invalid_input")
    assert_error(client.post("/demands", {**DEMAND, "description": "x\x00"}), 422, "invalid_input")
    assert_error(client.post("/demands", {**DEMAND, "category": "nope"}), 404, "not_found")
    assert_error(client.get("/demands", {"cursor": "garbage!"}), 400, "invalid_cursor")
    assert_error(client.get("/demands/999999"), 404, "not_found")
    assert_error(
        api_as().client.get("/api/v1/staff/demands", headers={"Authorization": "Bearer wrong-token-x"}), 401
    )
    assert not Case.objects.exists()


def test_messages_follow_the_clients_language(api_as, catalogue):
    english = api_as().get("/demands/999999", HTTP_ACCEPT_LANGUAGE="en")
    chinese = api_as().client.get("/api/v1/demands/999999", headers={"Accept-Language": "zh-hans"})
    assert english.json()["code"] == chinese.json()["code"] == "not_found"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.json()["message"])


def test_public_demands_are_masked_and_paged_by_cursor(api_as, catalogue):
    cases = [submit(catalogue, address="幸福路12号") for _ in range(3)]
    private = submit(catalogue, is_public=False)
    client = api_as()
    page_1 = client.get("/demands", {"limit": 2}).json()
    page_2 = client.get("/demands", {"limit": 2, "cursor": page_1["next_cursor"]}).json()
    assert page_2["next_cursor"] is None
    ids = [item["id"] for item in page_1["items"] + page_2["items"]]
    assert ids == [case.pk for case in reversed(cases)] and private.pk not in ids
    text = str(page_1) + str(client.get(f"/demands/{cases[0].pk}").json())
    assert "13812345678" not in text and "张三丰" not in text and "12号" not in text
    assert "tracking_code" not in text
    assert_error(client.get(f"/demands/{private.pk}"), 404)
    timeline = client.get(f"/demands/{cases[0].pk}/timeline").json()
    assert timeline and timeline[0]["kind"] == "received"


def test_staff_see_their_scope_only_and_act_through_the_services(api_as, catalogue, officer_a, dispatcher):
    case = submit(catalogue)
    as_b, as_a, as_centre = api_as("officer_b"), api_as("officer_a"), api_as("dispatcher")
    assert_error(as_b.get(f"/staff/demands/{case.pk}"), 404)
    assert_error(as_b.post(f"/staff/demands/{case.pk}/sign", {"unit": catalogue.org.unit_a.code}), 404)
    assert_error(api_as().get("/staff/demands"), 401)

    dispatched = as_centre.post(
        f"/staff/demands/{case.pk}/dispatch", {"lead_unit": catalogue.org.unit_a.code}
    )
    assert dispatched.status_code == 200, dispatched.content
    assert dispatched.json()["status"] == CaseStatus.DISPATCHED
    assert_error(as_a.post(f"/staff/demands/{case.pk}/dispatch", {"lead_unit": "unit-a"}), 403)
    assert as_a.post(f"/staff/demands/{case.pk}/sign", {"unit": catalogue.org.unit_a.code}).status_code == 200
    assert case.pk in [item["id"] for item in as_a.get("/staff/demands").json()["items"]]
    assert case.pk not in [item["id"] for item in as_b.get("/staff/demands").json()["items"]]

    detail = as_a.get(f"/staff/demands/{case.pk}").json()
    assert detail["citizen"]["phone"] == "+8613812345678"
    assert AuditEvent.objects.filter(action="personal_data.read", object_id=str(case.pk)).exists()

    extension = as_a.post(f"/staff/demands/{case.pk}/extend", {"amount": "2", "reason": "需要协调"})
    assert extension.status_code == 200 and extension.json()["status"] == "requested"
    replied = as_a.post(f"/staff/demands/{case.pk}/reply", {"text": "已修复。"})
    assert replied.status_code == 200 and replied.json()["status"] == CaseStatus.REPLIED
    assert_error(as_a.post(f"/staff/demands/{case.pk}/reply", {"text": "again"}), 409, "invalid_transition")
    rated = as_centre.post(f"/staff/demands/{case.pk}/rate", {"resolved": True, "satisfaction": "satisfied"})
    assert rated.status_code == 200 and rated.json()["status"] == CaseStatus.CLOSED
    timeline = as_a.get(f"/staff/demands/{case.pk}/timeline").json()
    assert [e["kind"] for e in timeline][:3] == ["received", "dispatched", "signed"]


def test_a_returned_demand_goes_to_arbitration(api_as, catalogue, officer_a, dispatcher):
    case = submit(catalogue)
    api_as("dispatcher").post(f"/staff/demands/{case.pk}/dispatch", {"lead_unit": catalogue.org.unit_a.code})
    response = api_as("officer_a").post(
        f"/staff/demands/{case.pk}/return",
        {"unit": catalogue.org.unit_a.code, "reason": "not_our_area", "note": "属于二号镇"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == CaseStatus.ARBITRATION


def test_the_citizen_rates_with_the_tracking_code(api_as, catalogue, officer_a, dispatcher):
    case = submit(catalogue)
    api_as("dispatcher").post(f"/staff/demands/{case.pk}/dispatch", {"lead_unit": catalogue.org.unit_a.code})
    as_a = api_as("officer_a")
    as_a.post(f"/staff/demands/{case.pk}/sign", {"unit": catalogue.org.unit_a.code})
    as_a.post(f"/staff/demands/{case.pk}/reply", {"text": "已修复。"})
    rating = {"resolved": True, "satisfaction": "basic"}
    assert_error(api_as().post(f"/demands/{case.pk}/rate", {**rating, "tracking_code": "WRONG"}), 404)
    rated = api_as().post(f"/demands/{case.pk}/rate", {**rating, "tracking_code": case.tracking_code})
    assert rated.status_code == 200 and rated.json()["status"] == CaseStatus.CLOSED


def test_reference_data_statistics_and_me(api_as, catalogue, officer_a):
    client = api_as()
    assert [c["code"] for c in client.get("/categories").json()] == ["lights"]
    assert catalogue.org.unit_a.code in [u["code"] for u in client.get("/units").json()]
    assert catalogue.org.county.code in [r["code"] for r in client.get("/regions").json()]
    submit(catalogue)
    figures = client.get("/statistics").json()
    assert figures["received"] == 1 and figures["open"] == 1
    assert_error(
        client.get("/statistics", {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}), 400
    )
    me = api_as("officer_a").get("/me").json()
    assert me["username"] == "officer_a" and me["roles"] == ["handler"]
