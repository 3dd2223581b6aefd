"""Who may read a tip-off: discipline inspectors whose jurisdiction covers the unit concerned, minus
those recused from it (the tip is about their own unit, or names them). Administrators are not readers.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from massline.org.choices import Role
from massline.org.models import Membership, Unit

from . import crypto
from .models import InspectorKey


def jurisdiction_paths(user):
    """Region paths the user covers as a discipline inspector (other roles give nothing here)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    return tuple(
        sorted(
            Membership.objects.filter(user=user, role=Role.DISCIPLINE_INSPECTOR, region__isnull=False)
            .values_list("region__path", flat=True)
            .distinct()
        )
    )


def is_inspector(user):
    return bool(jurisdiction_paths(user))


def covered_units_q(paths, prefix=""):
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, [Q(**{f"{prefix}regions__path__startswith": path}) for path in paths])


def covers(user, unit):
    paths = jurisdiction_paths(user)
    return bool(paths) and Unit.objects.filter(covered_units_q(paths), pk=unit.pk).exists()


def own_unit_paths(user):
    """Units the user belongs to in any role, and the unit an inspector is stationed in."""
    paths = set(Membership.objects.filter(user=user, unit__isnull=False).values_list("unit__path", flat=True))
    key = InspectorKey.objects.filter(user=user).select_related("home_unit").first()
    if key is not None and key.home_unit_id:
        paths.add(key.home_unit.path)
    return paths


def name_hashes(user):
    """Keyed hashes of the names the user may be named by in a tip (display name, user name, full name)."""
    names = {user.display_name, user.username, user.get_full_name(), f"{user.last_name}{user.first_name}"}
    return {crypto.keyed_hash("accused", crypto.normalise_text(n)) for n in names if crypto.normalise_text(n)}


def recused(user, *, unit, accused_hash):
    """True if the user must not read a tip about `unit` naming `accused_hash` (回避)."""
    for path in own_unit_paths(user):
        if unit.path.startswith(path) or path.startswith(unit.path):
            return True
    return bool(accused_hash) and accused_hash in name_hashes(user)


def may_read(user, tip):
    return covers(user, tip.unit) and not recused(user, unit=tip.unit, accused_hash=tip.accused_hash)


def eligible_keys(*, unit, accused_hash):
    """The keys of every inspector who may read a tip about `unit` naming `accused_hash`."""
    keys = (
        InspectorKey.objects.filter(
            user__is_active=True,
            user__memberships__role=Role.DISCIPLINE_INSPECTOR,
        )
        .select_related("user")
        .distinct()
    )
    return [
        key
        for key in keys
        if covers(key.user, unit) and not recused(key.user, unit=unit, accused_hash=accused_hash)
    ]
