"""Staff reads of demands, always scoped to what the asking official may see (org's scope rule):

- a handler or unit head sees the demands of their unit (and its offices): led, co-handled, first
  received, or once assigned to it;
- a dispatcher or operator sees the demands of the regions their centre serves (and those without a place);
- a supervisor, inspector or analyst sees the demands located in their jurisdiction and those of the
  units serving it;
- an administrator sees everything; anyone else nothing (views turn that into 403 for pages, 404 for
  one demand).
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import F, IntegerField, Q, Value, When
from django.http import Http404
from django.utils import timezone

from massline.org.choices import REGION_ROLES, Role
from massline.org.models import Region, Unit
from massline.org.selectors import user_scope

from .choices import (
    ACTIVE_ASSIGNMENT_STATUSES,
    OPEN_STATUSES,
    QUEUE_STATUSES,
    AccountabilityDecision,
    CaseStatus,
    EscalationLevel,
)
from .models import (
    AccountabilityRecord,
    Assignment,
    Case,
    CaseEvent,
    ExclusionReview,
    Extension,
    Notification,
)

PAGE_SIZE = 50
# Repeated demands: same category, same region or within this distance, within this window.
REPEAT_METRES = 100
REPEAT_DAYS = 30

NOTHING = Q(pk__in=[])


def _unit_ids(scope):
    return list(Unit.objects.filter(scope.units_q()).values_list("pk", flat=True))


def case_scope_q(user):
    """A Q over Case for the demands `user` may see (see the module docstring)."""
    scope = user_scope(user)
    if scope.everything:
        return Q()
    clauses = []
    unit_roles = scope.roles & {Role.HANDLER, Role.UNIT_HEAD}
    centre_roles = scope.roles & {Role.DISPATCHER, Role.OPERATOR}
    if unit_roles or (scope.roles & REGION_ROLES):
        ids = _unit_ids(scope)
        if ids:
            clauses += [
                Q(lead_unit_id__in=ids),
                Q(first_unit_id__in=ids),
                Q(pk__in=Assignment.objects.filter(unit_id__in=ids).values("case_id")),
            ]
    if centre_roles or (scope.roles & REGION_ROLES):
        if scope.roles & REGION_ROLES:
            paths = list(scope.region_paths)
        else:
            paths = []
        if centre_roles:
            centre_units = [p for p in scope.unit_paths]
            paths += list(
                Region.objects.filter(
                    reduce(or_, [Q(units__path__startswith=p) for p in centre_units])
                    if centre_units
                    else NOTHING
                ).values_list("path", flat=True)
            )
            clauses.append(Q(region__isnull=True))
        clauses += [Q(region__path__startswith=path) for path in sorted(set(paths))]
    return reduce(or_, clauses) if clauses else NOTHING


def cases_for_user(user):
    return Case.objects.filter(case_scope_q(user))


def case_get_for_staff(*, user, pk):
    """One demand with what its detail page needs, or 404 when `user` may not see it."""
    case = (
        cases_for_user(user)
        .select_related(
            "category",
            "region",
            "citizen",
            "lead_unit",
            "first_unit",
            "handler",
            "reply_clock",
            "thread",
            "duplicate_of",
            "created_by",
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def case_timeline(*, case):
    return CaseEvent.objects.filter(case=case).select_related("actor", "unit").order_by("at", "pk")


def case_assignments(*, case):
    return Assignment.objects.filter(case=case).select_related("unit", "signed_by", "dispatched_by")


def case_extensions(*, case):
    return Extension.objects.filter(case=case).select_related("unit", "requested_by", "decided_by")


def case_related(*, case):
    """Duplicates of it, its thread's members, and its exclusion reviews and accountability records."""
    return {
        "duplicates": list(
            Case.objects.filter(duplicate_of=case).only("pk", "tracking_code", "title", "status")
        ),
        "members": list(Case.objects.filter(thread=case).only("pk", "tracking_code", "title", "status")),
        "reviews": list(
            ExclusionReview.objects.filter(case=case).select_related("requested_by", "decided_by")
        ),
        "records": list(
            AccountabilityRecord.objects.filter(case=case).select_related("unit", "official", "decided_by")
        ),
    }


# --- queues ------------------------------------------------------------------------------------------

_LIST_RELATED = ("category", "lead_unit", "region")


@dataclass(frozen=True)
class QueueFilter:
    status: str = ""
    category: str = ""  # a category code: the category and its sub-categories
    unit: str = ""  # a unit code: its lead demands
    urgency: str = ""
    overdue: bool = False
    q: str = ""  # tracking code or words of the title


def _apply_filter(qs, f):
    if f.status:
        qs = qs.filter(status=f.status)
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.unit:
        qs = qs.filter(lead_unit__code=f.unit)
    if f.category:
        qs = qs.filter(Q(category__code=f.category) | Q(category__path__contains=f"/{f.category}/"))
    if f.overdue:
        qs = qs.filter(is_overdue=True)
    if f.q:
        qs = qs.filter(Q(tracking_code=f.q.strip().upper()) | Q(title__icontains=f.q.strip()))
    return qs


