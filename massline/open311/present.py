"""The public face of a demand in Open311: masked text, an address without the house number, the
expected time computed from the demand's own time limit on the working calendar. No personal data.
"""

import re
from decimal import Decimal

from django.utils import timezone

from massline.cases.choices import CaseStatus, ClockStage, EventKind
from massline.cases.errors import NoPolicy
from massline.cases.masking import mask_address, mask_public
from massline.cases.timelimits import policy_for, stage_due
from massline.deadlines.calendar import provisional_between
from massline.lib.errors import DomainError
from massline.org import maps

# Rounded as every public page rounds a demand's place (org.maps.PUBLIC_DECIMALS, 3: about 110 m, a
# block, never a door); it was 4 (11 m, one house), more than the public map showed of the same demand.
COORDINATE_PLACES = Decimal(1).scaleb(-maps.PUBLIC_DECIMALS)

# Open311 status of a demand: open while the government still owes an answer.
OPEN311_STATUS = {
    CaseStatus.RECEIVED: "open",
    CaseStatus.DISPATCHED: "open",
    CaseStatus.ARBITRATION: "open",
    CaseStatus.IN_PROGRESS: "open",
    CaseStatus.REPLIED: "closed",
    CaseStatus.CLOSED: "closed",
}
# mySociety's update statuses (FixMyStreet maps them to its report states).
UPDATE_STATUS = {
    EventKind.RECEIVED: "open",
    EventKind.DISPATCHED: "investigating",
    EventKind.TRANSFERRED: "investigating",
    EventKind.SIGNED: "in_progress",
    EventKind.CONTACTED: "in_progress",
    EventKind.EXTENSION_DECIDED: "in_progress",
    EventKind.ANSWERED_DIRECTLY: "closed",
    EventKind.REPLIED: "closed",
    EventKind.RATED: "closed",
    EventKind.REOPENED: "reopen",
    EventKind.CLOSED: "closed",
    EventKind.AUTO_CLOSED: "closed",
}


# What cases.masking.mask_address leaves of a house number: "57 59 South St" (a range written with a
# space) keeps "57", "169cb Perth St" keeps it all. Open311 hides any number opening an address part.
_LEADING_HOUSE = re.compile(r"^(\s*)(?:\d+[A-Za-z]{0,3}|\*\*)(?:[\s-]+(?:\d+[A-Za-z]{0,3}|\*\*))*(?=\s)")


def public_address(address):
    """The address without house, building or flat numbers."""
    parts = mask_address(address or "").split(",")
    return ",".join(_LEADING_HOUSE.sub(lambda m: m.group(1) + "**", part) for part in parts)


def w3c(instant):
    return timezone.localtime(instant).isoformat(timespec="seconds") if instant else None


def _coordinate(value):
    return float(value.quantize(COORDINATE_PLACES)) if value is not None else None


class ExpectedTimes:
    """Expected reply time of demands, with the policy lookups shared across one response.

    The reply clock starts when the lead unit signs, so before that the estimate counts the reply time
    from the latest moment the unit must sign: the signing deadline of a dispatched demand; for one not
    yet (or again not) dispatched, the signing time counted from now, when it could be dispatched.
    """

    def __init__(self, now=None):
        self._policies = {}
        self.now = now or timezone.now()

    def __call__(self, case):
        if case.due_reply_at:
            return case.due_reply_at
        if case.status not in (CaseStatus.RECEIVED, CaseStatus.DISPATCHED, CaseStatus.ARBITRATION):
            return None
        key = (case.category_id, case.urgency)
        if key not in self._policies:
            try:
                self._policies[key] = policy_for(category=case.category, urgency=case.urgency)
            except NoPolicy:
                self._policies[key] = None
        policy = self._policies[key]
        if policy is None:
            return None
        try:
            if case.status == CaseStatus.DISPATCHED and case.due_sign_at:
                sign_by = max(case.due_sign_at, self.now)
            else:
                sign_by = stage_due(
                    policy=policy, stage=ClockStage.SIGN, start=max(case.received_at, self.now)
                )
            return stage_due(policy=policy, stage=ClockStage.REPLY, start=sign_by)
        except DomainError:  # no working calendar for that year: the client gets no estimate, not an error
            return None


def _names(case):
    """The citizen's name, only to mask it out of free text (never shown)."""
    citizen = case.citizen if case.citizen_id else None
    return [citizen.name] if citizen is not None and citizen.name else []


def public_description(case):
    return case.public_summary or mask_public(case.description, names=_names(case))


def media_url(case):
    submission = getattr(case, "open311_submission", None)
    return submission.media_url if submission is not None and submission.media_url else ""


def last_change(case):
    """When the demand's public state last changed: its latest public event (transfers and extensions
    included, when public_requests() annotated it) or stamp (imported history is stored in one go)."""
    stamps = [
        getattr(case, "last_public_event_at", None),
        case.received_at,
        case.dispatched_at,
        case.signed_at,
        case.first_contact_at,
        case.replied_at,
        case.closed_at,
        case.rated_at,
    ]
    return max(stamp for stamp in stamps if stamp is not None)


def request_fields(case, *, expected, service_notice="", extensions=False):
    """The GeoReport v2 fields of one demand, in the specification's order."""
    status = OPEN311_STATUS[CaseStatus(case.status)]
    fields = {
        "service_request_id": case.public_id,
        "status": status,
        "status_notes": mask_public(case.reply, names=_names(case)) if status == "closed" else "",
        "service_name": case.category.label if case.category_id else "",
        "service_code": case.category.code if case.category_id else "",
        "description": public_description(case),
        "agency_responsible": case.lead_unit.label if case.lead_unit_id else "",
        "service_notice": service_notice,
        "requested_datetime": w3c(case.received_at),
        "updated_datetime": w3c(last_change(case)),
        "expected_datetime": w3c(expected(case)),
        "address": public_address(case.address),
        "address_id": "",
        "zipcode": "",
        "lat": _coordinate(case.lat),
        "long": _coordinate(case.lon),
        "media_url": media_url(case),
    }
    if extensions:
        fields["notes"] = [note_fields(event, _names(case)) for event in getattr(case, "public_events", [])]
        # Massline's extension: the expected time rests on a year whose holiday notice is not entered
        # yet (counted on the statutory holidays, recomputed when it is).
        fields["expected_datetime_provisional"] = provisional_between(case.received_at, expected(case))
    return fields


def note_fields(event, names=()):
    return {
        "datetime": w3c(event.at),
        "summary": str(EventKind(event.kind).label),
        "type": UPDATE_STATUS.get(EventKind(event.kind), "open"),
        "description": mask_public(event.public_note, names=names),
    }


def update_fields(event):
    """One entry of mySociety's servicerequestupdates."""
    return {
        "update_id": str(event.pk),
        "service_request_id": event.case_public_id,
        "status": UPDATE_STATUS.get(EventKind(event.kind), "open"),
        "updated_datetime": w3c(event.at),
        "description": mask_public(event.public_note) or str(EventKind(event.kind).label),
        "media_url": "",
    }
