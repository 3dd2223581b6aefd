"""Rules and helpers shared by the services of the handling stage (handling, visit, merge, clock): who
may act on a unit's demand, notices to staff and the citizen, due times and the worker's next look, and
the bookkeeping of assignments."""

import copy

from django.utils import timezone
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError, PermissionDenied
from massline.org.choices import Role
from massline.org.models import Membership, Unit
from massline.org.selectors import user_scope

from ..actions import ACTIONS
from ..choices import (
    ACTIVE_ASSIGNMENT_STATUSES,
    AssignmentRole,
    CaseStatus,
    ClockStage,
    NotificationKind,
)
from ..errors import ConcurrentUpdate, InvalidTransition
from ..models import Assignment, Case
from ..schedule import next_check
from ..timelimits import policy_for, stage_due
from ..workflow import case_apply

# Unit roles that act for a unit on its demands.
UNIT_HANDLING_ROLES = (Role.HANDLER, Role.UNIT_HEAD)


# --- who may act -----------------------------------------------------------------------------------


def is_unit_member(user, unit, roles=UNIT_HANDLING_ROLES):
    """True if `user` holds one of `roles` in `unit` or in a unit above it (an office acts for its unit's
    parent's staff too), or is an administrator."""
    if user is None or unit is None:
        return False
    if user_scope(user).everything:
        return True
    paths = Membership.objects.filter(user=user, role__in=roles, unit__is_active=True).values_list(
        "unit__path", flat=True
    )
    return any(unit.path.startswith(path) for path in paths)


def require_unit_member(user, unit, roles=UNIT_HANDLING_ROLES):
    if not is_unit_member(user, unit, roles):
        raise PermissionDenied(
            _("Only the handlers and the head of %(unit)s may do this on its demands.") % {"unit": unit}
        )


def require_role(user, *roles, message):
    if user is None or not user_scope(user).has_role(*roles):
        raise PermissionDenied(message)


def require_dispatcher(user):
    require_role(
        user,
        Role.DISPATCHER,
        message=_("Only the centre's dispatchers decide where a demand goes: ask a dispatcher."),
    )


def require_status(case, *statuses, message=None):
    if case.status not in statuses:
        raise InvalidTransition(
            message
            or _("This demand is “%(status)s”: that cannot be done now. Reload it to see what it needs.")
            % {"status": CaseStatus(case.status).label}
        )


def require_allowed(case, action, message=None):
    """Refuse `action` on `case` in a status the actions table (cases/actions.py) does not allow it in."""
    require_status(case, *ACTIONS[action].statuses, message=message)


def require_text(value, message):
    value = (value or "").strip()
    if not value:
        raise DomainError(message, code="required")
    return value


def refuse_thread_member(case):
    if case.thread_id:
        raise InvalidTransition(
            _("This demand was merged into the handling thread %(code)s: act on that demand instead.")
            % {"code": case.thread.tracking_code}
        )


# --- staff notifications ---------------------------------------------------------------------------


def unit_staff(unit, roles=UNIT_HANDLING_ROLES):
    from massline.org.models import User

    return list(
        User.objects.filter(memberships__unit=unit, memberships__role__in=roles, is_active=True).distinct()
    )


def dispatchers():
    from massline.org.models import User

    return list(User.objects.filter(memberships__role=Role.DISPATCHER, is_active=True).distinct())


def tell_staff(*, users, case, kind, text):
    """In-app notification to officials (engineer P's notify module sends it)."""
    from .notify import notify_staff

    users = [user for user in users if user is not None]
    if users:
        notify_staff(users=users, case=case, kind=kind, text=str(text))


def tell_citizen(*, case, kind):
    from .notify import notify_citizen

    notify_citizen(case=case, kind=kind)


# --- due times and the worker's next look ----------------------------------------------------------


def _now(at):
    return at or timezone.now()


def case_policy(case):
    return policy_for(category=case.category, urgency=case.urgency)


