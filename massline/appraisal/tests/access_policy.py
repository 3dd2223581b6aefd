"""Who may use each URL of appraisal (see massline/lib/access_policy.py and massline/appraisal/views.py).

Public: the published rankings, the masked demands behind them, the open data and the citizen's conduct
rating (the tracking code is the key) are for everyone. Staff: officials only (anonymous visitors get the
login page, accounts without a role 403). The leadership dashboard, the rankings page and the monthly
report are for the leadership roles (supervisors, analysts, administrators, discipline inspectors,
dispatchers), the report also for unit heads (each gets their own jurisdiction's); other officials
are sent from the dashboard to their own unit's page, which is open to the
officials whose scope covers the unit (404 outside it). Computing rankings and setting the rules is for
supervisors and administrators only (403 for the others).
"""

from massline.lib.access_policy import EVERYONE, OFFICIALS, Rule

LEADERS = frozenset({"dispatcher", "supervisor", "inspector", "admin_user"})
RULE_SETTERS = frozenset({"supervisor", "admin_user"})
# Unit A's page: unit A's officials and those whose scope covers unit A; the centre's dispatcher answers
# for every unit serving the regions the centre serves (the county), so unit A's page is theirs too.
UNIT_A_READERS = frozenset(
    {"officer_a", "unit_head_a", "dispatcher", "supervisor", "inspector", "admin_user"}
)
# The monthly report: the leadership roles and unit heads, each for their own jurisdiction.
REPORT_READERS = LEADERS | {"unit_head_a"}
MONTH = "2026-03"

RULES = {
    "appraisal:index": Rule(EVERYONE),
    "appraisal:demands": Rule(EVERYONE),
    "appraisal:conduct": Rule(
        EVERYONE, method="POST", kwargs="tracking_a", note="back to the tracking page, rated or not"
    ),
    "appraisal:open_demands": Rule(EVERYONE, kwargs={"fmt": "csv"}),
    "appraisal:open_figures": Rule(EVERYONE, kwargs={"fmt": "json"}),
    "appraisal_staff:dashboard": Rule(
        OFFICIALS, note="leaders see it; unit officials are redirected to their own unit's page"
    ),
    "appraisal_staff:unit": Rule(UNIT_A_READERS, kwargs="appraisal_unit_a"),
    "appraisal_staff:demands": Rule(OFFICIALS, note="every official, each seeing the demands in scope"),
    # The action, not the list: the month is given so that only the person, not the input, is judged.
    "appraisal_staff:rankings": Rule(RULE_SETTERS, method="POST", data={"month": MONTH, "action": "compute"}),
    "appraisal_staff:rules_create": Rule(
        RULE_SETTERS,
        method="POST",
        data={
            "valid_from": MONTH,
            "weight_response": "30",
            "weight_resolution": "35",
            "weight_satisfaction": "35",
            "basic_factor": "0.9",
            "visits": "all",
            "group_bounds": "5,2",
        },
    ),
    "appraisal_staff:report": Rule(REPORT_READERS, kwargs={"month": MONTH, "fmt": "xlsx"}),
}


def samples(world):
    return {"appraisal_unit_a": {"pk": world.org.unit_a.pk}}
