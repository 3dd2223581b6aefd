"""Reads for the public pages: a demand by its tracking code, the list and map of public demands (masked),
and the "how we are doing" figures of each unit. Nothing here returns a citizen's contact details.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from massline.org import maps
from massline.org.choices import RegionLevel
from massline.org.models import Region, Unit

from .choices import PUBLIC_EVENT_KINDS, CaseStatus, Satisfaction
from .masking import mask_public
from .models import Case, CaseEvent, Category

# How many demand points the public map draws at most (the most recent ones).
MAP_POINTS = 1500
PUBLIC_SUMMARY_FALLBACK = 300


def case_for_code(code):
    """The demand with tracking code `code` (any case: the code is the citizen's key), or None."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return (
        Case.objects.select_related("category", "region", "lead_unit", "citizen")
        .filter(tracking_code=code)
        .first()
    )


def public_timeline(case):
    """The events the citizen may see, oldest first, with their masked public notes."""
    return list(
        CaseEvent.objects.filter(case=case, kind__in=sorted(PUBLIC_EVENT_KINDS))
        .select_related("unit")
        .only("kind", "at", "public_note", "unit__name", "unit__name_en", "case_id")
        .order_by("at", "id")
    )


def _citizen_names(case):
    return [case.citizen.name] if case.citizen_id and case.citizen and case.citizen.name else []


def public_view(case):
    """What a public page may show of `case`: masked title, summary, address and reply."""
    names = _citizen_names(case)
    summary = case.public_summary or mask_public(case.description, names=names)[:PUBLIC_SUMMARY_FALLBACK]
    return {
        "case": case,
        "title": mask_public(case.title, names=names),
        "summary": summary,
        "address": mask_public(case.address, names=names),
        "reply": mask_public(case.reply, names=names),
    }


def public_cases(*, category=None, status=None, region=None):
    """Demands whose citizens allowed publication, newest first, filtered by category/status/region
    (each a subtree for category and region)."""
    cases = Case.objects.filter(is_public=True)
    if category is not None:
        cases = cases.filter(category__path__startswith=category.path)
    if status:
        cases = cases.filter(status=status)
    if region is not None:
        cases = cases.filter(region__path__startswith=region.path)
    # The citizen's name is joined only to mask it out of the title and summary.
    return cases.select_related("category", "region", "citizen").order_by("-received_at", "-id")


def public_case_get(pk):
    return public_cases().filter(pk=pk).first()


def filter_choices():
    """Categories of the top two levels and townships/villages for the public filters."""
    categories = [
        c
        for c in Category.objects.filter(is_active=True).only("code", "name", "name_en", "path")
        if c.depth <= 1
    ]
    regions = list(
        Region.objects.filter(level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]).only(
            "code", "name", "name_en", "path", "level"
        )
    )
    return categories, regions


# The map (web/maps.js draws it) -----------------------------------------------------------------------


def public_map(cases, *, url_for, region_url_for, within=None):
    """What the public map draws of `cases` (a public_cases() queryset): a choropleth of how many demands
    each area holds (the children of `within`, or the county's townships) and the most recent
    MAP_POINTS demands that have coordinates, each rounded to `maps.PUBLIC_DECIMALS` (never a door).

    Returns {"data": the JSON for web/maps.js, "areas": [(region, count)] for the table under the map,
    "points": how many are drawn, "unplaced": how many demands have no coordinates}.
    """
    regions = maps.choropleth_regions(within)
    by_region = dict(
        cases.order_by().filter(region__isnull=False).values_list("region_id").annotate(n=Count("pk"))
    )
    totals = maps.subtree_totals(regions, by_region)
    statuses = dict(CaseStatus.choices)
    rows = list(
        cases.exclude(lat=None)
        .exclude(lon=None)
        .order_by("-received_at", "-id")
        .values_list("pk", "title", "status", "lat", "lon", "citizen__name")[:MAP_POINTS]
    )
    points = []
    for pk, title, status, lat, lon, name in rows:
        rounded_lat, rounded_lon = maps.public_position(lat, lon)
        points.append(
            {
                "lat": rounded_lat,
                "lon": rounded_lon,
                "label": mask_public(title, names=[name or ""]),
                "status": status,
                "statusLabel": str(statuses.get(status, status)),
                "url": url_for(pk),
            }
        )
    areas = [(r, totals.get(r.pk, 0)) for r in regions]
    layer = maps.area_layer(
        [
            (r, n, ngettext("%(n)d demand", "%(n)d demands", n) % {"n": n}, region_url_for(r))
            for r, n in areas
        ],
        kind="count",
        title=_("Public demands per area"),
    )
    unplaced = cases.filter(Q(lat=None) | Q(lon=None)).count()
    return {"data": {**layer, "points": points}, "areas": areas, "points": len(points), "unplaced": unplaced}


