"""The one table of what may be done to a demand: each action, the statuses it may be taken in, who takes
it and the status it moves to. The services' status guards (services/handling_rules.require_allowed), the
staff page's buttons (views_staff), the API's `allowed_actions` and the life cycle's TRANSITIONS all read
it; tests/test_actions.py walks it.

Who ("actors") is said in the roles a demand's page knows about its official (views_staff._actor):
  dispatcher   a dispatcher of the centre (派单员)
  operator     an operator of the hotline (话务员)
  supervisor   a supervisor (督办)
  pending_unit a handler or head of a unit that still has to sign for the demand
  lead_unit    a handler or head of the lead unit once it signed
  co_unit      a handler or head of a co-handling unit
  unit_member  a handler or head of any unit the demand was sent to (or of its lead or first unit)
The services check the person (is this official of that unit?) themselves; this table is the rule of
which status allows what, and whom the page offers it to.
"""

from dataclasses import dataclass

from .choices import CaseStatus

ACTORS = ("dispatcher", "operator", "supervisor", "pending_unit", "lead_unit", "co_unit", "unit_member")
OPEN = frozenset({CaseStatus.RECEIVED, CaseStatus.DISPATCHED, CaseStatus.ARBITRATION, CaseStatus.IN_PROGRESS})
ANY = frozenset(CaseStatus)


@dataclass(frozen=True)
class ActionRule:
    statuses: frozenset
    actors: frozenset
    moves_to: frozenset = frozenset()  # empty: the status stays
    # False: not offered on a demand merged into another's handling thread (act on the thread instead).
    in_thread: bool = True


def _rule(statuses, actors, moves_to=(), *, in_thread=True):
    return ActionRule(frozenset(statuses), frozenset(actors), frozenset(moves_to), in_thread)


S = CaseStatus
ACTIONS = {
    "dispatch": _rule({S.RECEIVED}, {"dispatcher"}, {S.DISPATCHED}, in_thread=False),
    "sign": _rule({S.DISPATCHED, S.IN_PROGRESS}, {"pending_unit"}, {S.IN_PROGRESS}, in_thread=False),
    "arbitrate": _rule({S.ARBITRATION}, {"dispatcher"}, {S.DISPATCHED}),
    "contact": _rule({S.IN_PROGRESS}, {"lead_unit"}),
    "reply": _rule({S.IN_PROGRESS}, {"lead_unit"}, {S.REPLIED}),
    "co_reply": _rule({S.IN_PROGRESS}, {"co_unit"}),
    "pause": _rule({S.IN_PROGRESS}, {"lead_unit"}),
    "resume": _rule({S.IN_PROGRESS}, {"lead_unit"}),
    "extension_request": _rule({S.IN_PROGRESS}, {"lead_unit"}),
    "extension_decide": _rule({S.IN_PROGRESS}, {"dispatcher"}),
    "return": _rule({S.DISPATCHED, S.IN_PROGRESS}, {"lead_unit", "pending_unit"}, {S.ARBITRATION}),
    "transfer": _rule({S.DISPATCHED, S.IN_PROGRESS}, {"dispatcher"}, {S.DISPATCHED}, in_thread=False),
    "note": _rule({S.DISPATCHED, S.IN_PROGRESS, S.ARBITRATION}, {"lead_unit", "dispatcher", "supervisor"}),
    # A rating closes the demand, or reopens it when unsatisfied (and the reopen limit allows).
    "rate": _rule({S.REPLIED}, {"operator"}, {S.CLOSED, S.IN_PROGRESS}),
    "link": _rule(ANY, {"operator", "unit_member"}),
    "merge": _rule(OPEN, {"dispatcher"}, in_thread=False),
    "exclusion_request": _rule(ANY, {"dispatcher", "unit_member"}),
    "exclusion_decide": _rule(ANY, {"supervisor"}),
}

# Moves no staff button makes: the operator's direct answer at intake, the citizen's own rating (same
# moves as "rate"), and the worker closing a replied demand nobody rated.
SYSTEM_MOVES = {
    "answer_directly": _rule({S.RECEIVED}, {"operator"}, {S.REPLIED}),
    "auto_close": _rule({S.REPLIED}, (), {S.CLOSED}),
}


def transitions():
    """status → the statuses some action or system move takes it to: the life cycle's TRANSITIONS."""
    moves = {status: set() for status in CaseStatus}
    for rule in (*ACTIONS.values(), *SYSTEM_MOVES.values()):
        for status in rule.statuses:
            moves[status] |= rule.moves_to
    return {status: frozenset(targets) for status, targets in moves.items()}


def allowed(status, actors, *, in_thread=False):
    """The actions `actors` (a set of ACTORS names) may take on a demand in `status`, in table order.

    Conditions that are not about status or role (a pending extension, a paused clock, an unforced lead
    assignment) are the caller's to add: the table says what the status and the role allow.
    """
    return [
        name
        for name, rule in ACTIONS.items()
        if status in rule.statuses and rule.actors & set(actors) and (rule.in_thread or not in_thread)
    ]
