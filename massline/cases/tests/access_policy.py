"""Who may use each URL of cases (see massline/lib/access_policy.py): staff pages by role and scope,
public pages open to everyone (a tracking code is the citizen's key, not an account)."""

from massline.lib.access_policy import EVERYONE, Rule

# A demand of unit A, signed for: its lead unit, the centre, and the officials whose scope covers unit A.
CASE_A_READERS = frozenset(
    {"officer_a", "unit_head_a", "dispatcher", "supervisor", "inspector", "admin_user"}
)
UNIT_STAFF = frozenset({"officer_a", "officer_b", "unit_head_a", "admin_user"})
DESK = frozenset({"dispatcher", "admin_user"})

RULES = {
    "cases_staff:queue": Rule(frozenset({"dispatcher", "admin_user"})),
    "cases_staff:unit_queue": Rule(UNIT_STAFF),
    "cases_staff:supervision": Rule(frozenset({"supervisor", "inspector", "admin_user"})),
    "cases_staff:notifications": Rule(
        frozenset(
            {"officer_a", "officer_b", "unit_head_a", "dispatcher", "supervisor", "inspector", "admin_user"}
        )
    ),
    "cases_staff:record_decide": Rule(
        frozenset({"supervisor", "inspector", "admin_user"}),
        method="POST",
        kwargs="record_a",
        note="supervisors and discipline inspectors decide accountability",
    ),
    "cases_staff:detail": Rule(CASE_A_READERS, kwargs="case_a"),
    # A progress note: the lead unit, the centre and supervisors; readers without a role there may not.
    "cases_staff:act": Rule(
        frozenset({"officer_a", "unit_head_a", "dispatcher", "supervisor", "admin_user"}),
        method="POST",
        kwargs="case_a_note",
        data={"note-note": "Checked on site."},
    ),
    "cases_public:": Rule(EVERYONE, note="redirects to the public list"),
    "cases_public:list": Rule(EVERYONE),
    "cases_public:submit": Rule(EVERYONE),
    # "This may already be reported" beside the public form (masked, rate-limited).
    "cases_public:similar": Rule(EVERYONE),
    "cases_public:received": Rule(EVERYONE, kwargs="tracking_a"),
    "cases_public:track_lookup": Rule(EVERYONE),
    "cases_public:track": Rule(EVERYONE, kwargs="tracking_a"),
    "cases_public:rate": Rule(EVERYONE, method="POST", kwargs="tracking_a"),
    "cases_public:detail": Rule(EVERYONE, kwargs="public_case"),
    "cases_public:map": Rule(EVERYONE),
    "cases_public:units": Rule(EVERYONE),
    # A citizen's data request from the tracking page (the tracking code is the key); the answer goes by
    # message to the contact on file, never to whoever holds the code.
    "cases_public:data_request": Rule(EVERYONE, method="POST", kwargs="tracking_a", data={"kind": "see"}),
    "cases_privacy:index": Rule(EVERYONE, note="asks for a one-time SMS code"),
    "cases_privacy:verify": Rule(EVERYONE, note="without a code asked, redirects to the first step"),
    "cases_privacy:request": Rule(EVERYONE, kwargs="data_request_ref", note="status only, no personal data"),
    # The copy of a citizen's data: only the holder of the private link sent by message.
    "cases_privacy:export": Rule(
        EVERYONE, kwargs="data_export_link", note="a random token, hashed in the database"
    ),
    "cases_staff:data_requests": Rule(DESK, note="the administrator and the centre's dispatchers"),
    "cases_staff:data_request": Rule(DESK, kwargs="data_request"),
    "cases_intake:desk": Rule(DESK, note="operators and dispatchers of the centre"),
    "cases_intake:caller": Rule(DESK),
    "cases_intake:knowledge": Rule(DESK),
    # Routing's suggestions while the operator types (an htmx partial of the desk).
    "cases_intake:suggest": Rule(DESK),
}


def samples(world):
    from django.utils import timezone

    from massline.cases.choices import AccountabilityKind, CaseType, Channel
    from massline.cases.models import AccountabilityRecord
    from massline.cases.services import handling
    from massline.cases.services.intake import case_submit

    case = case_submit(
        type=CaseType.COMPLAINT,
        title="路灯不亮",
        description="小区门口的路灯坏了。",
        category=world.category,
        channel=Channel.WEB,
        citizen_name="李明",
        citizen_phone="13800000000",
        is_public=True,
    )
    if case.status == "received":
        handling.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.users["dispatcher"])
    handling.case_sign(case=case, unit=world.org.unit_a, by=world.users["officer_a"])
    # The clock opens records (services/clock.py); here one is needed only as something to decide.
    record = AccountabilityRecord.objects.create(
        case=case,
        unit=world.org.unit_a,
        kind=AccountabilityKind.LATE_REPLY,
        description="Replied late.",
        opened_at=timezone.now(),
    )
    from massline.cases.choices import DataRequestKind
    from massline.cases.services.data_requests import data_request_decide, data_request_submit

    data_request = data_request_submit(kind=DataRequestKind.SEE, case=case)
    _, token = data_request_decide(request=data_request, fulfil=True, by=world.users["admin_user"])
    return {
        "data_request": {"pk": data_request.pk},
        "data_request_ref": {"reference": data_request.reference},
        "data_export_link": {"token": token},
        "case_a": {"pk": case.pk},
        "case_a_note": {"pk": case.pk, "action": "note"},
        "record_a": {"pk": record.pk},
        "tracking_a": {"code": case.tracking_code},
        "public_case": {"pk": case.pk},
    }
