"""Appraisal's writes: refreshing the demand facts and monthly rollups (the worker), entering rule sets,
computing and publishing (freezing) monthly rankings with adjustments of earlier months, and the
citizen's one-time rating of the handling official's conduct.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.cases.choices import (
    AssignmentStatus,
    CaseStatus,
    EventKind,
    ExclusionCategory,
    ExclusionDecision,
    Satisfaction,
)
from massline.cases.models import AccountabilityRecord, Assignment, Case, CaseEvent, ExclusionReview
from massline.deadlines.calendar import working_time_between
from massline.deadlines.choices import TimeUnit
from massline.lib.errors import DomainError, PermissionDenied
from massline.org.choices import Role
from massline.org.models import Unit
from massline.org.selectors import user_scope

from . import conf, metrics
from .choices import Conduct, Dimension, RankingStatus, VisitsCounted
from .models import ConductRating, DemandFact, MonthlyFigures, Ranking, RankingAdjustment, RankingRow, RuleSet

RATINGS = (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED)
RULE_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)
# The figures a ranking row keeps, compared when a published month is corrected later.
ROW_FIGURES = ("volume", "response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate", "score")


def month_of(instant):
    """The first day of the local month of a datetime (or of a date)."""
    if isinstance(instant, dt.datetime):
        instant = timezone.localtime(instant).date()
    return instant.replace(day=1)


def month_bounds(month):
    """[start, end) of a month as aware datetimes in the local time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, dt.datetime.combine(following, dt.time.min, tzinfo=tz)


# --- facts --------------------------------------------------------------------------------------------


def _handling_hours(case):
    """Working hours from receipt to reply on the default working calendar (deadlines), or None."""
    if case.replied_at is None or case.replied_at < case.received_at:
        return None
    try:
        spent = working_time_between(case.received_at, case.replied_at, TimeUnit.WORKING_HOURS)
    except DomainError:
        # A year the calendar cannot count yet: the time is left out of the handling figures until it can.
        return None
    return spent.total_seconds() / 3600


def _fact(case, now):
    finished = case.replied_at is not None and case.status in (CaseStatus.REPLIED, CaseStatus.CLOSED)
    due = case.due_reply_at
    rated = case.satisfaction in RATINGS
    return DemandFact(
        case_id=case.pk,
        month=month_of(case.received_at),
        unit_id=case.first_unit_id or case.lead_unit_id,
        official_id=case.handler_id,
        region_id=case.region_id,
        category_id=case.category_id,
        counted=not case.excluded_from_appraisal,
        excluded=case.excluded_from_appraisal,
        # The approved review's category; an exclusion without one (entered before categories) is "other".
        exclusion_category=(case.exclusion_category or ExclusionCategory.UNREASONABLE)
        if case.excluded_from_appraisal
        else "",
        merged=case.thread_id is not None and case.thread_id != case.pk,
        dispatched=case.dispatched_at is not None,
        signed_on_time=case.signed_at is not None
        and (case.due_sign_at is None or case.signed_at <= case.due_sign_at),
        finished=finished,
        finished_on_time=finished and not case.was_late,
        open_overdue=not finished and (case.is_overdue or (due is not None and due < now)),
        returned=case.was_returned,
        rated=rated,
        rated_by_phone=rated and case.rating_via == "phone",
        resolved=rated and case.resolved is True,
        satisfaction=case.satisfaction if rated else "",
        unrated=case.satisfaction == Satisfaction.NOT_RATED,
        reopened=case.reopen_count > 0,
        handling_hours=_handling_hours(case) if finished else None,
        accountability=case.records,
        computed_at=now,
    )


FACT_FIELDS = [f.name for f in DemandFact._meta.concrete_fields if f.name != "case"]


def _annotated(cases):
    rating_via = (
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.RATED)
        .order_by("-at", "-id")
        .values(via=KT("data__via"))[:1]
    )
    records = (
        AccountabilityRecord.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(n=Count("id"))
        .values("n")
    )
    exclusion = (
        ExclusionReview.objects.filter(case=OuterRef("pk"), decision=ExclusionDecision.APPROVED)
        .order_by("-decided_at", "-id")
        .values("category")[:1]
    )
    return cases.annotate(
        exclusion_category=Subquery(exclusion),
        was_returned=Exists(Assignment.objects.filter(case=OuterRef("pk"), status=AssignmentStatus.RETURNED)),
        rating_via=Subquery(rating_via),
        records=Subquery(records),
    ).order_by("pk")


