"""Who an official is on one demand (dispatcher, signer of a pending unit, lead unit …) and the actions
to offer them: the actions table (actions.py) filtered by the demand's state. The staff page's buttons
and the API's `allowed_actions` both come from here; the services check the same table again."""

from dataclasses import dataclass

from massline.org.choices import Role
from massline.org.selectors import user_scope

from . import selectors
from .actions import allowed
from .choices import (
    ACTIVE_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    ExclusionDecision,
    ExtensionStatus,
)
from .models import ExclusionReview
from .services import handling_rules


@dataclass
class Actor:
    """What the signed-in official may do on this demand (the services check again)."""

    dispatcher: bool = False
    operator: bool = False
    supervisor: bool = False
    lead_unit: object = None  # the lead unit if the user acts for it and it has signed
    pending_unit: object = None  # a unit of the user with an assignment awaiting signature
    co_unit: object = None  # a co-handling unit of the user (active)
    returnable: bool = False
    unit_member: bool = False


def actor_for(user, case, assignments):
    """The Actor `user` is on `case`, from its assignments (selectors.case_assignments)."""
    scope = user_scope(user)
    actor = Actor(
        dispatcher=scope.has_role(Role.DISPATCHER),
        operator=scope.has_role(Role.OPERATOR, Role.DISPATCHER),
        supervisor=scope.has_role(Role.SUPERVISOR),
    )
    for a in assignments:
        if a.status not in ACTIVE_ASSIGNMENT_STATUSES or not handling_rules.is_unit_member(user, a.unit):
            continue
        actor.unit_member = True
        if a.status == AssignmentStatus.PENDING and actor.pending_unit is None:
            actor.pending_unit = a.unit
        if a.role == AssignmentRole.LEAD:
            actor.returnable = not a.forced
            if a.status == AssignmentStatus.SIGNED:
                actor.lead_unit = a.unit
        elif a.role == AssignmentRole.CO:
            actor.co_unit = a.unit
    if not actor.unit_member:
        actor.unit_member = any(
            handling_rules.is_unit_member(user, u) for u in (case.lead_unit, case.first_unit) if u is not None
        )
    return actor


def actor_kinds(actor):
    """The actions table's names (actions.ACTORS) for what `actor` is on the demand."""
    kinds = {name for name in ("dispatcher", "operator", "supervisor", "unit_member") if getattr(actor, name)}
    return kinds | {
        name for name in ("pending_unit", "lead_unit", "co_unit") if getattr(actor, name) is not None
    }


def offered_actions(case, actor, *, pending_extension, pending_review):
    """The actions to offer `actor` on `case`, in the table's order: what its status and the actor's
    roles allow, less what the demand's own state rules out (a paused clock, a pending request)."""
    paused = case.reply_clock_id is not None and case.reply_clock.state == "paused"
    state_allows = {
        "pause": not paused,
        "resume": paused,
        "extension_request": not pending_extension,
        "extension_decide": bool(pending_extension),
        "return": actor.returnable,
        "link": not case.duplicate_of_id,
        "exclusion_request": not case.excluded_from_appraisal and not pending_review,
        "exclusion_decide": bool(pending_review),
    }
    offer = allowed(case.status, actor_kinds(actor), in_thread=case.thread_id is not None)
    return [name for name in offer if state_allows.get(name, True)]


def case_allowed_actions(*, user, case):
    """The actions `user` may take on `case` now (for the API; the page computes the same in one go)."""
    actor = actor_for(user, case, list(selectors.case_assignments(case=case)))
    pending_extension = selectors.case_extensions(case=case).filter(status=ExtensionStatus.REQUESTED).exists()
    pending_review = ExclusionReview.objects.filter(case=case, decision=ExclusionDecision.REQUESTED).exists()
    return offered_actions(case, actor, pending_extension=pending_extension, pending_review=pending_review)
