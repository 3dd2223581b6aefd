"""Duplicates and handling threads (重复件 / 并案): link a demand to an earlier one it repeats, or merge
new demands into one handling thread whose lead demand is handled once; every citizen in the thread
still gets the reply on their own demand and rates it separately.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError, PermissionDenied
from massline.org.choices import Role
from massline.org.selectors import user_scope

from ..choices import CaseStatus, EventKind
from ..errors import InvalidTransition
from ..workflow import case_apply
from .handling_rules import _copy_back, _locked_copy, is_unit_member


def _require_linker(by, case):
    if by is not None and user_scope(by).has_role(Role.DISPATCHER, Role.OPERATOR):
        return
    units = [u for u in (case.lead_unit, case.first_unit) if u is not None]
    if not any(is_unit_member(by, u) for u in units):
        raise PermissionDenied(_("Only the centre or the unit handling the demand may link duplicates."))


def case_link_duplicate(*, case, original, by, note="", at=None):
    """Record that `case` repeats the earlier demand `original` (the link is kept for the supervisors'
    lists and the citizen's history; the demand itself is still answered)."""
    at = at or timezone.now()
    _require_linker(by, case)
    if original.pk == case.pk:
        raise DomainError(
            _("A demand cannot be a duplicate of itself: choose the earlier demand."), code="self"
        )
    if original.received_at > case.received_at:
        raise DomainError(
            _("%(code)s came in later than this demand: link the later demand to the earlier one.")
            % {"code": original.tracking_code},
            code="order",
        )
    with transaction.atomic():
        current = _locked_copy(case)
        if current.duplicate_of_id:
            raise InvalidTransition(
                _("This demand is already linked as a duplicate of %(code)s.")
                % {"code": current.duplicate_of.tracking_code}
            )
        case_apply(
            case=current,
            by=by,
            event_kind=EventKind.LINKED,
            fields={"duplicate_of": original},
            at=at,
            internal_note=note.strip(),
            data={"original": original.tracking_code},
        )
    _copy_back(current, case)
    return case


def case_merge(*, lead, members, by, note="", at=None):
    """Merge new demands (`members`, not yet dispatched) into the handling thread of `lead`: the lead's
    unit handles once, the reply goes to every member, each citizen rates their own demand (并案办理)."""
    at = at or timezone.now()
    if by is None or not user_scope(by).has_role(Role.DISPATCHER):
        raise PermissionDenied(_("Only the centre's dispatchers merge demands into one handling thread."))
    members = [m for m in members if m.pk != lead.pk]
    if not members:
        raise DomainError(
            _("Choose at least one other demand to merge into this one."), code="members_required"
        )
    with transaction.atomic():
        head = _locked_copy(lead)
        if head.thread_id:
            raise InvalidTransition(
                _("%(code)s is itself merged into another thread: merge into that thread's lead demand.")
                % {"code": head.tracking_code}
            )
        if head.status in (CaseStatus.REPLIED, CaseStatus.CLOSED):
            raise InvalidTransition(
                _("%(code)s is already answered: merge only into a demand still being handled.")
                % {"code": head.tracking_code}
            )
        codes = []
        for member in members:
            current = _locked_copy(member)
            if current.status != CaseStatus.RECEIVED or current.thread_id:
                raise InvalidTransition(
                    _(
                        "%(code)s is already dispatched or merged: only new demands join a handling thread. "
                        "Link it as a duplicate instead."
                    )
                    % {"code": current.tracking_code}
                )
            if current.thread_members.exists():
                raise InvalidTransition(
                    _("%(code)s leads its own thread: merge the other way round.")
                    % {"code": current.tracking_code}
                )
            case_apply(
                case=current,
                by=by,
                event_kind=EventKind.MERGED,
                fields={"thread": head, "lead_unit": head.lead_unit, "next_check_at": None},
                at=at,
                public_note=_("Handled together with similar demands."),
                internal_note=note.strip(),
                data={"thread": head.tracking_code},
            )
            _copy_back(current, member)
            codes.append(current.tracking_code)
        case_apply(
            case=head,
            by=by,
            event_kind=EventKind.MERGED,
            at=at,
            internal_note=note.strip(),
            data={"members": codes},
        )
    _copy_back(head, lead)
    return lead
