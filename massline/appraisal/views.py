"""Appraisal pages: the leadership dashboard, a unit's page, rankings to compute and publish, the demands
behind a figure (staff); the public "how the government is doing" pages with the published rankings."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from massline.lib.errors import DomainError
from massline.org.access import official_required

from . import further, map_data, metrics, selectors, services
from .choices import Dimension

PAGE_SIZE = 50
TREND_METRICS = (
    "response_rate",
    "on_time_rate",
    "on_time_strict_rate",
    "resolution_rate",
    "satisfaction_rate",
)


def _month(request):
    default = selectors.latest_month()
    return selectors.parse_month(request.GET.get("month", ""), default)


def _year(month):
    """The year whose other apps' figures a page shows: the month's, or this one."""
    return month.year if month is not None else timezone.localdate().year


def _chart(trend, *, url_for):
    """The trend chart's data: months, one series per rate (percent), and the link behind every point."""
    labels = {key: str(metrics.METRICS[key].label) for key in TREND_METRICS}
    return {
        "months": [f"{month:%Y-%m}" for month, _f in trend],
        "series": [
            {
                "name": labels[key],
                "data": [figs[key].percent for _m, figs in trend],
                "links": [url_for(month, key) for month, _f in trend],
            }
            for key in TREND_METRICS
        ],
    }


def _staff_link(dimension, key):
    def url_for(month, metric):
        return (
            reverse("appraisal_staff:demands")
            + f"?month={month:%Y-%m}&dimension={dimension}&key={key}&metric={metric}"
        )

    return url_for


def _public_link(dimension, key):
    def url_for(month, metric):
        return (
            reverse("appraisal:demands")
            + f"?month={month:%Y-%m}&dimension={dimension}&key={key}&metric={metric}"
        )

    return url_for


def _definitions(public=False):
    """Every figure's one-sentence definition: appraisal's own, then those of the other apps' figures."""
    return [
        {"key": k, "label": label, "definition": d}
        for k, label, d in [*metrics.definitions(), *further.definitions(public=public)]
    ]


@official_required
@require_GET
def dashboard(request):
    """Leadership: trends, the ranking, worst categories and places, overdue by unit, movers, bottom list."""
    if not selectors.can_lead(request.user):
        units = sorted(selectors.visible_unit_ids(request.user))
        if units:
            return redirect("appraisal_staff:unit", pk=units[0])
        raise PermissionDenied(_("The appraisal dashboard is for supervisors, analysts and leaders."))
    month = _month(request)
    unit_ids = selectors.visible_unit_ids(request.user)
    context = {
        "month": month,
        "months": selectors.months_with_data(),
        "definitions": _definitions(),
        "further": further.tables(year=_year(month), unit_ids=unit_ids),
    }
    if month is None:
        return render(request, "appraisal/staff/dashboard.html", context)
    rules = services.rules_for(month)
    region_ids = selectors.visible_region_ids(request.user)
    ranking = selectors.ranking_for(month)
    rows = selectors.ranking_rows(ranking) if ranking else selectors.preview_rows(month)
    rows = [r for r in rows if r.unit_id in unit_ids]
    units = selectors.table(month=month, dimension=Dimension.UNIT, rules=rules, keys=unit_ids)
    trend = selectors.jurisdiction_trend(user=request.user, until=month)
    context.update(
        rules=rules,
        whole=selectors.sees_everything(request.user, month),
        total=selectors.jurisdiction_figures(user=request.user, month=month, rules=rules),
        ranking=ranking,
        groups=selectors.grouped(rows),
        bottom=selectors.bottom(rows, rules.bottom_n),
        movers=selectors.movers(rows, month),
        worst_categories=selectors.jurisdiction_worst(
            user=request.user, month=month, dimension=Dimension.CATEGORY, rules=rules
        ),
        worst_regions=selectors.worst_rows(
            month=month,
            dimension=Dimension.REGION,
            rules=rules,
            keys=None if selectors.sees_everything(request.user) else region_ids,
        ),
        overdue=sorted(
            (u for u in units if u["figures"]["overdue"].value), key=lambda u: -u["figures"]["overdue"].value
        ),
        chart=_chart(trend, url_for=_staff_link(Dimension.TOTAL, 0)),
        region_map=map_data.region_layer(
            month=month,
            rules=rules,
            keys=region_ids,
            url_for=lambda pk: _staff_link(Dimension.REGION, pk)(month, map_data.MAP_METRIC),
        ),
        link="staff",
    )
    return render(request, "appraisal/staff/dashboard.html", context)


