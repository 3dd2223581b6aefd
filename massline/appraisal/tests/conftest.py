"""Hand-built demands for appraisal tests: every field set explicitly, so each rate is known exactly."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from massline.cases.choices import AssignmentRole, AssignmentStatus, CaseStatus, CaseType, EventKind
from massline.cases.models import AccountabilityRecord, Assignment, Case, CaseEvent

TZ = ZoneInfo("Asia/Shanghai")
# Monday 2 March 2026, 09:00: the start of a working day on the default calendar (09:00-12:00, 13:30-17:30).
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def at(days=0, hours=0, minutes=0, base=MONDAY):
    return base + dt.timedelta(days=days, hours=hours, minutes=minutes)


@pytest.fixture
def make_demand(org):
    counter = {"n": 0}

    def make(unit=None, *, received=MONDAY, via=None, returned=False, records=0, **fields):
        counter["n"] += 1
        unit = unit or org.unit_a
        values = {
            "type": CaseType.HELP,
            "title": f"demand {counter['n']}",
            "description": "hand-built",
            "received_at": received,
            "lead_unit": unit,
            "first_unit": unit,
            "status": CaseStatus.IN_PROGRESS,
            "region": org.village_1,
        }
        values.update(fields)
        case = Case.objects.create(**values)
        if via:
            CaseEvent.objects.create(
                case=case, kind=EventKind.RATED, at=case.rated_at or received, data={"via": via}
            )
        if returned:
            Assignment.objects.create(
                case=case,
                unit=unit,
                role=AssignmentRole.LEAD,
                status=AssignmentStatus.RETURNED,
                dispatched_at=received,
                returned_at=received,
            )
        for index in range(records):
            AccountabilityRecord.objects.create(
                case=case,
                unit=unit,
                kind=["late_sign", "late_reply", "mishandled"][index],
                description="x",
                opened_at=received,
            )
        return case

    return make


@pytest.fixture
def known_month(org, make_demand):
    """Ten demands of unit A received on Monday 2 March 2026, with the figures docs/appraisal.md works out.

    HANDLED (counted, not merged): 1 2 3 4 5 6 9 10; dispatched: 1-6, 9; signed on time: 1 3 4 5 6 9.
    Replied: 1 2 3 4 9 10, on time: 1 3 4 9 10; open overdue: 5. Ratings (counted, merged included):
    1 sat, 2 basic (phone), 3 unsat, 8 sat, 9 sat (phone); resolved: 1 2 8 9. Unrated: 4. Excluded: 7.
    """
    d = make_demand
    signed = {"dispatched_at": at(), "due_sign_at": at(hours=2)}
    on_time = {"signed_at": at(hours=1)}
    late = {"signed_at": at(hours=5)}

    def replied(hours, *, was_late=False, closed=True, **extra):
        return {
            "replied_at": at(hours=hours),
            "closed_at": at(days=1) if closed else None,
            "status": CaseStatus.CLOSED if closed else CaseStatus.REPLIED,
            "was_late": was_late,
            "due_reply_at": at(days=7),
            **extra,
        }

    def rating(satisfaction, resolved):
        return {"satisfaction": satisfaction, "resolved": resolved, "rated_at": at(days=1)}

    cases = {}
    cases[1] = d(**signed, **on_time, **replied(3), **rating("satisfied", True), via="tracking")
    cases[2] = d(
        **signed, **late, **replied(24, was_late=True), **rating("basic", True), via="phone", records=1
    )
    cases[3] = d(
        **signed, **on_time, **replied(8.5), **rating("unsatisfied", False), reopen_count=1, via="tracking"
    )
    cases[4] = d(**signed, **on_time, **replied(1), satisfaction="not_rated")
    cases[5] = d(**signed, **on_time, due_reply_at=at(days=-1, hours=8), is_overdue=True)
    cases[6] = d(**signed, **on_time, due_reply_at=at(days=400))
    cases[7] = d(
        **signed,
        **late,
        **replied(30, was_late=True),
        **rating("unsatisfied", False),
        via="tracking",
        excluded_from_appraisal=True,
    )
    cases[8] = d(thread=cases[1], **replied(3), **rating("satisfied", True), via="tracking")
    cases[9] = d(**signed, **on_time, **replied(2), **rating("satisfied", True), via="phone", returned=True)
    cases[10] = d(**replied(0.5, closed=False))
    return cases
