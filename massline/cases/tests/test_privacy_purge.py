"""`massline privacy purge`: contact data past retention is erased, audited; demands stay; a citizen
with an open or recent demand, or with an account, keeps theirs."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from massline.audit.models import AuditEvent
from massline.cases.choices import CaseStatus, CaseType
from massline.cases.models import Case
from massline.cases.services.intake import case_submit
from massline.org.models import Citizen

pytestmark = pytest.mark.django_db


def _demand(phone, *, closed_days_ago=None):
    case = case_submit(
        type=CaseType.HELP, title="路灯", description="坏了", citizen_name="张三", citizen_phone=phone
    )
    if closed_days_ago is not None:
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.CLOSED, closed_at=timezone.now() - timedelta(days=closed_days_ago)
        )
    return Case.objects.get(pk=case.pk)


def test_purge_erases_old_contacts_only_and_keeps_the_demands(settings, citizen):
    settings.MASSLINE_CONTACT_RETENTION_DAYS = 365
    old = _demand("13800000001", closed_days_ago=400)
    recent = _demand("13800000002", closed_days_ago=10)
    still_open = _demand("13800000003")
    out = StringIO()
    call_command("privacy", "purge", "--dry-run", stdout=out)
    assert "would erase the contact data of 1 citizen" in out.getvalue()
    assert Citizen.objects.get(pk=old.citizen_id).phone == "+8613800000001"
    call_command("privacy", "purge", stdout=out)
    erased = Citizen.objects.get(pk=old.citizen_id)
    assert (erased.name, erased.phone, erased.email, erased.address) == ("", "", "", "")
    assert Case.objects.get(pk=old.pk).title == "路灯"
    assert Citizen.objects.get(pk=recent.citizen_id).phone == "+8613800000002"
    assert Citizen.objects.get(pk=still_open.citizen_id).phone == "+8613800000003"
    assert Citizen.objects.get(user=citizen).phone  # an account holder manages their own data
    event = AuditEvent.objects.filter(action="org.citizen.erase", object_id=str(erased.pk)).get()
    assert event.details == {"fields": ["name", "phone"], "reason": "retention"}
    assert "13800000001" not in str(event.changes) + str(event.details)
    call_command("privacy", "purge", stdout=out)
    assert AuditEvent.objects.filter(action="org.citizen.erase").count() == 1
