"""/api/v1/: public operations for everyone, staff operations for officials with a token and the scope
(404 outside it, 403 for a role that may not act)."""

from massline.lib.access_policy import EVERYONE, Rule

CASE_A_READERS = frozenset(
    {"officer_a", "unit_head_a", "dispatcher", "supervisor", "inspector", "admin_user"}
)


def _api(allow, method="GET", kwargs=None, data=None):
    return Rule(allow, method=method, kwargs=kwargs, data=data or {}, api=True)


def _write(data):
    return _api(CASE_A_READERS, "POST", "api_case_a", {**data, "version": STALE})


STALE = 999_999

RULES = {
    "api:openapi-json": _api(EVERYONE),
    "api:openapi-view": _api(EVERYONE),
    "api:api-root": _api(frozenset()),  # no operation at the root: 404 for everyone
    "api:categories": _api(EVERYONE),
    "api:units": _api(EVERYONE),
    "api:regions": _api(EVERYONE),
    "api:statistics": _api(EVERYONE),
    # A token belongs to an account: every signed-in persona has one; the answer is its own roles.
    "api:me": _api(EVERYONE - {"anonymous"}),
    "api:demand_create": _api(
        EVERYONE, method="POST", data={"type": "help", "title": "t", "description": "d"}
    ),
    "api:demand_list": _api(EVERYONE),
    "api:demand_detail": _api(EVERYONE, kwargs="api_case_a"),
    "api:demand_timeline": _api(EVERYONE, kwargs="api_case_a"),
    # Without the demand's tracking code (the citizen's key) nobody may rate it.
    "api:demand_rate": _api(
        frozenset(),
        method="POST",
        kwargs="api_case_a",
        data={"tracking_code": "WRONG", "resolved": True, "satisfaction": "satisfied"},
    ),
    "api:staff_demand_list": _api(EVERYONE - {"anonymous"}),
    "api:staff_demand_detail": _api(CASE_A_READERS, kwargs="api_case_a"),
    "api:staff_demand_timeline": _api(CASE_A_READERS, kwargs="api_case_a"),
    "api:staff_demand_suggestions": _api(CASE_A_READERS, kwargs="api_case_a"),
    # Writes are sent with a stale version, so the matrix changes nothing: in scope, the request reaches
    # the demand and is refused as stale (409); outside it, 404. Which role may act in which status is
    # the actions table's (cases/tests/test_actions.py, api/tests/test_allowed_actions.py).
    "api:staff_dispatch": _write({"lead_unit": "unit-a"}),
    "api:staff_sign": _write({"unit": "unit-a"}),
    "api:staff_return": _write({"unit": "unit-a", "reason": "not_our_duty", "note": "n"}),
    "api:staff_reply": _write({"text": "t"}),
    "api:staff_extend": _write({"amount": "1", "reason": "r"}),
    "api:staff_rate": _write({"resolved": True, "satisfaction": "basic"}),
}


def samples(world):
    from massline.cases.models import Case

    case = Case.objects.filter(lead_unit=world.org.unit_a, is_public=True).order_by("pk").first()
    return {"api_case_a": {"id": case.pk}}
