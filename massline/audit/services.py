"""Writing to the audit trail: record an event, record a sensitive read, seal the chain, verify it."""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import context
from .choices import GENESIS_HASH
from .models import AuditEvent, AuditSeal

# Key of the PostgreSQL advisory lock that lets one sealer at a time extend the chain.
_SEAL_LOCK_KEY = 0x4D4C_4155  # "MLAU"


def _json_safe(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def object_label(obj):
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}"


def diff_fields(before, after, fields):
    """{"field": [before, after]} for the named fields whose values differ between two snapshots."""
    return {
        name: [before.get(name), after.get(name)] for name in fields if before.get(name) != after.get(name)
    }


def snapshot(obj, fields):
    """The values of `fields` on `obj`, JSON-safe, for a before/after diff (foreign keys by id)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = (
            getattr(obj, field.attname)
            if field.is_relation and not field.many_to_many
            else getattr(obj, name)
        )
    return _json_safe(values)


def audit_record(
    *,
    action,
    obj=None,
    actor=None,
    changes=None,
    details=None,
    object_type=None,
    object_id=None,
    object_repr=None,
):
    """Append one event: who (`actor`, a user or None for the system) did `action` to `obj`.

    Writes a single INSERT with no lock, so callers inside their own transaction never queue behind
    one another; the event becomes part of the hash chain when `audit_seal` runs.
    """
    request = context.current()
    if obj is not None:
        object_type = object_type or object_label(obj)
        object_id = str(obj.pk) if object_id is None else object_id
        object_repr = str(obj)[:200] if object_repr is None else object_repr
    return AuditEvent.objects.create(
        created_at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_label=(
            actor.get_username() if actor is not None and hasattr(actor, "get_username") else "system"
        )[:150],
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        object_repr=(object_repr or "")[:200],
        changes=_json_safe(changes or {}),
        details=_json_safe(details or {}),
        request_id=request.request_id,
        client_ip=request.client_ip,
    )


def audit_record_many(events):
    """Append many events in one INSERT (the clock worker's batches): each a dict of audit_record's
    keyword arguments. Same rules as audit_record: no lock, chained later by the sealer."""
    request = context.current()
    now = timezone.now()
    rows = []
    for event in events:
        obj, actor = event.get("obj"), event.get("actor")
        rows.append(
            AuditEvent(
                created_at=now,
                actor_id=getattr(actor, "pk", None),
                actor_label=(
                    actor.get_username() if actor is not None and hasattr(actor, "get_username") else "system"
                )[:150],
                action=event["action"],
                object_type=object_label(obj) if obj is not None else event.get("object_type", ""),
                object_id=str(obj.pk) if obj is not None else str(event.get("object_id", "")),
                object_repr=(str(obj) if obj is not None else event.get("object_repr", ""))[:200],
                changes=_json_safe(event.get("changes") or {}),
                details=_json_safe(event.get("details") or {}),
                request_id=request.request_id,
                client_ip=request.client_ip,
            )
        )
    return AuditEvent.objects.bulk_create(rows, batch_size=1000)


def audit_record_read(*, obj, actor, fields, purpose=""):
    """Log that `actor` read personal data (`fields`) of `obj`: reads of personal data leave a trace too."""
    return audit_record(
        action="personal_data.read",
        obj=obj,
        actor=actor,
        details={"fields": sorted(fields), "purpose": purpose},
    )


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
    # SQLite: transactions are IMMEDIATE (settings), so one writer holds the database while sealing.


def audit_seal(*, batch_size=2000):
    """Chain every committed, unsealed event, oldest id first, onto the end of the chain. Returns how many."""
    sealed = 0
    while True:
        with transaction.atomic():
            _lock_chain()
            last = AuditSeal.objects.order_by("-seq").only("seq", "hash").first()
            seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
            events = list(AuditEvent.objects.filter(seal__isnull=True).order_by("id")[:batch_size])
            if not events:
                return sealed
            now = timezone.now()
            seals = []
            for event in events:
                seq += 1
                digest = event.content_digest(prev_hash)
                seals.append(AuditSeal(seq=seq, event=event, prev_hash=prev_hash, hash=digest, sealed_at=now))
                prev_hash = digest
            AuditSeal.objects.bulk_create(seals)
            sealed += len(seals)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    unsealed: int
    broken_seq: int | None = None
    broken_event_id: int | None = None
    reason: str = ""

    def as_dict(self):
        return {
            "ok": self.ok,
            "checked": self.checked,
            "unsealed": self.unsealed,
            "broken_seq": self.broken_seq,
            "broken_event_id": self.broken_event_id,
            "reason": self.reason,
        }


def audit_verify(*, chunk_size=5000):
    """Walk the chain from the first seal and report the first link whose hash does not match."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    seals = AuditSeal.objects.select_related("event").order_by("seq")
    for seal in seals.iterator(chunk_size=chunk_size):
        event = seal.event
        reason = ""
        if seal.seq != expected_seq:
            reason = _("the sequence jumps from %(a)d to %(b)d: seals are missing") % {
                "a": expected_seq - 1,
                "b": seal.seq,
            }
        elif seal.prev_hash != prev_hash:
            reason = _("the seal does not point to the previous seal's hash")
        elif event.content_digest(prev_hash) != seal.hash:
            reason = _("the event's content does not match its hash: it was altered after sealing")
        if reason:
            unsealed = AuditEvent.objects.filter(seal__isnull=True).count()
            return VerifyResult(False, checked, unsealed, seal.seq, seal.event_id, reason)
        prev_hash = seal.hash
        expected_seq += 1
        checked += 1
    unsealed = AuditEvent.objects.filter(seal__isnull=True).count()
    return VerifyResult(True, checked, unsealed)
