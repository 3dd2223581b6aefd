"""Reads of appraisal: figures of a month from the rollups, trends, rankings, the demands behind a figure.

Staff reads are scoped with `user_scope`: the leadership page lists the units and regions in the user's
jurisdiction; the public reads only published rankings and whole-jurisdiction figures (no names of
officials, demands masked).
"""

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Q
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from massline.cases.models import Case, Category
from massline.org.choices import Role
from massline.org.models import Membership, Region, Unit, User
from massline.org.selectors import user_scope

from . import metrics
from .choices import Dimension, RankingStatus
from .models import ConductRating, DemandFact, MonthlyFigures, Ranking
from .services import _rows_for, counts_of, grouped_counts, rules_by_month, rules_for

# Who may open the leadership dashboard (the unit page is open to the unit's own officials too).
LEADERSHIP_ROLES = (
    Role.SUPERVISOR,
    Role.ANALYST,
    Role.ADMINISTRATOR,
    Role.DISCIPLINE_INSPECTOR,
    Role.DISPATCHER,
)
TREND_MONTHS = 12
LABELS = {Dimension.UNIT: Unit, Dimension.REGION: Region, Dimension.CATEGORY: Category}


def parse_month(text, default=None):
    """A "YYYY-MM" string as the first day of that month; `default` when empty; Http404 when malformed."""
    if not text:
        return default
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise Http404(_("Give the month as YYYY-MM, e.g. 2026-03.")) from exc


def months_with_data():
    return list(
        MonthlyFigures.objects.filter(dimension=Dimension.TOTAL)
        .order_by("-month")
        .values_list("month", flat=True)
    )


