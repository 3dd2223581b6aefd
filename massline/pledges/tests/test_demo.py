from datetime import timedelta

import pytest
from django.utils import timezone

from massline.org import demo as org_demo
from massline.pledges import demo
from massline.pledges.choices import NominationStatus, Phase
from massline.pledges.models import Escalation, Programme, Project

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_programme_in_delivery_once():
    report = org_demo.DemoReport()
    org_demo.load_demo(report)
    demo.load_demo(report)
    demo.load_demo(report)
    programme = Programme.objects.get()
    assert programme.phase == Phase.DELIVERY
    assert programme.results_published_at is not None and programme.result["method"] == "equal_shares"
    assert (
        programme.nominations.filter(status=NominationStatus.REJECTED).exclude(rejection_reason="").exists()
    )
    assert programme.nominations.filter(status=NominationStatus.MERGED).exists()
    chosen = Project.objects.filter(programme=programme, parent__isnull=True)
    assert chosen.count() >= 3
    assert sum(p.budget for p in chosen) <= programme.budget
    assert Project.objects.filter(parent__isnull=False).count() == 2
    if (timezone.localdate() - timedelta(days=40)).year == programme.year:  # an overdue milestone fits in
        assert Escalation.objects.filter(level="overdue").exists()
    assert any("Practical projects" in note for note in report.notes)
