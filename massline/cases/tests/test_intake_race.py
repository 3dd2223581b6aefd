"""Two real connections submit the same idempotency key at the same moment: one demand results."""

import pytest
from django.db import connection

from massline.cases.choices import CaseType
from massline.cases.models import Case, CaseEvent
from massline.cases.services import intake
from massline.cases.testing import intake_inserts_together
from massline.lib.testing import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_submissions_with_one_key_create_one_demand(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs two PostgreSQL connections writing at once")
    join = intake_inserts_together(monkeypatch)

    def submit(n):
        def action(barrier):
            join(barrier)
            return intake.case_submit(
                type=CaseType.HELP,
                title="同一个表单提交了两次",
                description=f"第{n}次提交",
                citizen_phone="13800002222",
                idempotency_key="double-click-key",
            ).pk

        return action

    results = race(submit(1), submit(2))
    assert all(isinstance(pk, int) for pk in results), results
    assert results[0] == results[1]
    assert Case.objects.filter(idempotency_key="double-click-key").count() == 1
    assert CaseEvent.objects.count() == 1
