import pytest

from massline.disclosure import demo
from massline.disclosure.choices import EscalationLevel, RequestStatus
from massline.disclosure.models import DisclosureRequest
from massline.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_the_demo_adds_requests_in_different_states_once():
    report = org_demo.DemoReport()
    org_demo.load_demo(report)
    demo.load_demo(report)
    count = DisclosureRequest.objects.count()
    demo.load_demo(report)
    assert DisclosureRequest.objects.count() == count == 7
    statuses = set(DisclosureRequest.objects.values_list("status", flat=True))
    assert statuses == {
        RequestStatus.ANSWERED,
        RequestStatus.LAPSED,
        RequestStatus.RECEIVED,
        RequestStatus.CONSULTATION,
    }
    overdue = DisclosureRequest.objects.get(description__startswith="城区道路挖掘")
    assert overdue.escalation_level == EscalationLevel.ACCOUNTABLE
    assert list(overdue.escalations.values_list("level", flat=True)) == [1, 2, 3, 4]
    answered = DisclosureRequest.objects.get(description__startswith="2025年老旧小区")
    assert answered.on_time and answered.is_extended and answered.fee == 120