# How we are doing ------------------------------------------------------------------------------------


@dataclass
class UnitFigures:
    unit: Unit
    received: int
    answered: int
    closed: int
    on_time: int
    rated: int
    satisfied: int
    not_rated: int

    @staticmethod
    def _share(part, whole):
        return None if not whole else part / whole

    @property
    def on_time_share(self):
        """Answered within the time limit, of the demands answered."""
        return self._share(self.on_time, self.answered)

    @property
    def satisfaction_share(self):
        """Satisfied or basically satisfied, of the demands the citizen rated."""
        return self._share(self.satisfied, self.rated)

    @property
    def not_rated_share(self):
        """Closed without a rating, of the demands closed."""
        return self._share(self.not_rated, self.closed)


def unit_figures(*, since=None, until=None):
    """Per unit handling demands (the lead unit), received in [since, until): counts and shares.

    One aggregate query plus one for the units. Demands excluded from appraisal after review count as
    received but not in the shares.
    """
    cases = Case.objects.filter(lead_unit__isnull=False)
    if since is not None:
        cases = cases.filter(received_at__gte=since)
    if until is not None:
        cases = cases.filter(received_at__lt=until)
    counted = Q(excluded_from_appraisal=False)
    answered = Q(status__in=[CaseStatus.REPLIED, CaseStatus.CLOSED]) & counted
    rated = (
        Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED]) & counted
    )
    rows = cases.values("lead_unit").annotate(
        received=Count("id"),
        answered=Count("id", filter=answered),
        closed=Count("id", filter=Q(status=CaseStatus.CLOSED) & counted),
        on_time=Count("id", filter=answered & Q(was_late=False)),
        rated=Count("id", filter=rated),
        satisfied=Count(
            "id", filter=counted & Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])
        ),
        not_rated=Count(
            "id", filter=counted & Q(status=CaseStatus.CLOSED, satisfaction=Satisfaction.NOT_RATED)
        ),
    )
    by_unit = {row.pop("lead_unit"): row for row in rows}
    units = Unit.objects.filter(pk__in=by_unit).order_by("path")
    return [UnitFigures(unit=unit, **by_unit[unit.pk]) for unit in units]


def demand_counts_by_category(*, year, region=None):
    """How many demands were received in `year` (local time) per category, most first (for the
    practical projects' "what the people asked for most"): rows of {"category": id, "label", "lineage"
    (the names of the category and its parents, Chinese and English), "count"}. Two queries."""
    tz = timezone.get_current_timezone()
    since = datetime(year, 1, 1, tzinfo=tz)
    until = datetime(year + 1, 1, 1, tzinfo=tz)
    cases = Case.objects.filter(received_at__gte=since, received_at__lt=until, category__isnull=False)
    if region is not None:
        cases = cases.filter(region__path__startswith=region.path)
    counts = list(cases.values("category").annotate(n=Count("id")).order_by("-n", "category"))
    if not counts:
        return []
    nodes = {c.pk: c for c in Category.objects.only("id", "parent_id", "name", "name_en")}
    rows = []
    for row in counts:
        node, lineage = nodes.get(row["category"]), []
        label = node.label if node else ""
        while node is not None:
            lineage += [node.name, node.name_en]
            node = nodes.get(node.parent_id)
        rows.append({"category": row["category"], "label": label, "lineage": lineage, "count": row["n"]})
    return rows