def _page(qs, page, size=PAGE_SIZE):
    paginator = Paginator(qs, size)
    return paginator.get_page(page)


def dispatcher_queue(*, user, filters=QueueFilter(), page=1):
    """The centre's queue: returned demands first, then overdue ones, then new ones, oldest first within
    each; the dispatched and handled ones follow. Paginated; reads only the columns the table shows."""
    qs = (
        cases_for_user(user)
        .filter(thread__isnull=True)
        # Named statuses, not "not closed": the partial index cases_open_received serves this.
        .filter(status__in=sorted(OPEN_STATUSES) if not filters.status else sorted(QUEUE_STATUSES))
        .annotate(
            rank=When_(
                When(status=CaseStatus.ARBITRATION, then=Value(0)),
                When(is_overdue=True, then=Value(1)),
                When(status=CaseStatus.RECEIVED, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
    )
    qs = _apply_filter(qs, filters).select_related(*_LIST_RELATED).order_by("rank", "received_at", "pk")
    return _page(qs, page)


def unit_queue(*, user, filters=QueueFilter(), page=1):
    """The demands of the official's units: awaiting signature, being handled, overdue (overdue first)."""
    scope = user_scope(user)
    ids = _unit_ids(scope) if not scope.everything else None
    active = Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES)
    if ids is not None:
        active = active.filter(unit_id__in=ids)
    qs = Case.objects.filter(pk__in=active.values("case_id"), thread__isnull=True).annotate(
        rank=When_(
            When(is_overdue=True, then=Value(0)),
            When(status=CaseStatus.DISPATCHED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    qs = (
        _apply_filter(qs, filters)
        .select_related(*_LIST_RELATED)
        .order_by("rank", F("due_reply_at").asc(nulls_last=True), "received_at", "pk")
    )
    return _page(qs, page)


def unit_pending_extensions(*, user):
    """Extension requests waiting for the centre (for dispatchers)."""
    return (
        Extension.objects.filter(status="requested", case__in=cases_for_user(user))
        .select_related("case", "unit", "requested_by")
        .order_by("requested_at")
    )


# --- the supervisor's lists ----------------------------------------------------------------------------


def supervisor_overdue(*, user, limit=200):
    return (
        cases_for_user(user)
        .filter(Q(is_overdue=True) | Q(escalation_level__gte=EscalationLevel.LISTED))
        .exclude(status=CaseStatus.CLOSED)
        .select_related(*_LIST_RELATED, "handler")
        .order_by("-escalation_level", "due_reply_at", "pk")[:limit]
    )


def supervisor_unsatisfied(*, user, limit=200):
    """Demands reopened after an unsatisfied rating, or rated unsatisfied twice."""
    return (
        cases_for_user(user)
        .filter(Q(reopen_count__gte=1) | Q(unsatisfied_count__gte=2))
        .select_related(*_LIST_RELATED)
        .order_by("-unsatisfied_count", "-received_at")[:limit]
    )


def accountability_records(*, user, pending_only=False, limit=200):
    records = AccountabilityRecord.objects.filter(case__in=cases_for_user(user).values("pk"))
    if pending_only:
        records = records.filter(decision=AccountabilityDecision.PENDING)
    return records.select_related("case", "unit", "official", "decided_by").order_by(
        "decision", "-opened_at"
    )[:limit]


def exclusion_reviews_pending(*, user):
    return (
        ExclusionReview.objects.filter(decision="requested", case__in=cases_for_user(user).values("pk"))
        .select_related("case", "requested_by")
        .order_by("requested_at")
    )


def _metres(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (float(a[0]), float(a[1]), float(b[0]), float(b[1])))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def repeated_demands(*, user, now=None, days=REPEAT_DAYS, metres=REPEAT_METRES, limit=2000):
    """Groups of demands about the same problem from the same place: same category and the same region
    (grid/village) or within `metres` of each other, received within `days`. Largest groups first."""
    now = now or timezone.now()
    rows = list(
        cases_for_user(user)
        .filter(received_at__gte=now - timedelta(days=days), category__isnull=False)
        .filter(Q(region__isnull=False) | Q(lat__isnull=False, lon__isnull=False))
        .select_related("category", "region")
        .order_by("-received_at")[:limit]
    )
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_category = {}
    for i, case in enumerate(rows):
        by_category.setdefault(case.category_id, []).append(i)
    for indexes in by_category.values():
        for n, i in enumerate(indexes):
            a = rows[i]
            for j in indexes[n + 1 :]:
                b = rows[j]
                same_region = a.region_id and a.region_id == b.region_id
                near = (
                    a.lat is not None
                    and b.lat is not None
                    and _metres((a.lat, a.lon), (b.lat, b.lon)) <= metres
                )
                if same_region or near:
                    parent[find(i)] = find(j)
    groups = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(rows[i])
    result = [sorted(g, key=lambda c: c.received_at) for g in groups.values() if len(g) > 1]
    return sorted(result, key=lambda g: (-len(g), g[0].received_at))


def notifications_for(*, user, unread_only=False, limit=200):
    qs = Notification.objects.filter(user=user).select_related("case")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")[:limit]


def unread_count(*, user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
