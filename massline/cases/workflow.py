"""The one place a demand changes: checks the transition, applies it with optimistic locking, and writes
the timeline event and the audit event. Every service in cases/services/ goes through `case_apply`.
"""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.lib.masking import mask_text

from .actions import transitions
from .choices import CaseStatus
from .errors import ConcurrentUpdate, InvalidTransition
from .models import Case, CaseEvent

# status → the statuses an action of the actions table (or a system move) takes a demand to.
TRANSITIONS = transitions()


def check_transition(case, to):
    if to is not None and to != case.status and to not in TRANSITIONS[CaseStatus(case.status)]:
        raise InvalidTransition(
            _("A demand that is “%(now)s” cannot become “%(to)s”. Reload it to see what it needs now.")
            % {"now": CaseStatus(case.status).label, "to": CaseStatus(to).label}
        )


def _audit_value(value):
    return getattr(value, "pk", value)


def case_apply(
    *,
    case,
    by,
    event_kind,
    to=None,
    fields=None,
    unit=None,
    public_note="",
    internal_note="",
    data=None,
    at=None,
):
    """Move `case` to status `to` (None: keep it) and set `fields`, if nobody changed it since it was read.

    Must run inside the caller's transaction. Raises InvalidTransition for a move the life cycle forbids
    and ConcurrentUpdate when another request changed the demand first (the update is conditional on
    the version and status read). Returns the event written on the timeline.
    """
    at = at or timezone.now()
    fields = dict(fields or {})
    check_transition(case, to)
    old_status = case.status
    if to is not None:
        fields["status"] = to
    before = {name: _audit_value(getattr(case, name)) for name in fields}
    updated = Case.objects.filter(pk=case.pk, version=case.version, status=old_status).update(
        version=F("version") + 1, updated_at=at, **fields
    )
    if updated != 1:
        raise ConcurrentUpdate()
    for name, value in fields.items():
        setattr(case, name, value)
    case.version += 1
    event = CaseEvent.objects.create(
        case=case,
        kind=event_kind,
        at=at,
        actor=by,
        unit=unit,
        public_note=mask_text(public_note),
        internal_note=internal_note,
        data=data or {},
    )
    changes = {
        name: [before[name], _audit_value(value)]
        for name, value in fields.items()
        if before[name] != _audit_value(value)
    }
    audit_record(
        action=f"cases.case.{event_kind}",
        obj=case,
        actor=by,
        changes=changes,
        details={"unit": getattr(unit, "code", None), **(data or {})},
    )
    return event


def case_record_creation(*, case, by, event_kind, at, data=None, public_note=""):
    """The first timeline entry and the audit event of a demand just inserted. Creation is not a
    transition: there is no earlier version to guard, so no UPDATE is needed (intake's hot path)."""
    event = CaseEvent.objects.create(
        case=case,
        kind=event_kind,
        at=at,
        actor=by if getattr(by, "is_authenticated", False) else None,
        public_note=mask_text(public_note),
        data=data or {},
    )
    audit_record(
        action=f"cases.case.{event_kind}",
        obj=case,
        actor=by if getattr(by, "is_authenticated", False) else None,
        changes={"status": [None, case.status]},
        details=data or {},
    )
    return event