def latest_month():
    return (
        MonthlyFigures.objects.filter(dimension=Dimension.TOTAL)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def _counts(row):
    return {k: getattr(row, k) for k in (*metrics.COUNT_FIELDS, "handling_p50", "handling_p90")}


def figures(*, month, dimension=Dimension.TOTAL, key=0, rules=None):
    """{metric: Figure} of one rollup row (all None when the month or the row has no data)."""
    rules = rules or rules_for(month)
    row = MonthlyFigures.objects.filter(month=month, dimension=dimension, key=key).first()
    return metrics.compute(_counts(row) if row else {}, rules)


def trend(*, dimension=Dimension.TOTAL, key=0, until, months=TREND_MONTHS, only=None):
    """[(month, {metric: Figure})] of the last `months` months with data up to `until`, oldest first;
    `only` restricts to those months (the public page shows published months only)."""
    rows = MonthlyFigures.objects.filter(dimension=dimension, key=key, month__lte=until)
    if only is not None:
        rows = rows.filter(month__in=list(only))
    rows = list(rows.order_by("-month")[:months])[::-1]
    rules = rules_by_month([row.month for row in rows])
    return [(row.month, metrics.compute(_counts(row), rules[row.month])) for row in rows]


def _label_map(dimension, keys):
    if dimension == Dimension.OFFICIAL:
        return {
            pk: (name or username)
            for pk, name, username in User.objects.filter(pk__in=keys).values_list(
                "pk", "display_name", "username"
            )
        }
    # Names only (no model instances): a month's categories are hundreds of rows.
    english = (get_language() or "").startswith("en")
    rows = LABELS[dimension].objects.filter(pk__in=keys).values_list("pk", "name", "name_en")
    return {pk: (name_en if english and name_en else name) for pk, name, name_en in rows}


def table(*, month, dimension, rules=None, keys=None):
    """[{key, label, figures}] of one dimension in a month, optionally restricted to `keys`."""
    rules = rules or rules_for(month)
    rows = MonthlyFigures.objects.filter(month=month, dimension=dimension)
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    rows = list(rows)
    labels = _label_map(dimension, [r.key for r in rows])
    return [
        {"key": r.key, "label": labels.get(r.key, "?"), "figures": metrics.compute(_counts(r), rules)}
        for r in rows
    ]


CENTRE_ROLES = (Role.DISPATCHER, Role.OPERATOR)


def _centre_region_paths(user, scope):
    """The regions served by the centre units where `user` is a dispatcher or operator: the centre answers
    for the whole jurisdiction it serves (as in cases' scope), not only for its own unit."""
    if not scope.roles & set(CENTRE_ROLES):
        return []
    centre_paths = (
        Membership.objects.filter(user=user, role__in=CENTRE_ROLES, unit__isnull=False)
        .values_list("unit__path", flat=True)
        .distinct()
    )
    clauses = [Q(units__path__startswith=p) for p in centre_paths]
    return list(Region.objects.filter(reduce(or_, clauses)).values_list("path", flat=True)) if clauses else []


def _appraisal_units_q(user):
    scope = user_scope(user)
    if scope.everything:
        return Q()
    q = scope.units_q()
    for path in _centre_region_paths(user, scope):
        q |= Q(regions__path__startswith=path)
    return q


def visible_unit_ids(user):
    """The units whose figures `user` sees (docs/appraisal.md "Who sees what"): an officer or unit head their
    unit and its sub-units; a supervisor, inspector, mediator or analyst the units serving their regions; a
    dispatcher or operator of the centre every unit serving the regions the centre serves; an
    administrator all."""
    cached = getattr(user, "_appraisal_units", None)
    if cached is None:
        cached = set(Unit.objects.filter(_appraisal_units_q(user)).values_list("pk", flat=True))
        user._appraisal_units = cached
    return cached


def visible_region_ids(user):
    cached = getattr(user, "_appraisal_regions", None)
    if cached is not None:
        return cached
    scope = user_scope(user)
    if scope.everything:
        cached = set(Region.objects.values_list("pk", flat=True))
    else:
        q = scope.regions_q()
        for path in _centre_region_paths(user, scope):
            q |= Q(path__startswith=path)
        cached = set(Region.objects.filter(q).values_list("pk", flat=True))
    user._appraisal_regions = cached
    return cached


def sees_everything(user, month=None):
    """Whether `user` answers for the whole territory (an administrator, or a jurisdiction holding every
    top-level region, as the county's supervisors and the centre serving the county): then the
    jurisdiction's figures are the whole total, read from the rollups; otherwise they are summed over the
    user's units (`month` is accepted for the callers' symmetry; the answer does not depend on it)."""
    cached = getattr(user, "_appraisal_whole", None)
    if cached is None:
        roots = set(Region.objects.filter(parent__isnull=True).values_list("pk", flat=True))
        cached = user_scope(user).everything or (bool(roots) and roots <= visible_region_ids(user))
        user._appraisal_whole = cached
    return cached


def jurisdiction_figures(*, user, month, rules=None):
    """{metric: Figure} of the demands in `user`'s jurisdiction in `month`: the total rollup when it covers
    every unit, else one aggregate over the facts of the user's units (the percentiles are not additive)."""
    rules = rules or rules_for(month)
    if sees_everything(user, month):
        return figures(month=month, rules=rules)
    facts = DemandFact.objects.filter(month=month, unit_id__in=list(visible_unit_ids(user)))
    return metrics.compute(counts_of(facts, rules), rules)


def jurisdiction_trend(*, user, until, months=TREND_MONTHS, only=None):
    """The trend of `user`'s jurisdiction: the total's rollups, or the user's units' rows summed per month
    (counts add up; the handling-time percentiles, which do not, are left out)."""
    if sees_everything(user, until):
        return trend(until=until, months=months, only=only)
    rows = MonthlyFigures.objects.filter(
        dimension=Dimension.UNIT, key__in=list(visible_unit_ids(user)), month__lte=until
    )
    if only is not None:
        rows = rows.filter(month__in=list(only))
    by_month = {}
    for row in rows.order_by("month"):
        counts = by_month.setdefault(row.month, metrics.empty_counts())
        for field in metrics.COUNT_FIELDS:
            counts[field] += getattr(row, field)
    chosen = sorted(by_month)[-months:]
    rules = rules_by_month(chosen)
    return [(month, metrics.compute(by_month[month], rules[month])) for month in chosen]


def jurisdiction_worst(*, user, month, dimension, rules=None, metric="satisfaction_rate", n=5):
    """The worst `n` of a dimension within `user`'s jurisdiction (the leadership's least satisfied)."""
    rules = rules or rules_for(month)
    if sees_everything(user, month):
        return worst_rows(month=month, dimension=dimension, rules=rules, metric=metric, n=n)
    return worst(jurisdiction_table(user=user, month=month, dimension=dimension, rules=rules), metric, n=n)


def jurisdiction_table(*, user, month, dimension, rules=None):
    """A dimension's table limited to `user`'s jurisdiction: the rollups when the user sees every unit,
    else one grouped aggregate over the facts of the user's units."""
    rules = rules or rules_for(month)
    if sees_everything(user, month):
        return table(month=month, dimension=dimension, rules=rules)
    field = {Dimension.CATEGORY: "category", Dimension.REGION: "region", Dimension.UNIT: "unit"}[dimension]
    facts = DemandFact.objects.filter(month=month, unit_id__in=list(visible_unit_ids(user)))
    grouped = grouped_counts(facts, field, rules)
    labels = _label_map(dimension, list(grouped))
    return [
        {"key": k, "label": labels.get(k, "?"), "figures": metrics.compute(c, rules)}
        for k, c in grouped.items()
    ]


def can_see_officials(user, unit):
    """Each official's figures and conduct ratings are for the unit's head and the leadership roles; a
    handler sees only their own line."""
    scope = user_scope(user)
    if scope.has_role(*LEADERSHIP_ROLES):
        return True
    return Membership.objects.filter(
        user=user, role=Role.UNIT_HEAD, unit__in=unit_and_ancestors(unit)
    ).exists()


def unit_and_ancestors(unit):
    paths = [unit.path[: i + 1] for i, ch in enumerate(unit.path) if ch == "/"] + [unit.path]
    return Unit.objects.filter(path__in=paths)


def can_lead(user):
    return user_scope(user).has_role(*LEADERSHIP_ROLES)


def can_report(user):
    """The monthly report: the leadership roles (their jurisdiction) and unit heads (their units)."""
    return user_scope(user).has_role(*LEADERSHIP_ROLES, Role.UNIT_HEAD)


def ranking_for(month, *, published_only=False):
    rankings = Ranking.objects.filter(month=month)
    if published_only:
        rankings = rankings.filter(status=RankingStatus.PUBLISHED)
    return rankings.select_related("rules", "published_by").first()


def published_rankings():
    return Ranking.objects.filter(status=RankingStatus.PUBLISHED).order_by("-month")


def ranking_rows(ranking, *, published_only=False):
    rows = ranking.rows.select_related("unit").order_by("group", "rank", "unit__path")
    if published_only:
        rows = rows.filter(group__gt=0)
    return list(rows)


def preview_rows(month):
    """The ranking rows `month` would have now (unsaved), for a month nobody has computed yet."""
    rows = _rows_for(month, rules_for(month))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[r.unit_id for r in rows])}
    for row in rows:
        row.unit = units[row.unit_id]
    return sorted(rows, key=lambda r: (r.group == 0, r.group, r.rank or 10**9, r.unit.path))


