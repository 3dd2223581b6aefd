"""Reads of the integrity app, scoped to the asking inspector: tips in their jurisdiction, minus recusals."""

from django.http import Http404
from django.utils import timezone

from massline.org.models import Membership

from . import access
from .choices import RevealStatus
from .models import IdentityReveal, InspectorKey, InspectorNotice, RetaliationFlag, Tip


def tips_for_inspector(*, user):
    """The tip-offs `user` may read (metadata only: no decryption here), newest first."""
    paths = access.jurisdiction_paths(user)
    if not paths:
        return []
    candidates = (
        Tip.objects.filter(unit__in=access.Unit.objects.filter(access.covered_units_q(paths)))
        .select_related("unit", "first_answer_clock")
        .order_by("-received_at")
    )
    own = access.own_unit_paths(user)
    names = access.name_hashes(user)
    now = timezone.now()
    visible = []
    for tip in candidates:
        if any(tip.unit.path.startswith(p) or p.startswith(tip.unit.path) for p in own):
            continue
        if tip.accused_hash and tip.accused_hash in names:
            continue
        clock = tip.first_answer_clock
        tip.first_answer_due = clock.due_at if clock is not None and clock.is_open else None
        tip.first_answer_overdue = bool(clock is not None and clock.is_open and clock.is_overdue(now))
        visible.append(tip)
    return visible


def tip_get_for_inspector(*, user, reference):
    tip = Tip.objects.filter(reference=reference).select_related("unit", "first_answer_clock").first()
    if tip is None or not access.may_read(user, tip):
        raise Http404
    return tip


def inspector_key(*, user):
    return InspectorKey.objects.filter(user=user).first()


def notices_for(*, user, limit=50):
    return InspectorNotice.objects.filter(user=user).select_related("tip")[:limit]


def reveals_of(*, tip):
    return IdentityReveal.objects.filter(tip=tip).select_related("requested_by", "decided_by")


def pending_reveals_for(*, user, tip):
    """Requests on `tip` waiting for a second inspector: not the user's own."""
    return reveals_of(tip=tip).filter(status=RevealStatus.REQUESTED).exclude(requested_by=user)


def flags_of(*, tip):
    return RetaliationFlag.objects.filter(tip=tip).select_related("case").order_by("-created_at")


def unit_officials(*, unit):
    """Accounts holding a role in the tip's unit, for naming the official in a discipline record."""
    from massline.org.models import User

    ids = Membership.objects.filter(unit=unit).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("username")