def facts_refresh(*, cases=None, now=None):
    """Write the fact row of every demand in `cases` (a queryset; default all); returns the months touched.

    Batched by primary key, one transaction per batch, upserted, so the worker may run it on a large table.
    """
    now = now or timezone.now()
    cases = Case.objects.all() if cases is None else cases
    months = set()
    last = 0
    size = conf.batch_size()
    while True:
        batch = list(_annotated(cases.filter(pk__gt=last))[:size])
        if not batch:
            break
        last = batch[-1].pk
        facts = [_fact(case, now) for case in batch]
        for fact in facts:
            fact.accountability = fact.accountability or 0
        old = set(
            DemandFact.objects.filter(case_id__in=[f.case_id for f in facts])
            .values_list("month", flat=True)
            .distinct()
        )
        with transaction.atomic():
            DemandFact.objects.bulk_create(
                facts, update_conflicts=True, unique_fields=["case"], update_fields=FACT_FIELDS
            )
        months |= old | {f.month for f in facts}
    return months


# --- rollups ------------------------------------------------------------------------------------------


def _aggregates(rules):
    """The counts behind every figure under `rules` (which exclusion categories take demands out)."""
    COUNTED, HANDLED = metrics.counted_q(rules), metrics.handled_q(rules)  # noqa: N806 (read as constants)

    def n(q):
        return Count("case", filter=q)

    rated = COUNTED & Q(rated=True)
    phone = rated & Q(rated_by_phone=True)
    # Aliased with a prefix: an aggregate may not share its name with a field of the model.
    return {
        f"n_{name}": aggregate
        for name, aggregate in {
            "received": Count("case"),
            "counted": n(COUNTED),
            "excluded": n(metrics.excluded_q(rules)),
            "merged": n(COUNTED & Q(merged=True)),
            "dispatched": n(HANDLED & Q(dispatched=True)),
            "signed_on_time": n(HANDLED & Q(dispatched=True, signed_on_time=True)),
            "finished": n(HANDLED & Q(finished=True)),
            "finished_on_time": n(HANDLED & Q(finished=True, finished_on_time=True)),
            "open_overdue": n(HANDLED & Q(open_overdue=True)),
            "returned": n(HANDLED & Q(dispatched=True, returned=True)),
            "reopened": n(HANDLED & Q(finished=True, reopened=True)),
            "unrated": n(COUNTED & Q(unrated=True)),
            "rated": n(rated),
            "resolved": n(rated & Q(resolved=True)),
            "satisfied": n(rated & Q(satisfaction=metrics.SATISFIED)),
            "basic": n(rated & Q(satisfaction=metrics.BASIC)),
            "rated_phone": n(phone),
            "resolved_phone": n(phone & Q(resolved=True)),
            "satisfied_phone": n(phone & Q(satisfaction=metrics.SATISFIED)),
            "basic_phone": n(phone & Q(satisfaction=metrics.BASIC)),
            "handling_count": n(HANDLED & Q(finished=True, handling_hours__isnull=False)),
            "handling_sum": Sum("handling_hours", filter=HANDLED & Q(finished=True), default=0.0),
            "accountability": Sum("accountability", default=0),
        }.items()
    }


def _unprefixed(values):
    return {key.removeprefix("n_"): value for key, value in values.items()}


DIMENSION_FIELDS = {
    Dimension.UNIT: "unit",
    Dimension.OFFICIAL: "official",
    Dimension.REGION: "region",
    Dimension.CATEGORY: "category",
}


def counts_of(facts, rules):
    """The counts of a DemandFact queryset in one aggregate query (plus the handling percentiles)."""
    counts = _unprefixed(facts.aggregate(**_aggregates(rules)))
    counts.update(_percentiles(facts, rules))
    return counts