@official_required
@require_GET
def unit_page(request, pk):
    """A unit's own figures against the jurisdiction's, with its trend and its officials' records."""
    unit = selectors.unit_get_for_user(user=request.user, pk=pk)
    month = _month(request)
    context = {
        "unit": unit,
        "can_report": selectors.can_report(request.user),
        "month": month,
        "months": selectors.months_with_data(),
        "definitions": _definitions(),
        "further": further.tables(year=_year(month), unit_ids={unit.pk}),
    }
    if month is not None:
        rules = services.rules_for(month)
        own = selectors.figures(month=month, dimension=Dimension.UNIT, key=unit.pk, rules=rules)
        total = selectors.figures(month=month, rules=rules)
        keys = (
            "response_rate",
            "on_time_rate",
            "on_time_strict_rate",
            "resolution_rate",
            "satisfaction_rate",
            "return_rate",
            "reopen_rate",
            "overdue",
            "unrated",
            "handling_mean",
            "handling_p50",
            "handling_p90",
            "accountability",
            "score",
        )
        official_ids = selectors.official_ids_of(unit)
        if not selectors.can_see_officials(request.user, unit):
            official_ids &= {request.user.pk}
        officials = selectors.table(month=month, dimension=Dimension.OFFICIAL, rules=rules, keys=official_ids)
        conduct = selectors.conduct_summary(official_ids=[o["key"] for o in officials])
        for o in officials:
            o["conduct"] = conduct.get(o["key"])
        context.update(
            rules=rules,
            compare_figures=own,
            total_figures=total,
            compare=[
                {
                    "key": k,
                    "metric": metrics.METRICS[k],
                    "own": own[k],
                    "total": total[k],
                    "link": _staff_link(Dimension.UNIT, unit.pk)(month, k),
                }
                for k in keys
            ],
            officials=officials,
            chart=_chart(
                selectors.trend(dimension=Dimension.UNIT, key=unit.pk, until=month),
                url_for=_staff_link(Dimension.UNIT, unit.pk),
            ),
        )
    return render(request, "appraisal/staff/unit.html", context)


def _drill_args(request):
    month = selectors.parse_month(request.GET.get("month", ""), selectors.latest_month())
    dimension = request.GET.get("dimension", Dimension.TOTAL)
    if dimension not in Dimension.values:
        dimension = Dimension.TOTAL
    try:
        key = int(request.GET.get("key", 0))
    except ValueError:
        key = 0
    metric = request.GET.get("metric", "score")
    part = "numerator" if request.GET.get("part") == "numerator" else "denominator"
    return month, dimension, key, metric, part


@official_required
@require_GET
def demands(request):
    """The demands behind one figure, as far as the user may see them."""
    month, dimension, key, metric, part = _drill_args(request)
    if month is None:
        ids = []
    else:
        ids = selectors.demands_behind_for_staff(
            user=request.user, month=month, dimension=dimension, key=key, metric=metric, part=part
        )
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.staff_cases(list(page.object_list))
    context = {
        "page": page,
        "month": month,
        "metric": metrics.METRICS.get(metric),
        "part": part,
        "query": request.GET.copy(),
    }
    return render(request, "appraisal/staff/demands.html", context)


