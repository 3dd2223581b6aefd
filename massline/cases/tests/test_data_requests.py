"""Citizens' requests to see or delete their data: the one-time SMS code, submitting (by phone or tracking
code), the official's answer (copy, erasure, refusals, legal hold), the due time on the working calendar,
the messages that tell the citizen, and the pages (bad input answered 4xx, nothing half-saved)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from massline.audit.models import AuditEvent
from massline.cases.choices import CaseStatus, CaseType, DataRequestKind, DataRequestStatus
from massline.cases.models import Case, DataRequest, PhoneChallenge
from massline.cases.services import data_requests as dr
from massline.cases.services.intake import case_submit
from massline.lib.errors import PermissionDenied
from massline.org.models import Citizen
from massline.outbox.models import Message

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _demand(phone="13800000001", *, closed=True, email=""):
    case = case_submit(
        type=CaseType.HELP,
        title="路灯不亮",
        description="小区门口的路灯坏了。",
        citizen_name="张三",
        citizen_phone=phone,
        citizen_email=email,
    )
    if closed:
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    return Case.objects.get(pk=case.pk)


def _code(phone):
    """The code in the last SMS sent to `phone` (as the citizen reads it)."""
    text = Message.objects.filter(to=phone, key__startswith="phone-code:").order_by("-pk").first().text
    return re.search(r"\b(\d{6})\b", text).group(1)


def _by_phone(kind, phone="13800000001"):
    dr.phone_code_send(phone=phone)
    return dr.data_request_submit(kind=kind, phone=phone, code=_code("+86" + phone))


def test_the_due_time_is_counted_in_working_days_across_the_year_end(settings, admin_user):
    settings.MASSLINE_DATA_REQUEST_DAYS = 3
    settings.MASSLINE_DATA_REQUEST_WARN_DAYS = 1
    _demand()
    with freeze_time(datetime(2025, 12, 29, 10, 0, tzinfo=SHANGHAI)):
        request = _by_phone(DataRequestKind.SEE)
    # Monday 29 Dec is not counted; 30 and 31 Dec, then (1-3 Jan being the New Year holiday) Sunday 4 Jan,
    # the make-up working day of the 2026 notice, are the three; due at its end, 17:30.
    assert request.due_at == datetime(2026, 1, 4, 17, 30, tzinfo=SHANGHAI)
    at = {
        "": datetime(2025, 12, 30, 10, 0, tzinfo=SHANGHAI),
        "soon": datetime(2025, 12, 31, 10, 0, tzinfo=SHANGHAI),
        "overdue": datetime(2026, 1, 4, 18, 0, tzinfo=SHANGHAI),
    }
    for expected, now in at.items():
        assert dr.urgency(request, now=now) == expected
    ack = Message.objects.get(key=f"data-request:{request.reference}:received")
    assert ack.to == "+8613800000001" and request.reference in ack.text


def test_a_copy_holds_every_personal_datum_and_opens_only_by_its_link(admin_user):
    first = _demand()
    second = _demand("+86 138 0000 0001", closed=False)  # the same caller, written another way
    Case.objects.filter(pk=first.pk).update(satisfaction="satisfied", rating_comment="很快修好了")
    other = _demand("13900000009")
    request = _by_phone(DataRequestKind.SEE)
    assert request.phone_masked == "138****0001" and request.due_at > request.submitted_at
    sent = set(Message.objects.filter(to="+8613800000001").values_list("text", flat=True))  # before the copy
    request, token = dr.data_request_decide(request=request, fulfil=True, by=admin_user)
    assert request.status == DataRequestStatus.FULFILLED and request.subject_key == ""
    data = request.export
    # Intake keeps one record per demand: both records with this phone are in the copy, the other not.
    assert [c["phone"] for c in data["citizen_records"]] == ["+8613800000001", "+8613800000001"]
    assert {d["tracking_code"] for d in data["demands"]} == {first.tracking_code, second.tracking_code}
    assert other.tracking_code not in str(data)
    assert "很快修好了" in str(data["demands"])
    assert sent and sent <= {m["text"] for m in data["messages_sent"]}
    assert dr.request_for_token(token) == request
    assert dr.request_for_token(token + "x") is None
    assert token not in str(DataRequest.objects.filter(pk=request.pk).values().get())
    sms = Message.objects.get(key=f"data-request:{request.reference}:fulfilled")
    assert token in sms.text and sms.to == "+8613800000001"
    assert AuditEvent.objects.filter(action="cases.data_request.fulfil", object_id=str(request.pk)).exists()


def test_delete_erases_the_contact_data_and_keeps_the_demands(admin_user):
    case = _demand(email="zs@example.cn")
    request = dr.data_request_submit(kind=DataRequestKind.DELETE, case=case)
    dr.data_request_decide(request=request, fulfil=True, by=admin_user)
    citizen = Citizen.objects.get(pk=case.citizen_id)
    assert (citizen.name, citizen.phone, citizen.email) == ("", "", "")
    assert Case.objects.get(pk=case.pk).title == "路灯不亮"
    told = Message.objects.get(key=f"data-request:{request.reference}:fulfilled")
    assert told.to == "+8613800000001"  # told before the number was erased
    erase = AuditEvent.objects.get(action="org.citizen.erase", object_id=str(citizen.pk))
    assert erase.details["reason"] == "citizen_request"


def test_delete_under_a_legal_hold_is_refused_and_nothing_is_erased(admin_user):
    case = _demand(closed=False)
    request = dr.data_request_submit(kind=DataRequestKind.DELETE, case=case)
    with pytest.raises(dr.DataRequestRefused, match="still being handled"):
        dr.data_request_decide(request=request, fulfil=True, by=admin_user)
    assert Citizen.objects.get(pk=case.citizen_id).phone == "+8613800000001"
    assert DataRequest.objects.get(pk=request.pk).status == DataRequestStatus.OPEN
    request, token = dr.data_request_decide(
        request=request, fulfil=False, refusal="open_demands", by=admin_user
    )
    assert token is None and request.status == DataRequestStatus.REFUSED
    told = Message.objects.get(key=f"data-request:{request.reference}:refused")
    assert "a demand is still being handled" in told.text
    assert (
        AuditEvent.objects.filter(action="cases.data_request.refuse", object_id=str(request.pk)).count() == 1
    )


def test_refusals_need_a_listed_reason_and_a_role_and_happen_once(admin_user, officer_a, dispatcher):
    request = dr.data_request_submit(kind=DataRequestKind.SEE, case=_demand())
    with pytest.raises(PermissionDenied):
        dr.data_request_decide(request=request, fulfil=False, refusal="identity", by=officer_a)
    with pytest.raises(dr.DataRequestRefused, match="reason"):
        dr.data_request_decide(request=request, fulfil=False, refusal="because", by=admin_user)
    dr.data_request_decide(request=request, fulfil=False, refusal="identity", by=dispatcher)
    with pytest.raises(dr.DataRequestRefused, match="already answered"):
        dr.data_request_decide(request=request, fulfil=True, by=admin_user)
    assert DataRequest.objects.get(pk=request.pk).refusal == "identity"


def test_wrong_codes_count_and_a_second_open_request_is_refused():
    _demand()
    dr.phone_code_send(phone="13800000001")
    with pytest.raises(dr.DataRequestRefused, match="4 tries left"):
        dr.data_request_submit(kind="see", phone="13800000001", code="000000x")
    assert PhoneChallenge.objects.get().attempts == 1  # the wrong try was kept, though refused
    good = _code("+8613800000001")
    first = dr.data_request_submit(kind="see", phone="13800000001", code=good)
    with pytest.raises(dr.DataRequestRefused, match="No valid code"):
        dr.data_request_submit(kind="delete", phone="13800000001", code=good)  # a code opens one request
    dr.phone_code_send(phone="13800000001")
    with pytest.raises(dr.DataRequestRefused, match="already have a data request"):
        dr.data_request_submit(kind="delete", phone="13800000001", code=_code("+8613800000001"))
    assert list(DataRequest.objects.all()) == [first]
    with pytest.raises(dr.DataRequestRefused, match="not a phone number"):
        dr.phone_code_send(phone="abc")
    dr.phone_code_send(phone="13800000001")
    with pytest.raises(dr.DataRequestRefused, match="Too many codes"):
        dr.phone_code_send(phone="13800000001")


def test_pages_refuse_bad_input_with_4xx(client_for):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.post(reverse("cases_privacy:index"), {"phone": "xyz"}).status_code == 400
    response = client.get(reverse("cases_privacy:request", kwargs={"reference": "DRNOSUCH"}))
    assert response.status_code == 404 and "No data request has the reference" in response.content.decode()
    assert client.get(reverse("cases_privacy:export", kwargs={"token": "nope"})).status_code == 404
    _demand()
    assert client.post(reverse("cases_privacy:index"), {"phone": "13800000001"}).status_code == 302
    response = client.post(reverse("cases_privacy:verify"), {"code": "000000", "kind": "see"})
    assert response.status_code == 400 and "The code is wrong" in response.content.decode()
    assert not DataRequest.objects.exists()
    response = client.post(reverse("cases_privacy:verify"), {"code": _code("+8613800000001"), "kind": "see"})
    request = DataRequest.objects.get()
    assert response.status_code == 302 and request.reference in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert request.reference in page and "13800000001" not in page
    staff = client_for("officer_a").get(reverse("cases_staff:data_requests"))
    assert staff.status_code == 403
    admin = client_for("admin_user")
    assert request.reference in admin.get(reverse("cases_staff:data_requests")).content.decode()
    url = reverse("cases_staff:data_request", kwargs={"pk": request.pk})
    assert admin.post(url, {"decision": "refuse"}).status_code == 400
    assert admin.post(url, {"decision": "fulfil"}).status_code == 302
    token = re.search(
        r"/privacy/copy/([^/\s]+)/", Message.objects.get(key__endswith=":fulfilled").text
    ).group(1)
    copy = client.get(reverse("cases_privacy:export", kwargs={"token": token}))
    assert copy.status_code == 200 and "+8613800000001" in copy.content.decode()
    download = client.get(reverse("cases_privacy:export", kwargs={"token": token}) + "?format=json")
    assert download["Content-Type"] == "application/json" and b"citizen_records" in download.content
    assert AuditEvent.objects.filter(action="cases.data_request.export_read").count() == 2
