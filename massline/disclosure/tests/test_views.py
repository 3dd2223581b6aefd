"""The pages: public form, tracking, register, statistics and reports; the staff queue and steps for every
persona (outsiders 403, officials out of scope 404)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from massline.disclosure.choices import RequestStatus
from massline.disclosure.models import DisclosureRequest

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(make_request):
    return make_request(received_at=local(2026, 9, 24, 10))


def test_the_public_form_acknowledges_with_a_tracking_code(client, org):
    response = client.post(
        reverse("disclosure:submit"),
        {
            "unit": org.unit_a.pk,
            "description": "Budget of 2025",
            "delivery": "electronic",
            "applicant_kind": "person",
            "applicant_name": "张三",
            "id_document": "X123",
            "email": "z@example.org",
        },
        follow=True,
    )
    created = DisclosureRequest.objects.get()
    assert response.status_code == 200
    assert created.tracking_code in response.content.decode()


def test_the_public_form_refuses_a_request_without_agency_and_saves_nothing(client, org):
    response = client.post(
        reverse("disclosure:submit"),
        {
            "description": "Budget",
            "delivery": "electronic",
            "applicant_kind": "person",
            "applicant_name": "张三",
            "id_document": "X1",
            "phone": "139",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "请选择应当答复申请的机关" in response.content.decode()
    assert not DisclosureRequest.objects.exists()


def test_the_tracking_page_shows_the_due_date_and_never_the_contact(client, item):
    page = client.get(reverse("disclosure:track", args=[item.tracking_code])).content.decode()
    assert "2026-10-29 17:30" in page
    assert "13911112222" not in page and "110101199001011234" not in page


def test_the_applicant_sends_the_corrected_request_online(client, make_request, officer_a):
    from massline.disclosure import services

    item = make_request(received_at=timezone.now() - timedelta(minutes=2))
    services.request_clarify(
        request=item, note="Which road?", by=officer_a, at=timezone.now() - timedelta(minutes=1)
    )
    url = reverse("disclosure:correct", args=[item.tracking_code])
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "Riverside road."}).status_code == 302
    item.refresh_from_db()
    assert item.status == RequestStatus.RECEIVED


def test_the_register_and_its_detail_mask_the_applicant(client, item):
    listing = client.get(reverse("disclosure:register"), {"q": "road maintenance"}).content.decode()
    assert item.tracking_code in listing
    detail = client.get(reverse("disclosure:register_detail", args=[item.tracking_code])).content.decode()
    assert "张*" in detail and "张三" not in detail and "13911112222" not in detail


def test_statistics_and_reports_download(client, item):
    assert client.get(reverse("disclosure:statistics"), {"year": 2026}).status_code == 200
    assert client.get(reverse("disclosure:statistics"), {"year": "x"}).status_code == 404
    pdf = client.get(reverse("disclosure:report_pdf"), {"year": 2026})
    assert pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(reverse("disclosure:report_xlsx"), {"year": 2026})
    assert xlsx.status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("outsider", 403),
        ("officer_a", 200),
        ("officer_b", 404),
        ("unit_head_a", 200),
        ("supervisor", 200),
        ("admin_user", 200),
    ],
)
def test_the_staff_detail_for_every_persona(client_for, item, persona, status):
    assert client_for(persona).get(reverse("disclosure_staff:detail", args=[item.pk])).status_code == status


def test_officer_b_does_not_see_unit_a_in_the_queue(client_for, item):
    assert (
        item.tracking_code
        not in client_for("officer_b").get(reverse("disclosure_staff:list")).content.decode()
    )
    assert (
        item.tracking_code in client_for("officer_a").get(reverse("disclosure_staff:list")).content.decode()
    )


def test_a_step_with_bad_input_is_a_400_and_saves_nothing(client_for, item):
    url = reverse("disclosure_staff:step", args=[item.pk, "answer"])
    response = client_for("officer_a").post(
        url, {"answer-answer_type": "not_disclosed", "answer-text": "No."}
    )
    assert response.status_code == 400
    assert "法律依据" in response.content.decode()
    item.refresh_from_db()
    assert item.status == RequestStatus.RECEIVED


def test_a_handler_may_not_approve_an_extension(client_for, item):
    url = reverse("disclosure_staff:step", args=[item.pk, "extend"])
    assert client_for("officer_a").post(url, {"extend-reason": "Volume."}).status_code == 403


def test_the_handler_asks_for_clarification(client_for, item):
    url = reverse("disclosure_staff:step", args=[item.pk, "clarify"])
    response = client_for("officer_a").post(
        url, {"clarify-note": "Which road?", "clarify-at": "2026-09-29T15:00"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RequestStatus.CLARIFICATION


def test_public_requests_are_rate_limited(client, org, settings):
    settings.MASSLINE_DISCLOSURE_SUBMIT_RATE = 1
    url = reverse("disclosure:submit")
    assert client.post(url, {"description": ""}).status_code == 400
    assert client.post(url, {"description": ""}).status_code == 429


def test_an_unknown_tracking_code_is_a_404(client, org):
    assert client.get(reverse("disclosure:track", args=["GKNOPE"])).status_code == 404
    assert client.get(reverse("disclosure:register_detail", args=["GKNOPE"])).status_code == 404


def test_a_withheld_request_is_not_on_the_register(client, item, officer_a):
    from massline.disclosure import services

    services.request_withhold(request=item, reason="Names a private person.", by=officer_a)
    assert client.get(reverse("disclosure:register_detail", args=[item.tracking_code])).status_code == 404
    assert item.tracking_code not in client.get(reverse("disclosure:register")).content.decode()