def grouped_counts(facts, field, rules):
    """{key: counts} of a DemandFact queryset grouped by `field` (no percentiles), in one query."""
    grouped = facts.exclude(**{f"{field}__isnull": True}).values(field).order_by(field)
    return {row.pop(field): _unprefixed(row) for row in grouped.annotate(**_aggregates(rules))}


def _percentiles(facts, rules):
    """Median and 90th percentile of the handling hours: two indexed ORDER BY … OFFSET reads."""
    hours = facts.filter(metrics.handled_q(rules) & Q(finished=True, handling_hours__isnull=False))
    n = hours.count()
    if not n:
        return {"handling_p50": None, "handling_p90": None}
    ordered = hours.order_by("handling_hours").values_list("handling_hours", flat=True)
    # Nearest-rank percentile: the smallest value with at least p·n values at or below it.
    return {
        "handling_p50": ordered[max(0, -(-n * 50 // 100) - 1)],
        "handling_p90": ordered[max(0, -(-n * 90 // 100) - 1)],
    }


def _group_percentiles(facts, field, rules):
    """{key: (p50, p90)} for every group of a month, in one query per month and dimension."""
    hours = facts.filter(
        metrics.handled_q(rules) & Q(finished=True, handling_hours__isnull=False),
        **{f"{field}__isnull": False},
    )
    if connection.vendor == "postgresql":
        # The worker's one use of raw SQL: PostgreSQL computes both percentiles per group in the database.
        inner = hours.values(field, "handling_hours").query
        inner_sql, inner_params = inner.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT k, percentile_disc(0.5) WITHIN GROUP (ORDER BY h), "  # noqa: S608 (built by the ORM)
                f"percentile_disc(0.9) WITHIN GROUP (ORDER BY h) FROM ({inner_sql}) AS q(k, h) GROUP BY k",
                inner_params,
            )
            return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    result = {}
    rows = hours.order_by(field, "handling_hours").values_list(field, "handling_hours")
    current, values = None, []

    def close():
        if values:
            n = len(values)
            result[current] = (values[-(-n * 50 // 100) - 1], values[-(-n * 90 // 100) - 1])

    for key, value in rows.iterator(chunk_size=5000):
        if key != current:
            close()
            current, values = key, []
        values.append(value)
    close()
    return result


def rollups_rebuild(*, months, now=None):
    """Recompute the MonthlyFigures rows of `months` from the facts: one aggregate per month and dimension."""
    now = now or timezone.now()
    written = 0
    for month in sorted(months):
        # The counts follow the month's rules (which exclusion categories count), so a new rule set has
        # the months it applies to rebuilt (the worker's round), and a published month never changes rules.
        rules = rules_for(month)
        facts = DemandFact.objects.filter(month=month)
        rows = [
            MonthlyFigures(
                month=month, dimension=Dimension.TOTAL, key=0, computed_at=now, **counts_of(facts, rules)
            )
        ]
        for dimension, field in DIMENSION_FIELDS.items():
            spread = _group_percentiles(facts, field, rules)
            grouped = facts.exclude(**{f"{field}__isnull": True}).values(field).order_by(field)
            for values in grouped.annotate(**_aggregates(rules)):
                key = values.pop(field)
                values = _unprefixed(values)
                p50, p90 = spread.get(key, (None, None))
                rows.append(
                    MonthlyFigures(
                        month=month,
                        dimension=dimension,
                        key=key,
                        computed_at=now,
                        handling_p50=p50,
                        handling_p90=p90,
                        **values,
                    )
                )
        with transaction.atomic():
            MonthlyFigures.objects.filter(month=month).delete()
            MonthlyFigures.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    return written


def all_fact_months():
    """Every month that has demand facts (what `massline appraisal refresh` rebuilds)."""
    return set(DemandFact.objects.order_by().values_list("month", flat=True).distinct())


def appraisal_refresh(*, cases=None, now=None):
    """Facts of `cases` (default: all), then the rollups of the months they touch; returns rows written."""
    months = facts_refresh(cases=cases, now=now)
    return rollups_rebuild(months=months, now=now)


# --- rules --------------------------------------------------------------------------------------------


def rules_by_month(months):
    """{month: Rules} for several months with one read of the rule sets (the trends' twelve months)."""
    months = list(months)
    if not months:
        return {}
    rule_sets = list(RuleSet.objects.filter(valid_from__lte=max(months)).order_by("-valid_from"))
    return {m: _rules_of(next((r for r in rule_sets if r.valid_from <= m), None)) for m in months}


def rules_for(month):
    """The Rules in force for `month`: the latest rule set applying from it or earlier, else the defaults."""
    return _rules_of(RuleSet.objects.filter(valid_from__lte=month).order_by("-valid_from").first())


def _rules_of(rule_set):
    if rule_set is None:
        return metrics.Rules(
            weights=conf.default_weights(),
            basic_factor=float(conf.default_basic_factor()),
            visits=conf.default_visits(),
            bounds=conf.default_groups(),
            bottom_n=conf.default_bottom_n(),
            exclusions=conf.default_exclusions(),
        )
    return metrics.Rules(
        weights=rule_set.weights,
        basic_factor=float(rule_set.basic_factor),
        visits=rule_set.visits,
        bounds=rule_set.bounds,
        bottom_n=rule_set.bottom_n,
        rule_set_id=rule_set.pk,
        exclusions=rule_set.exclusions,
    )


def _parse_bounds(text):
    try:
        bounds = [int(part) for part in str(text).replace("，", ",").split(",") if part.strip()]
    except ValueError:
        bounds = []
    if not bounds or any(b < 1 for b in bounds) or bounds != sorted(set(bounds), reverse=True):
        raise DomainError(
            _("Give the volume groups' lower bounds as whole numbers, largest first, e.g. 300,80,20."),
            code="bounds",
        )
    return ",".join(str(b) for b in bounds)


def ruleset_create(
    *, valid_from, weights, basic_factor, visits, group_bounds, bottom_n, by, note="", exclusions=None
):
    """Enter the rules that apply from the month of `valid_from` on (规则版本). A month already published
    keeps the rules it was computed with, so a rule set may not start in or before a published month.
    `exclusions`: the exclusion categories whose approved reviews take demands out of the figures (None:
    all of them; an empty list: none, every demand counts). The worker rebuilds the months it applies to."""
    if by is None or not user_scope(by).has_role(*RULE_ROLES):
        raise PermissionDenied(_("Only a supervisor or an administrator sets the appraisal rules."))
    month = month_of(valid_from)
    try:
        weights = [int(w) for w in weights]
    except (TypeError, ValueError):
        weights = []
    if len(weights) != 3 or any(w < 0 for w in weights):
        raise DomainError(_("Give three weights, one per rate, as whole numbers."), code="weights")
    if sum(weights) != 100:
        raise DomainError(
            _("The weights add up to %(sum)d: they must add up to 100.") % {"sum": sum(weights)},
            code="weights_sum",
        )
    try:
        factor = Decimal(str(basic_factor))
    except InvalidOperation:
        factor = Decimal(-1)
    if not Decimal(0) <= factor <= Decimal(1):
        raise DomainError(
            _("The factor of “basically satisfied” is a number from 0 to 1, e.g. 0.9."), code="factor"
        )
    if visits not in VisitsCounted.values:
        raise DomainError(_("Choose which return visits count."), code="visits")
    bounds = _parse_bounds(group_bounds)
    exclusions = list(ExclusionCategory.values) if exclusions is None else [str(c) for c in exclusions]
    if any(c not in ExclusionCategory.values for c in exclusions):
        raise DomainError(_("Choose exclusion categories from the list."), code="exclusions")
    exclusions = [c for c in ExclusionCategory.values if c in exclusions]
    if int(bottom_n) < 0:
        raise DomainError(_("The bottom list's length cannot be negative."), code="bottom_n")
    with transaction.atomic():
        frozen = (
            Ranking.objects.filter(month__gte=month, status=RankingStatus.PUBLISHED)
            .order_by("-month")
            .first()
        )
        if frozen is not None:
            raise DomainError(
                _(
                    "The ranking of %(month)s is published and frozen: new rules can apply only from a later "
                    "month. Choose a month after %(month)s."
                )
                % {"month": f"{frozen.month:%Y-%m}"},
                code="frozen",
            )
        if RuleSet.objects.filter(valid_from=month).exists():
            raise DomainError(
                _("Rules applying from %(month)s exist already: rules are versioned, enter a later month.")
                % {"month": f"{month:%Y-%m}"},
                code="exists",
            )
        rule_set = RuleSet.objects.create(
            valid_from=month,
            weight_response=weights[0],
            weight_resolution=weights[1],
            weight_satisfaction=weights[2],
            basic_factor=factor,
            visits=visits,
            group_bounds=bounds,
            bottom_n=int(bottom_n),
            exclusion_categories=",".join(exclusions),
            note=(note or "").strip()[:1000],
            created_by=by,
            created_at=timezone.now(),
        )
        audit_record(
            action="appraisal.rules.created",
            obj=rule_set,
            actor=by,
            details=metrics.Rules(
                weights=tuple(weights),
                basic_factor=float(factor),
                visits=visits,
                bounds=rule_set.bounds,
                bottom_n=int(bottom_n),
                rule_set_id=rule_set.pk,
                exclusions=tuple(exclusions),
            ).as_dict(),
        )
    return rule_set


# --- rankings -----------------------------------------------------------------------------------------


def group_of(volume, bounds):
    """1 for the largest volume group, 2 for the next…; 0 below the smallest (scored, not published)."""
    for index, bound in enumerate(bounds, start=1):
        if volume >= bound:
            return index
    return 0


def _rows_for(month, rules):
    """The ranking rows of `month` under `rules`, from the current facts (not saved)."""
    facts = DemandFact.objects.filter(month=month, unit__isnull=False)
    grouped = facts.values("unit").order_by("unit").annotate(**_aggregates(rules))
    by_unit = {row.pop("unit"): _unprefixed(row) for row in grouped}
    rows = []
    for unit_id, counts in by_unit.items():
        figures = metrics.compute(counts, rules)
        satisfaction = figures["satisfaction_rate"]
        rows.append(
            RankingRow(
                unit_id=unit_id,
                volume=counts["counted"],
                group=group_of(counts["counted"], rules.bounds),
                response_rate=figures["response_rate"].value,
                resolution_rate=figures["resolution_rate"].value,
                satisfaction_rate=satisfaction.value,
                satisfaction_low=satisfaction.low,
                satisfaction_high=satisfaction.high,
                on_time_rate=figures["on_time_rate"].value,
                score=figures["score"].value,
                counts={k: v for k, v in counts.items()},
            )
        )
    by_group = {}
    for row in rows:
        by_group.setdefault(row.group, []).append(row)
    for members in by_group.values():
        ranked = sorted((r for r in members if r.score is not None), key=lambda r: -r.score)
        # Equal scores share a place (competition ranking: 1, 2, 2, 4).
        for position, row in enumerate(ranked, start=1):
            row.rank = (
                position
                if position == 1 or row.score != ranked[position - 2].score
                else ranked[position - 2].rank
            )
    return rows


def _require_supervisor(by):
    if by is None or not user_scope(by).has_role(*RULE_ROLES):
        raise PermissionDenied(_("Only a supervisor or an administrator computes and publishes rankings."))


def ranking_compute(*, month, by, now=None):
    """Compute (or recompute) the draft ranking of `month` from the current facts under its rules."""
    _require_supervisor(by)
    now = now or timezone.now()
    month = month_of(month)
    rules = rules_for(month)
    with transaction.atomic():
        ranking = Ranking.objects.select_for_update().filter(month=month).first()
        if ranking is not None and ranking.is_published:
            raise DomainError(
                _(
                    "The ranking of %(month)s is published and frozen; a correction appears as an adjustment "
                    "in the next month's ranking."
                )
                % {"month": f"{month:%Y-%m}"},
                code="frozen",
            )
        rows = _rows_for(month, rules)
        if not rows:
            raise DomainError(
                _("No demand of %(month)s has an accountable unit yet: there is nothing to rank.")
                % {"month": f"{month:%Y-%m}"},
                code="no_data",
            )
        if ranking is None:
            ranking = Ranking(month=month)
        ranking.rules_id = rules.rule_set_id
        ranking.rules_applied = rules.as_dict()
        ranking.computed_at = now
        ranking.save()
        ranking.rows.all().delete()
        for row in rows:
            row.ranking = ranking
        RankingRow.objects.bulk_create(rows)
        ranking.adjustments.all().delete()
        RankingAdjustment.objects.bulk_create(_adjustments(ranking))
        audit_record(
            action="appraisal.ranking.computed",
            obj=ranking,
            actor=by,
            details={"rows": len(rows), **rules.as_dict()},
        )
    return ranking


def _adjustments(ranking):
    """Corrections of earlier published months: their rows recomputed from today's facts under their own
    frozen rules, compared with what was published; only the differences not already recorded."""
    adjustments = []
    for earlier in Ranking.objects.filter(month__lt=ranking.month, status=RankingStatus.PUBLISHED):
        rules = metrics.Rules.from_dict(earlier.rules_applied)
        now_rows = {row.unit_id: row for row in _rows_for(earlier.month, rules)}
        recorded = {}
        for adj in (
            RankingAdjustment.objects.filter(corrected=earlier)
            .exclude(ranking=ranking)
            .order_by("ranking__month")
        ):
            recorded[(adj.unit_id, adj.field)] = adj.corrected_value
        for row in earlier.rows.all():
            fresh = now_rows.get(row.unit_id)
            for field in ROW_FIGURES:
                published = recorded.get((row.unit_id, field), getattr(row, field))
                corrected = getattr(fresh, field) if fresh is not None else None
                if not _same(published, corrected):
                    adjustments.append(
                        RankingAdjustment(
                            ranking=ranking,
                            corrected=earlier,
                            unit_id=row.unit_id,
                            field=field,
                            published_value=published,
                            corrected_value=corrected,
                        )
                    )
    return adjustments


def _same(a, b):
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) < 1e-9


def ranking_publish(*, ranking, by, now=None):
    """Publish (freeze) a monthly ranking: from now on it is never recomputed or edited."""
    _require_supervisor(by)
    now = now or timezone.now()
    with transaction.atomic():
        current = Ranking.objects.select_for_update().get(pk=ranking.pk)
        if current.is_published:
            raise DomainError(_("This ranking is already published."), code="published")
        if not current.rows.exists():
            raise DomainError(_("This ranking has no rows: compute it first."), code="no_data")
        current.status = RankingStatus.PUBLISHED
        current.published_at, current.published_by = now, by
        current.save(update_fields=["status", "published_at", "published_by"])
        audit_record(
            action="appraisal.ranking.published",
            obj=current,
            actor=by,
            changes={"status": [RankingStatus.DRAFT, RankingStatus.PUBLISHED]},
        )
    ranking.refresh_from_db()
    return ranking


# --- conduct of the handling official --------------------------------------------------------------------


def conduct_rate(*, case, attitude, efficiency, honesty, at=None):
    """The citizen's rating of the handling official's conduct (态度, 效率, 廉洁), once per handled demand.

    The tracking page's view has checked the tracking code; the rating names the demand's handler and
    is never shown publicly by name.
    """
    at = at or timezone.now()
    values = []
    for value in (attitude, efficiency, honesty):
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value not in Conduct.values:
            raise DomainError(_("Rate each of attitude, efficiency and honesty."), code="conduct_required")
        values.append(value)
    if case.handler_id is None or case.replied_at is None:
        raise DomainError(
            _("The official's conduct can be rated once the demand has been handled and answered."),
            code="not_handled",
        )
    with transaction.atomic():
        if ConductRating.objects.select_for_update().filter(case=case).exists():
            raise DomainError(
                _("The official's conduct on this demand has already been rated."), code="rated"
            )
        rating = ConductRating.objects.create(
            case=case,
            official_id=case.handler_id,
            attitude=values[0],
            efficiency=values[1],
            honesty=values[2],
            rated_at=at,
        )
        audit_record(
            action="appraisal.conduct.rated",
            obj=rating,
            actor=None,
            details={"case": case.pk, "attitude": values[0], "efficiency": values[1], "honesty": values[2]},
        )
    return rating


def unit_for(pk):
    return Unit.objects.filter(pk=pk).first()
