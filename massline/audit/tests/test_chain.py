import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.utils import translation

from massline.audit import context
from massline.audit.models import AppendOnlyError, AuditEvent, AuditSeal
from massline.audit.services import audit_record, audit_record_read, audit_seal, audit_verify
from massline.org.models import Region

pytestmark = pytest.mark.django_db


def make_events(n, **kwargs):
    region = Region.objects.create(code="c1", name="示范县", level="county")
    return [audit_record(action="test.touch", obj=region, details={"n": i}, **kwargs) for i in range(n)]


def tamper(event_id, new_action):
    """Change one event behind the application's back, as someone with direct database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE id = %s", [new_action, event_id])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def test_an_event_records_who_did_what_to_which_object(admin_user_plain):
    token = context.set_current(context.RequestContext(request_id="req-123456", client_ip="10.1.2.3"))
    try:
        event = audit_record(
            action="org.region.update",
            obj=Region.objects.create(code="r1", name="甲", level="county"),
            actor=admin_user_plain,
            changes={"name": ["乙", "甲"]},
        )
    finally:
        context.reset(token)
    event.refresh_from_db()
    assert event.actor_id == admin_user_plain.pk
    assert event.actor_label == admin_user_plain.username
    assert (event.object_type, event.object_repr) == ("org.region", "甲")
    assert event.changes == {"name": ["乙", "甲"]}
    assert (event.request_id, event.client_ip) == ("req-123456", "10.1.2.3")


def test_the_application_cannot_change_or_delete_events():
    event = make_events(1)[0]
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.touch"


@pytest.mark.postgres
def test_postgresql_itself_refuses_updates_and_deletes():
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    event = make_events(1)[0]
    audit_seal()
    for sql in (
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
        "UPDATE audit_auditseal SET hash = 'x' WHERE event_id = %s",
        "DELETE FROM audit_auditseal WHERE event_id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.touch"


def test_sealing_chains_every_event_in_order_and_verify_passes():
    events = make_events(5)
    assert audit_seal() == 5
    assert audit_seal() == 0
    seals = list(AuditSeal.objects.order_by("seq"))
    assert [s.event_id for s in seals] == [e.pk for e in events]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(seals, seals[1:], strict=False))
    result = audit_verify()
    assert result.ok and result.checked == 5 and result.unsealed == 0


def test_verify_reports_the_exact_event_altered_by_hand():
    events = make_events(6)
    audit_seal()
    tamper(events[3].pk, "test.forged")
    with translation.override("en"):
        result = audit_verify()
    assert not result.ok
    assert result.broken_event_id == events[3].pk
    assert result.broken_seq == 4
    assert result.checked == 3
    assert "altered" in result.reason


def test_the_verify_command_prints_the_broken_link_and_fails():
    events = make_events(3)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "3" in out.getvalue()
    tamper(events[1].pk, "test.forged")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["ok"] is False
    assert report["broken_event_id"] == events[1].pk


def test_a_personal_data_read_is_logged(admin_user_plain):
    region = Region.objects.create(code="c2", name="乙县", level="county")
    event = audit_record_read(obj=region, actor=admin_user_plain, fields=["phone", "name"], purpose="admin")
    assert event.action == "personal_data.read"
    assert event.details == {"fields": ["name", "phone"], "purpose": "admin"}


def test_the_worker_seals_pending_events():
    make_events(2)
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert AuditSeal.objects.count() == 2


def test_each_response_carries_a_request_id_that_events_record(client):
    response = client.get("/", HTTP_X_REQUEST_ID="abcdef123456")
    assert response["X-Request-ID"] == "abcdef123456"
    response = client.get("/", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_wait_for_each_other_and_late_commits_are_sealed_later():
    """A transaction that has appended an event and not yet committed blocks neither another writer
    nor the sealer; its event joins the chain after it commits."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two real PostgreSQL connections")
    region = Region.objects.create(code="c3", name="丙县", level="county")
    appended = threading.Event()
    release = threading.Event()
    errors = []

    def slow_writer():
        try:
            with transaction.atomic():
                audit_record(action="test.slow", obj=region)
                appended.set()
                release.wait(30)
        except Exception as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    try:
        assert appended.wait(30)
        with connection.cursor() as cursor:
            # Any wait on a lock fails at once instead of hanging.
            cursor.execute("SET lock_timeout = '1s'")
        fast = audit_record(action="test.fast", obj=region)
        assert audit_seal() == 1
        assert AuditSeal.objects.get().event_id == fast.pk
    finally:
        release.set()
        thread.join(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert not errors
    assert audit_seal() == 1
    slow = AuditEvent.objects.get(action="test.slow")
    assert slow.pk < fast.pk
    assert AuditSeal.objects.get(event=slow).seq == 2
    assert audit_verify().ok