def grouped(rows):
    """[(group, rows)] in group order, the unpublished group (0) last."""
    groups = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    return sorted(groups.items(), key=lambda item: (item[0] == 0, item[0]))


def bottom(rows, n):
    """The `n` lowest-scored ranked units of every published group (督办名单)."""
    result = []
    for group, members in grouped(rows):
        if group == 0:
            continue
        scored = [r for r in members if r.score is not None]
        result.append((group, sorted(scored, key=lambda r: r.score)[:n]))
    return result


def movers(rows, month):
    """Units whose rank moved most against the previous month's published ranking: [(row, change)]."""
    previous = (
        Ranking.objects.filter(month__lt=month, status=RankingStatus.PUBLISHED).order_by("-month").first()
    )
    if previous is None:
        return []
    before = {r.unit_id: r for r in previous.rows.all()}
    moves = []
    for row in rows:
        old = before.get(row.unit_id)
        if old and old.rank and row.rank and old.group == row.group:
            moves.append((row, old.rank - row.rank))
    moves = [m for m in moves if m[1]]
    return sorted(moves, key=lambda m: -abs(m[1]))[:5]


def worst_rows(*, month, dimension, rules, metric="satisfaction_rate", keys=None, n=5):
    """The `n` rows of a dimension lowest on `metric`, from the rollups: only the counts the figure needs
    are read and only the `n` shown get their labels (a month has hundreds of categories and places)."""
    needed = ("counted", "dispatched", "signed_on_time", "finished", "finished_on_time", "open_overdue")
    needed += ("rated", "resolved", "satisfied", "basic", "rated_phone", "resolved_phone")
    needed += ("satisfied_phone", "basic_phone")
    rows = MonthlyFigures.objects.filter(month=month, dimension=dimension)
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    entries = []
    for values in rows.values("key", *needed):
        key = values.pop("key")
        shown = (
            {metric: metrics.visit_rate(values, rules, metric)}
            if metric in ("satisfaction_rate", "resolution_rate")
            else metrics.compute(values, rules)
        )
        entries.append({"key": key, "figures": shown, "counts": values})
    chosen = worst(entries, metric, n=n)
    for entry in chosen:
        entry["figures"] = metrics.compute(entry.pop("counts"), rules)
    labels = _label_map(dimension, [e["key"] for e in chosen])
    for entry in chosen:
        entry["label"] = labels.get(entry["key"], "?")
    return chosen


