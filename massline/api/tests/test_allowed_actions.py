"""The API's allowed_actions walk a demand's life: at each step, for each persona, it is what the
actions table allows that persona in that status, and what the staff page offers."""

import pytest
from django.test import RequestFactory

from massline.cases import actions
from massline.cases.models import Case
from massline.cases.views_staff import _panel_context

from .test_api import submit

pytestmark = pytest.mark.django_db

PERSONAS = ["dispatcher", "officer_a", "officer_b", "unit_head_a", "supervisor", "admin_user"]


def _page_offer(user, case):
    request = RequestFactory().get("/")
    request.user = user
    return _panel_context(request, Case.objects.get(pk=case.pk))["offer"]


def _check_step(api_as, request, case, expected):
    for persona in PERSONAS:
        answer = api_as(persona).get(f"/staff/demands/{case.pk}")
        if answer.status_code == 404:
            assert expected.get(persona) is None, persona
            continue
        offered = answer.json()["allowed_actions"]
        assert offered == _page_offer(request.getfixturevalue(persona), case), persona
        assert set(offered) <= set(actions.ACTIONS)
        for name in offered:
            assert Case.objects.get(pk=case.pk).status in actions.ACTIONS[name].statuses
        if persona in expected:
            assert set(expected[persona]) <= set(offered), (persona, offered)


def test_allowed_actions_follow_the_table_through_a_demands_life(api_as, catalogue, request):
    case = submit(catalogue, category=None)
    assert case.status == "received"
    _check_step(api_as, request, case, {"dispatcher": ["dispatch", "merge"]})
    as_dispatcher = api_as("dispatcher")
    as_dispatcher.post(f"/staff/demands/{case.pk}/dispatch", {"lead_unit": catalogue.org.unit_a.code})
    _check_step(api_as, request, case, {"officer_a": ["sign", "return"], "dispatcher": ["transfer", "note"]})
    api_as("officer_a").post(f"/staff/demands/{case.pk}/sign", {"unit": catalogue.org.unit_a.code})
    _check_step(
        api_as, request, case, {"officer_a": ["contact", "reply", "pause", "extension_request", "note"]}
    )
    api_as("officer_a").post(f"/staff/demands/{case.pk}/reply", {"text": "已修复。"})
    _check_step(api_as, request, case, {"dispatcher": ["rate"]})
    reply = api_as("officer_a").get(f"/staff/demands/{case.pk}").json()["allowed_actions"]
    assert "reply" not in reply and "sign" not in reply
