"""org's workbench pages: the unit directory for officials, a unit's page within scope."""

from massline.lib.access_policy import OFFICIALS, Rule

RULES = {
    "org:unit_list": Rule(OFFICIALS),
    # Within scope: the centre's dispatcher and unit B's officer do not see unit A's page.
    "org:unit_detail": Rule(OFFICIALS - {"officer_b", "dispatcher"}, kwargs={"code": "unit-a"}),
}


def samples(world):
    return {}
