"""The workbench pages: who may open which (every persona), the actions through HTTP with htmx, and
refusals coming back as a message with a 4xx status and the form as typed, never a 500."""

from datetime import timedelta

import pytest
from django.urls import reverse

from massline.cases.choices import CaseStatus, ReturnReason
from massline.cases.models import Case, Notification
from massline.cases.services import handling as h
from massline.org.testing import PERSONAS

from . import handling_fixtures
from .handling_fixtures import MONDAY, make_case

world = handling_fixtures.world

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(world):
    case = make_case(world)
    h.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    h.case_sign(case=case, unit=world.org.unit_a, by=world.officer_a, at=MONDAY)
    return case


PAGES = {
    "queue": {"dispatcher", "admin_user"},
    "unit_queue": {"officer_a", "officer_b", "unit_head_a", "admin_user"},
    "supervision": {"supervisor", "inspector", "admin_user"},
    "notifications": {
        "officer_a",
        "officer_b",
        "unit_head_a",
        "dispatcher",
        "supervisor",
        "inspector",
        "admin_user",
    },
}
DETAIL_ALLOWED = {"officer_a", "unit_head_a", "dispatcher", "supervisor", "inspector", "admin_user"}


@pytest.fixture
def everyone(request, case_a):
    """Every persona's user (created once per test), so one test walks the whole matrix."""
    return {p: (None if p == "anonymous" else request.getfixturevalue(p)) for p in PERSONAS}


@pytest.mark.parametrize("page", PAGES)
def test_who_may_open_each_page(page, everyone, client_for):
    for persona, user in everyone.items():
        response = client_for(user or "anonymous").get(reverse(f"cases_staff:{page}"))
        if persona == "anonymous":
            expected = 302
            assert "/login" in response["Location"]
        else:
            expected = 200 if persona in PAGES[page] else 403
        assert response.status_code == expected, persona


def test_who_may_open_a_demand(everyone, client_for, case_a):
    for persona, user in everyone.items():
        response = client_for(user or "anonymous").get(reverse("cases_staff:detail", args=[case_a.pk]))
        if persona == "anonymous":
            assert response.status_code == 302
        elif persona in DETAIL_ALLOWED:
            assert response.status_code == 200, persona
            assert case_a.tracking_code in response.content.decode()
        elif persona in ("citizen", "outsider"):
            assert response.status_code == 403, persona
        else:
            assert response.status_code == 404, persona  # officer B: not their unit's demand


def test_officer_b_cannot_act_on_unit_as_demand(client_for, case_a):
    response = client_for("officer_b").post(
        reverse("cases_staff:act", args=[case_a.pk, "reply"]), {"reply-text": "已处理"}
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=case_a.pk).status == CaseStatus.IN_PROGRESS


def test_the_dispatcher_queue_lists_returned_before_new(world, client_for):
    new = make_case(world, title="新的诉求", received_at=MONDAY - timedelta(days=2))
    returned = make_case(world, title="退回的诉求", received_at=MONDAY)
    h.case_dispatch(case=returned, lead_unit=world.org.unit_a, by=world.dispatcher, at=MONDAY)
    h.case_return(
        case=returned,
        unit=world.org.unit_a,
        reason=ReturnReason.NOT_OUR_AREA,
        note="不在辖区",
        by=world.officer_a,
        at=MONDAY,
    )
    response = client_for("dispatcher").get(reverse("cases_staff:queue"))
    body = response.content.decode()
    assert body.index(returned.tracking_code) < body.index(new.tracking_code)
    filtered = (
        client_for("dispatcher").get(reverse("cases_staff:queue"), {"status": "received"}).content.decode()
    )
    assert new.tracking_code in filtered and returned.tracking_code not in filtered


def test_the_queue_page_needs_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    for i in range(30):
        make_case(world, title=f"诉求 {i}")
    client = client_for("dispatcher")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("cases_staff:queue"))
    assert response.status_code == 200


