"""Fixtures of the API tests: categories with default time limits, demands, and personal tokens."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client

from massline.api.auth import token_create
from massline.cases.choices import Urgency
from massline.cases.models import Category, TimeLimitPolicy
from massline.deadlines.choices import TimeUnit


@pytest.fixture
def catalogue(org):
    for urgency in Urgency.values:
        TimeLimitPolicy.objects.create(
            category=None,
            urgency=urgency,
            sign_amount=Decimal("2"),
            sign_unit=TimeUnit.WORKING_HOURS,
            contact_amount=Decimal("4"),
            contact_unit=TimeUnit.WORKING_HOURS,
            reply_amount=Decimal("5"),
            reply_unit=TimeUnit.WORKING_DAYS,
        )
    lights = Category.objects.create(
        code="lights", name="路灯", name_en="Street lights", default_unit=org.unit_a
    )
    return SimpleNamespace(org=org, lights=lights)


class ApiClient:
    """Django's test client speaking JSON to /api/v1/, optionally with a bearer token."""

    def __init__(self, token=None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, params=None, **headers):
        return self.client.get(f"/api/v1{path}", params or {}, headers={**self.headers, **headers})

    def post(self, path, payload, **headers):
        return self.client.post(
            f"/api/v1{path}", payload, content_type="application/json", headers={**self.headers, **headers}
        )


@pytest.fixture
def api_as(request):
    """api_as(persona fixture name or None): an ApiClient with that official's personal token."""

    def make(persona=None):
        if persona is None:
            return ApiClient()
        user = request.getfixturevalue(persona)
        _token, raw = token_create(user=user, name="tests")
        return ApiClient(raw)

    return make
