"""Reads of the organisation, always scoped to what the asking user may see.

The scope rule, used by every app: an officer sees their unit's work (and its sub-units'); a
supervisor, discipline inspector, mediator or analyst sees the work of every unit serving a region in
their jurisdiction; an administrator sees everything; anyone else (a citizen, an outsider) nothing.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.http import Http404

from .choices import REGION_ROLES, UNIT_ROLES, Role
from .models import Membership, Region, Unit


@dataclass(frozen=True)
class Scope:
    """What one user may see: unit and region subtrees (by path prefix), or everything."""

    roles: frozenset
    unit_paths: tuple = ()
    region_paths: tuple = ()
    everything: bool = False

    @property
    def is_official(self):
        """Holds a role (or is a superuser): may open staff pages, which then show only what is in scope."""
        return bool(self.roles) or self.everything

    def has_role(self, *roles):
        return self.everything and Role.ADMINISTRATOR in self.roles or bool(self.roles & set(roles))

    def units_q(self, prefix=""):
        """A Q over Unit (or over a model's unit relation, with `prefix`="unit__") for the visible units."""
        if self.everything:
            return Q()
        clauses = [Q(**{f"{prefix}path__startswith": path}) for path in self.unit_paths]
        clauses += [Q(**{f"{prefix}regions__path__startswith": path}) for path in self.region_paths]
        return reduce(or_, clauses) if clauses else Q(pk__in=[])

    def regions_q(self, prefix=""):
        """A Q over Region for the regions in jurisdiction (regions served by the user's units count too)."""
        if self.everything:
            return Q()
        clauses = [Q(**{f"{prefix}path__startswith": path}) for path in self.region_paths]
        clauses += [Q(**{f"{prefix}units__path__startswith": path}) for path in self.unit_paths]
        return reduce(or_, clauses) if clauses else Q(pk__in=[])


NOBODY = Scope(roles=frozenset())


def user_scope(user):
    """The Scope of `user`, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_massline_scope", None)
    if cached is not None:
        return cached
    memberships = list(Membership.objects.filter(user=user).select_related("unit", "region"))
    roles = frozenset(Role(m.role) for m in memberships)
    scope = Scope(
        roles=roles,
        unit_paths=tuple(
            sorted({m.unit.path for m in memberships if m.role in UNIT_ROLES and m.unit.is_active})
        ),
        region_paths=tuple(sorted({m.region.path for m in memberships if m.role in REGION_ROLES})),
        everything=Role.ADMINISTRATOR in roles or user.is_superuser,
    )
    user._massline_scope = scope
    return scope


def units_visible_to(user):
    return Unit.objects.filter(user_scope(user).units_q()).distinct()


def regions_visible_to(user):
    return Region.objects.filter(user_scope(user).regions_q()).distinct()


def unit_get_for_user(*, user, code):
    """The unit with `code` if `user` may see it; 404 otherwise, so outsiders cannot tell it exists."""
    unit = units_visible_to(user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def unit_list_for_user(*, user):
    """The units `user` may see, in tree order, with their parent and how many members and regions they have.

    Scope is applied in a subquery so that the counts are not multiplied by the scope's joins.
    """
    visible = Unit.objects.filter(user_scope(user).units_q()).values("pk")
    return (
        Unit.objects.filter(pk__in=visible)
        .select_related("parent")
        .annotate(
            member_count=Count("memberships__user", distinct=True),
            region_count=Count("regions", distinct=True),
        )
        .order_by("path")
    )


def unit_members(*, unit):
    return Membership.objects.filter(unit=unit).select_related("user").order_by("role", "user__username")


def unit_regions(*, unit):
    return unit.regions.select_related("parent").order_by("path")


def unit_children_for_user(*, user, unit):
    """The direct sub-units of `unit` that `user` may see."""
    return units_visible_to(user).filter(parent=unit).order_by("path")


def user_memberships(*, user):
    return Membership.objects.filter(user=user).select_related("unit", "region").order_by("role")