def test_dispatch_sign_and_reply_through_the_pages_with_htmx(world, client_for):
    case = make_case(world)
    dispatcher, officer = client_for("dispatcher"), client_for("officer_a")
    url = reverse("cases_staff:act", args=[case.pk, "dispatch"])
    response = dispatcher.post(
        url,
        {"dispatch-lead_unit": world.org.unit_a.pk, "dispatch-note": "请处理", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="case-panel"' in response.content.decode() and "<html" not in response.content.decode()
    response = officer.post(reverse("cases_staff:act", args=[case.pk, "sign"]))
    assert response.status_code == 302
    response = officer.post(
        reverse("cases_staff:act", args=[case.pk, "reply"]), {"reply-text": "已修复路灯。"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED and case.reply == "已修复路灯。"


def test_a_form_error_keeps_the_input_and_answers_400(world, client_for, case_a):
    response = client_for("officer_a").post(
        reverse("cases_staff:act", args=[case_a.pk, "return"]),
        {"return-reason": "", "return-note": "我写的说明"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "我写的说明" in body and 'aria-invalid="true"' in body


def test_a_refusal_shows_the_message_with_a_4xx(world, client_for, case_a):
    h.case_return(
        case=case_a,
        unit=world.org.unit_a,
        reason=ReturnReason.NOT_OUR_DUTY,
        note="不是职责",
        by=world.officer_a,
    )
    h.case_arbitrate(case=case_a, decision="force", unit=world.org.unit_a, by=world.dispatcher, note="属甲局")
    response = client_for("officer_a").post(
        reverse("cases_staff:act", args=[case_a.pk, "return"]),
        {"return-reason": ReturnReason.NOT_OUR_DUTY, "return-note": "再退"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "cannot be returned again" in response.content.decode()


def test_a_stale_page_is_refused_not_overwritten(world, client_for, case_a):
    stale_version = Case.objects.get(pk=case_a.pk).version
    h.case_note(case=case_a, by=world.officer_a, note="别人先改了")
    response = client_for("officer_a").post(
        reverse("cases_staff:act", args=[case_a.pk, "contact"]),
        {"contact-note": "已联系", "version": stale_version},
    )
    assert response.status_code == 409
    assert Case.objects.get(pk=case_a.pk).first_contact_at is None


def test_an_unknown_action_is_404(client_for, case_a):
    assert (
        client_for("officer_a").post(reverse("cases_staff:act", args=[case_a.pk, "explode"])).status_code
        == 404
    )


def test_notifications_list_and_mark_read(world, client_for, case_a):
    client = client_for("officer_a")
    body = client.get(reverse("cases_staff:notifications")).content.decode()
    assert case_a.tracking_code in body
    client.post(reverse("cases_staff:notifications"))
    assert not Notification.objects.filter(user=world.officer_a, read_at__isnull=True).exists()


def test_the_supervisor_decides_a_record_on_the_page(world, client_for, case_a):
    from massline.cases.models import AccountabilityRecord
    from massline.cases.services.clock import clock_tick

    from .handling_fixtures import at

    for _ in range(4):
        clock_tick(now=at(2026, 3, 30, 9))
    record = AccountabilityRecord.objects.get()
    client = client_for("supervisor")
    assert f"decision-{record.pk}" in client.get(reverse("cases_staff:supervision")).content.decode()
    response = client.post(
        reverse("cases_staff:record_decide", args=[record.pk]), {"decision": "criticised", "note": ""}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("cases_staff:record_decide", args=[record.pk]), {"decision": "criticised", "note": "通报"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.decision == "criticised"
    assert (
        client_for("inspector")
        .post(reverse("cases_staff:record_decide", args=[record.pk]), {"decision": "excused", "note": "x"})
        .status_code
        == 403
    )


def test_the_workbench_links_appear_for_the_roles(client_for, world):
    body = client_for("dispatcher").get(reverse("web:staff_home")).content.decode()
    assert reverse("cases_staff:queue") in body
    assert reverse("cases_staff:unit_queue") not in body
    body = client_for("officer_a").get(reverse("web:staff_home")).content.decode()
    assert reverse("cases_staff:unit_queue") in body