def worst(entries, metric, *, minimum=1, n=5):
    """The `n` entries lowest on `metric`, of those with at least `minimum` in its denominator."""
    scored = [
        e
        for e in entries
        if e["figures"][metric].value is not None and e["figures"][metric].denominator >= minimum
    ]
    return sorted(scored, key=lambda e: e["figures"][metric].value)[:n]


DIMENSION_FIELDS = {
    Dimension.UNIT: "unit_id",
    Dimension.OFFICIAL: "official_id",
    Dimension.REGION: "region_id",
    Dimension.CATEGORY: "category_id",
}


def _facts_behind(*, month, dimension, key, metric, part, rules):
    if metric not in metrics.METRICS:
        raise Http404(_("There is no figure of this name."))
    facts = DemandFact.objects.filter(month=month).filter(metrics.demands_q(metric, rules, part))
    if dimension != Dimension.TOTAL:
        if dimension not in DIMENSION_FIELDS:
            raise Http404(_("There is no figure of this name."))
        facts = facts.filter(**{DIMENSION_FIELDS[dimension]: key})
    return facts


def demands_behind_for_staff(*, user, month, dimension, key, metric, part="denominator"):
    """The ids of the demands behind a figure within `user`'s jurisdiction (the staff drill-down), newest
    first: read from the fact rows alone (indexed by month and unit), so that counting and paging a month of
    a million-demand year stays cheap. The jurisdiction is the one whose figures the user sees: every
    demand for those who answer for the whole territory, else the demands of the user's units. Each
    demand's own page still checks the user's scope over cases."""
    facts = _facts_behind(
        month=month, dimension=dimension, key=key, metric=metric, part=part, rules=rules_for(month)
    )
    if not sees_everything(user, month):
        facts = facts.filter(unit_id__in=list(visible_unit_ids(user)))
    return facts.order_by("-case_id").values_list("case_id", flat=True)


def staff_cases(ids):
    """The demands of one page of ids, in the ids' order, with what the staff list shows."""
    cases = Case.objects.filter(pk__in=list(ids)).select_related("lead_unit", "category").in_bulk()
    return [cases[pk] for pk in ids if pk in cases]


def demands_behind_for_public(*, month, dimension, key, metric, part="denominator"):
    """The demands behind a published figure, for the public list: never officials; masked in the template."""
    if dimension == Dimension.OFFICIAL:
        raise Http404(_("Figures of officials are not public."))
    facts = _facts_behind(
        month=month, dimension=dimension, key=key, metric=metric, part=part, rules=rules_for(month)
    )
    return facts.order_by("-case_id").values_list("case_id", flat=True)


def public_cases(ids):
    """The demands of one page of ids for the public list (masked in the template), in the ids' order."""
    cases = (
        Case.objects.filter(pk__in=list(ids))
        .select_related("lead_unit", "category")
        .only(
            "pk",
            "is_public",
            "public_summary",
            "received_at",
            "replied_at",
            "closed_at",
            "status",
            "category__name",
            "category__name_en",
            "category__code",
            "lead_unit__name",
            "lead_unit__name_en",
            "lead_unit__code",
            "signed_at",
        )
        .in_bulk()
    )
    return [cases[pk] for pk in ids if pk in cases]


def conduct_summary(*, official_ids):
    """{official id: (ratings, mean attitude, mean efficiency, mean honesty)} of the citizens' ratings."""
    from django.db.models import Avg, Count

    rows = (
        ConductRating.objects.filter(official_id__in=official_ids)
        .values("official")
        .annotate(
            n=Count("id"), attitude=Avg("attitude"), efficiency=Avg("efficiency"), honesty=Avg("honesty")
        )
    )
    return {r["official"]: r for r in rows}


def unit_get_for_user(*, user, pk):
    if pk not in visible_unit_ids(user):
        raise Http404(_("This unit is not in your jurisdiction."))
    return Unit.objects.get(pk=pk)


def official_ids_of(unit):
    return set(Membership.objects.filter(unit=unit).values_list("user_id", flat=True))