@official_required
def rankings(request):
    """Compute a month's draft ranking, publish (freeze) it; list the rankings and rule sets."""
    if request.method == "POST":
        try:
            month = selectors.parse_month(request.POST.get("month", ""))
            if month is None:
                raise DomainError(_("Choose a month."), code="month")
            if request.POST.get("action") == "publish":
                ranking = selectors.ranking_for(month)
                if ranking is None:
                    raise DomainError(_("This ranking has no rows: compute it first."), code="no_data")
                services.ranking_publish(ranking=ranking, by=request.user)
                messages.success(
                    request, _("The ranking of %(month)s is published.") % {"month": f"{month:%Y-%m}"}
                )
            else:
                services.ranking_compute(month=month, by=request.user)
                messages.success(
                    request, _("The ranking of %(month)s is computed.") % {"month": f"{month:%Y-%m}"}
                )
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return render(request, "appraisal/staff/rankings.html", _rankings_context(), status=exc.status)
        return redirect("appraisal_staff:rankings")
    if not selectors.can_lead(request.user):
        raise PermissionDenied(_("The appraisal dashboard is for supervisors, analysts and leaders."))
    return render(request, "appraisal/staff/rankings.html", _rankings_context())


def _rankings_context():
    from massline.cases.choices import ExclusionCategory

    from .models import Ranking, RuleSet

    return {
        "exclusion_categories": ExclusionCategory.choices,
        "rankings": Ranking.objects.select_related("published_by").order_by("-month"),
        "rule_sets": RuleSet.objects.order_by("-valid_from"),
        "months": selectors.months_with_data(),
    }


@require_POST
@official_required
def rules_create(request):
    try:
        month = selectors.parse_month(request.POST.get("valid_from", ""))
        if month is None:
            raise DomainError(_("Choose the month the rules apply from."), code="month")
        services.ruleset_create(
            valid_from=month,
            weights=[request.POST.get(f"weight_{k}", "") for k in ("response", "resolution", "satisfaction")],
            basic_factor=request.POST.get("basic_factor", ""),
            visits=request.POST.get("visits", ""),
            group_bounds=request.POST.get("group_bounds", ""),
            bottom_n=request.POST.get("bottom_n", "3") or "3",
            exclusions=request.POST.getlist("exclusions"),
            note=request.POST.get("note", ""),
            by=request.user,
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
        return render(
            request, "appraisal/staff/rankings.html", _rankings_context(), status=getattr(exc, "status", 400)
        )
    messages.success(request, _("The rules are saved."))
    return redirect("appraisal_staff:rankings")


# --- public ---------------------------------------------------------------------------------------------


@require_GET
def public_index(request):
    """How the government is doing: the published ranking of a month, the jurisdiction's trend."""
    published = list(selectors.published_rankings())
    month = selectors.parse_month(request.GET.get("month", ""), published[0].month if published else None)
    ranking = selectors.ranking_for(month, published_only=True) if month else None
    context = {
        "published": published,
        "month": month,
        "ranking": ranking,
        "definitions": _definitions(public=True),
        "further": further.tables(year=_year(month), public=True),
    }
    if ranking is not None:
        rules = metrics.Rules.from_dict(ranking.rules_applied)
        rows = selectors.ranking_rows(ranking, published_only=True)
        context.update(
            groups=selectors.grouped(rows),
            total=selectors.figures(month=month, rules=rules),
            adjustments=ranking.adjustments.select_related("unit", "corrected"),
            region_map=map_data.region_layer(
                month=month,
                rules=rules,
                url_for=lambda pk: _public_link(Dimension.REGION, pk)(month, map_data.MAP_METRIC),
            ),
            link="public",
        )
    last = published[0].month if published else selectors.latest_month()
    if last is not None:
        trend = selectors.trend(until=last, only=[r.month for r in published])
        context["chart"] = _chart(trend, url_for=_public_link(Dimension.TOTAL, 0))
    return render(request, "appraisal/public/index.html", context)


@require_GET
def public_demands(request):
    """The demands behind a public figure, masked (public summary only where the citizen allowed it)."""
    month, dimension, key, metric, part = _drill_args(request)
    if month is None or selectors.ranking_for(month, published_only=True) is None:
        ids = []
    else:
        ids = selectors.demands_behind_for_public(
            month=month, dimension=dimension, key=key, metric=metric, part=part
        )
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.public_cases(list(page.object_list))
    context = {
        "page": page,
        "month": month,
        "metric": metrics.METRICS.get(metric),
        "query": request.GET.copy(),
    }
    return render(request, "appraisal/public/demands.html", context)


def chart_json(chart):
    return json.dumps(chart)
