"""Two real connections submit the same idempotency key at the same moment: one demand results."""

import threading

import pytest
from django.db import connection, connections

from massline.cases.choices import CaseType
from massline.cases.models import Case, CaseEvent
from massline.cases.services import intake

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_submissions_with_one_key_create_one_demand(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs two PostgreSQL connections writing at once")
    barrier = threading.Barrier(2, timeout=20)
    original = intake._create

    def create_after_both_checked(**kwargs):
        # Both threads have looked for the key and found nothing: now both insert.
        barrier.wait()
        return original(**kwargs)

    monkeypatch.setattr(intake, "_create", create_after_both_checked)
    results, errors = [], []

    def submit(n):
        try:
            case = intake.case_submit(
                type=CaseType.HELP,
                title="同一个表单提交了两次",
                description=f"第{n}次提交",
                citizen_phone="13800002222",
                idempotency_key="double-click-key",
            )
            results.append(case.pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Case.objects.filter(idempotency_key="double-click-key").count() == 1
    assert CaseEvent.objects.count() == 1
