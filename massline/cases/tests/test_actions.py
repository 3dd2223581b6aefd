"""The actions table is the one rule of what may be done in which status: the life cycle's TRANSITIONS
come from it, the services' guards refuse what it does not allow, the staff page offers nothing else."""

import pytest

from massline.cases import actions, views_staff, workflow
from massline.cases.choices import CaseStatus
from massline.cases.errors import InvalidTransition
from massline.cases.models import Case
from massline.cases.services.handling_rules import require_allowed


def test_the_life_cycle_is_the_tables_moves_and_nothing_more():
    assert workflow.TRANSITIONS == actions.transitions()
    # No service closes a demand that was never answered, nor takes one out of arbitration to handling.
    assert CaseStatus.CLOSED not in workflow.TRANSITIONS[CaseStatus.RECEIVED]
    assert workflow.TRANSITIONS[CaseStatus.ARBITRATION] == {CaseStatus.DISPATCHED}
    assert workflow.TRANSITIONS[CaseStatus.CLOSED] == frozenset()
    for rule in (*actions.ACTIONS.values(), *actions.SYSTEM_MOVES.values()):
        assert rule.actors <= set(actions.ACTORS)


def test_every_button_of_the_staff_page_has_a_rule_and_every_rule_a_button():
    assert set(views_staff.FORMS) == set(actions.ACTIONS) == set(views_staff.ACTION_LABELS)


@pytest.mark.parametrize("action", sorted(actions.ACTIONS))
@pytest.mark.parametrize("status", list(CaseStatus))
def test_the_services_guard_refuses_exactly_the_statuses_the_table_leaves_out(action, status):
    case = Case(status=status)
    if status in actions.ACTIONS[action].statuses:
        require_allowed(case, action)
    else:
        with pytest.raises(InvalidTransition):
            require_allowed(case, action)


def test_allowed_filters_by_status_role_and_thread():
    assert actions.allowed(CaseStatus.RECEIVED, {"dispatcher"}) == ["dispatch", "merge", "exclusion_request"]
    assert "dispatch" not in actions.allowed(CaseStatus.RECEIVED, {"dispatcher"}, in_thread=True)
    assert actions.allowed(CaseStatus.IN_PROGRESS, {"lead_unit"})[:2] == ["contact", "reply"]
    assert actions.allowed(CaseStatus.CLOSED, {"lead_unit"}) == []
    assert actions.allowed(CaseStatus.REPLIED, set()) == []
