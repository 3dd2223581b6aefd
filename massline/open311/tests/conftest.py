"""Fixtures of the Open311 tests: a small service catalogue with definitions, default time limits, an API
key, and a real HTTP client (urllib) against pytest-django's live server on 127.0.0.1."""

import json
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import jsonschema_rs
import pytest
from django.apps import apps

from massline.cases.choices import Urgency
from massline.cases.models import Category, TimeLimitPolicy
from massline.deadlines.choices import TimeUnit
from massline.open311 import services
from massline.open311.choices import Datatype, ServiceType
from massline.open311.models import AttributeValue, ServiceAttribute, ServiceOptions

SCHEMAS = Path(__file__).parent / "schemas"


def make_policies():
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


def build_catalogue(org):
    """roads > potholes (4 attributes), roads > lights (batch); noise (a top-level leaf); an inactive one."""
    # Transactional tests flush what migrations created: put the default working calendar back.
    import_module("massline.deadlines.migrations.0002_default_calendar").create_default_calendar(apps, None)
    make_policies()
    roads = Category.objects.create(code="roads", name="道路", name_en="Roads")
    potholes = Category.objects.create(
        code="potholes",
        name="路面坑洼",
        name_en="Potholes",
        parent=roads,
        default_unit=org.unit_a,
        keywords="pothole,road,坑",
    )
    lights = Category.objects.create(code="lights", name="路灯", name_en="Street lights", parent=roads)
    noise = Category.objects.create(code="noise", name="噪声", name_en="Noise")
    Category.objects.create(code="retired", name="旧分类", name_en="Retired", is_active=False)
    ServiceOptions.objects.create(
        category=lights, type=ServiceType.BATCH, service_notice="Lights are fixed at night."
    )
    depth = ServiceAttribute.objects.create(
        category=potholes,
        code="depth",
        datatype=Datatype.NUMBER,
        required=True,
        order=1,
        description="How deep is it (cm)?",
    )
    surface = ServiceAttribute.objects.create(
        category=potholes, code="surface", datatype=Datatype.SINGLEVALUELIST, order=2, description="Surface"
    )
    hazards = ServiceAttribute.objects.create(
        category=potholes, code="hazards", datatype=Datatype.MULTIVALUELIST, order=3, description="Hazards"
    )
    ServiceAttribute.objects.create(
        category=potholes, code="noticed", datatype=Datatype.DATETIME, order=4, description="Noticed at"
    )
    ServiceAttribute.objects.create(
        category=potholes,
        code="info",
        datatype=Datatype.STRING,
        variable=False,
        order=5,
        description="Do not stand in the road.",
    )
    for n, (key, name) in enumerate([("asphalt", "Asphalt"), ("gravel", "Gravel")], 1):
        AttributeValue.objects.create(attribute=surface, key=key, name=name, order=n)
    for n, (key, name) in enumerate([("water", "Filled with water"), ("traffic", "In a traffic lane")], 1):
        AttributeValue.objects.create(attribute=hazards, key=key, name=name, order=n)
    _key, raw = services.apikey_create(name="fixmystreet-test", rate_limit_per_minute=1000)
    return SimpleNamespace(
        org=org, roads=roads, potholes=potholes, lights=lights, noise=noise, api_key=raw, depth=depth
    )


@pytest.fixture
def catalogue(org):
    return build_catalogue(org)


class Response(SimpleNamespace):
    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Open311Client:
    """A plain HTTP client (urllib) talking to the live server, like any outside Open311 client."""

    def __init__(self, base):
        self.base = base.rstrip("/") + "/open311/v2/"

    def request(self, method, path, *, params=None, data=None, body=None, headers=None):
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        headers = dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode("ascii")
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        req = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 (our own live server)
                return Response(status=resp.status, headers=dict(resp.headers), body=resp.read())
        except urllib.error.HTTPError as err:
            return Response(status=err.code, headers=dict(err.headers), body=err.read())

    def get(self, path, params=None, **kwargs):
        return self.request("GET", path, params=params, **kwargs)

    def post(self, path, data=None, **kwargs):
        return self.request("POST", path, data=data, **kwargs)


@pytest.fixture
def o311(live_server):
    return Open311Client(live_server.url)


def schema_validator(name):
    return jsonschema_rs.validator_for(json.loads((SCHEMAS / f"{name}.json").read_text()))


@pytest.fixture
def conforms():
    """conforms(response, schema name): the JSON body is valid against tests/schemas/<name>.json."""

    def check(response, name):
        document = response.json()
        errors = [str(e) for e in schema_validator(name).iter_errors(document)]
        assert not errors, f"{name}: {errors[:3]}"
        return document

    return check
