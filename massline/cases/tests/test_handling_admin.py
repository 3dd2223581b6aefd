"""The admin pages of demands open for an administrator; demands are read-only there."""

import pytest
from django.urls import reverse

from massline.cases.models import Case

from . import handling_fixtures
from .handling_fixtures import make_case

world = handling_fixtures.world

pytestmark = pytest.mark.django_db

MODELS = [
    "category",
    "timelimitpolicy",
    "case",
    "assignment",
    "caseevent",
    "extension",
    "accountabilityrecord",
    "exclusionreview",
    "knowledgearticle",
    "notification",
]


def test_every_admin_list_opens_and_demands_cannot_be_added(world, client_for, admin_user):
    case = make_case(world)
    client = client_for("admin_user")
    for model in MODELS:
        assert client.get(reverse(f"admin:cases_{model}_changelist")).status_code == 200, model
    body = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert case.tracking_code in body and "李明" not in body and "13800000000" not in body
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    assert client.get(reverse("admin:cases_category_change", args=[world.category.pk])).status_code == 200
    assert Case.objects.count() == 1
