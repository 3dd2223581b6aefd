"""The same caller is one citizen whichever way the number is written (E.164 storage), and the numbers
stored before are rewritten by the org data migration."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from massline.cases.choices import CaseType, Channel
from massline.cases.services.intake import case_submit
from massline.org.choices import Role
from massline.org.models import Citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_official, org):
    return make_official("operator_phones", Role.OPERATOR, unit=org.centre)


def _phone_demand(phone, by):
    return case_submit(
        type=CaseType.HELP,
        title="楼道灯坏了",
        description="d",
        citizen_phone=phone,
        by=by,
        channel=Channel.PHONE,
    )


def test_a_caller_with_and_without_the_country_code_is_one_citizen(operator):
    first = _phone_demand("+86 138 1234 5678", operator)
    second = _phone_demand("13812345678", operator)
    third = _phone_demand("0086-138-1234-5678", operator)
    assert first.citizen_id == second.citizen_id == third.citizen_id
    assert Citizen.objects.get().phone == "+8613812345678"


def test_the_desk_finds_the_callers_history_under_any_spelling(client_for, operator):
    _phone_demand("13812345678", operator)
    client = client_for(operator)
    body = client.get(reverse("cases_intake:caller"), {"citizen_phone": "+86 138-1234-5678"}).content.decode()
    assert "楼道灯坏了" in body


def test_the_data_migration_rewrites_stored_numbers_in_e164(db):
    old = [
        Citizen.objects.create(phone="13812345678"),
        Citizen.objects.create(phone="+86 139 0000 1111"),
        Citizen.objects.create(phone="0731-88881234"),
        Citizen.objects.create(phone=""),
        Citizen.objects.create(phone="x12"),
    ]
    migration = importlib.import_module("massline.org.migrations.0003_citizen_phones_e164")
    migration.phones_to_e164(apps, None)
    assert [Citizen.objects.get(pk=c.pk).phone for c in old] == [
        "+8613812345678",
        "+8613900001111",
        "+8673188881234",
        "",
        "12",
    ]