def case_refresh_fields(case, *, now):
    """The `next_check_at` the clock worker needs for `case` as it now stands (after its fields changed)."""
    return {"next_check_at": next_check(case)}


def _apply(case, *, by, event_kind, at, to=None, fields=None, **kwargs):
    """case_apply, then set next_check_at for the demand's new state in the same conditional update."""
    fields = dict(fields or {})
    future = copy.copy(case)
    for name, value in fields.items():
        setattr(future, name, value)
    if to is not None:
        future.status = to
    fields.update(case_refresh_fields(future, now=at))
    return case_apply(case=case, by=by, event_kind=event_kind, to=to, fields=fields, at=at, **kwargs)


def _refresh_next_check(case, at):
    """After the assignments a transition created: the worker's next look depends on them. Bookkeeping
    for the worker, not an edit: the version stays, so nobody's open page goes stale."""
    value = next_check(case)
    Case.objects.filter(pk=case.pk).update(next_check_at=value)
    case.next_check_at = value


def _locked_copy(case):
    """Re-read the demand: services act on what the database holds, not on what a form once showed.

    A copy older than the database is refused at once as a concurrent update: the official acted on
    what someone else has changed since, and "reload" tells them so, where a guard reading the new
    status would tell them something true but puzzling ("only a new demand can be dispatched"). A
    change landing after this read is still refused by case_apply's conditional update.
    """
    # The row is locked for the rest of the caller's transaction: a second official acting at once waits
    # here until the first commits, then sees the new version, instead of reading the demand before and
    # its assignments after the other's commit (which answered "nothing to sign" rather than "reload").
    fresh = (
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "lead_unit", "first_unit", "reply_clock", "thread")
        .get(pk=case.pk)
    )
    if fresh.version != case.version:
        raise ConcurrentUpdate()
    return fresh


def _copy_back(source, target):
    for field in Case._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _active_assignment(case, unit, role=None):
    assignments = Assignment.objects.filter(case=case, unit=unit, status__in=ACTIVE_ASSIGNMENT_STATUSES)
    if role:
        assignments = assignments.filter(role=role)
    return assignments.order_by("-dispatched_at", "-pk").first()


def _lead_assignment(case):
    return (
        Assignment.objects.filter(case=case, role=AssignmentRole.LEAD, status__in=ACTIVE_ASSIGNMENT_STATUSES)
        .select_related("unit")
        .first()
    )


def _check_unit(unit, what):
    if not isinstance(unit, Unit) or not unit.is_active:
        raise DomainError(
            _("Choose an active handling unit as the %(what)s.") % {"what": what}, code="invalid_unit"
        )


def _dispatch_fields(case, *, lead_unit, at):
    policy = case_policy(case)
    return {
        "lead_unit": lead_unit,
        "dispatched_at": case.dispatched_at or at,
        "due_sign_at": stage_due(policy=policy, stage=ClockStage.SIGN, start=at),
        "due_dispatch_at": None,
        "stage_since": at,
        "warnings_fired": 0,
        "escalation_level": 0,
        "is_overdue": False,
    }


def _create_assignments(case, *, lead_unit, co_units, by, at, forced):
    Assignment.objects.create(
        case=case, unit=lead_unit, role=AssignmentRole.LEAD, dispatched_by=by, dispatched_at=at, forced=forced
    )
    for unit in co_units:
        if _active_assignment(case, unit) is None:
            Assignment.objects.create(
                case=case, unit=unit, role=AssignmentRole.CO, dispatched_by=by, dispatched_at=at
            )


def _clean_co_units(lead_unit, co_units):
    units = []
    for unit in co_units or ():
        _check_unit(unit, _("co-handling unit"))
        if unit.pk != lead_unit.pk and unit not in units:
            units.append(unit)
    return units


def _tell_unit_new(case, units):
    for unit in units:
        tell_staff(
            users=unit_staff(unit),
            case=case,
            kind=NotificationKind.NEW_ASSIGNMENT,
            text=_("New demand %(code)s for %(unit)s: sign for it.")
            % {"code": case.tracking_code, "unit": unit},
        )
