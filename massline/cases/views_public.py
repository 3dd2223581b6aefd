"""Public pages of demands: submit, confirmation, tracking and rating by code, the public list and map,
and each unit's "how we are doing" figures. Every page shows masked text only.
"""

import importlib
import re

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massline.audit.middleware import client_ip
from massline.lib.errors import DomainError
from massline.lib.ratelimit import count_hit
from massline.org.models import Region

from . import routing_seam, seams, selectors_public
from .choices import CaseStatus
from .forms import DataRequestKindForm, PublicCaseForm, RatingForm, TrackForm
from .models import Case, Category, DataRequest
from .services.intake import IntakeRefused, case_submit

DEFAULTS = {
    # Public writes per client address per hour (submissions, ratings).
    "MASSLINE_PUBLIC_SUBMIT_RATE": 10,
    "MASSLINE_PUBLIC_RATING_RATE": 20,
    # "May already be reported" look-ups per client address per hour (each one searches the demands).
    "MASSLINE_PUBLIC_SIMILAR_RATE": 300,
}
PAGE_SIZE = 25
# Below this many characters of title and description nothing is looked up.
SIMILAR_MIN_CHARS = 6


def _setting(name):
    return int(getattr(settings, name, DEFAULTS[name]))


def _over_limit(request, bucket, limit):
    """Count one write by this client address in this hour; True once it passes `limit`."""
    return count_hit(f"cases:{bucket}:{client_ip(request) or 'unknown'}", window=3600) > limit


def _too_many(request):
    return render(request, "cases/public/rate_limited.html", status=429)


def _visit_service():
    """Engineer H's return-visit module, when it is installed (the rating form needs `case_rate`)."""
    try:
        module = importlib.import_module("massline.cases.services.visit")
    except ImportError:
        return None
    return module if hasattr(module, "case_rate") else None


def _put_error(form, exc):
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc.message))


@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")
        # A retry of a submission that already went through goes to its confirmation, without counting.
        if re.fullmatch(r"[0-9a-f]{32}", key) and (
            done := Case.objects.filter(idempotency_key=PublicCaseForm.key_prefix + key)
            .only("tracking_code")
            .first()
        ):
            return redirect("cases_public:received", code=done.tracking_code)
        if _over_limit(request, "submit", _setting("MASSLINE_PUBLIC_SUBMIT_RATE")):
            return _too_many(request)
        form = PublicCaseForm(request.POST, request.FILES)
        if form.is_valid():
            user = request.user if request.user.is_authenticated else None
            try:
                case = case_submit(**form.submit_kwargs(), by=user)
            except IntakeRefused as exc:
                _put_error(form, exc)
            else:
                return redirect("cases_public:received", code=case.tracking_code)
        status = 400
    else:
        form = PublicCaseForm()
        status = 200
    return render(request, "cases/public/submit.html", {"form": form}, status=status)


def _coordinate(value, low, high):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


@require_GET
def similar(request):
    """Public demands that may already report what the citizen is typing (htmx partial of the form): masked
    titles and summaries only, with the link to follow them instead."""
    title = request.GET.get("title", "").strip()[:200]
    description = request.GET.get("description", "").strip()[:4000]
    found = []
    if len(title) + len(description) >= SIMILAR_MIN_CHARS:
        if _over_limit(request, "similar", _setting("MASSLINE_PUBLIC_SIMILAR_RATE")):
            return render(request, "cases/public/_similar.html", {"found": []}, status=429)
        category = request.GET.get("category", "")
        found = routing_seam.public_duplicates(
            title=title,
            description=description,
            lat=_coordinate(request.GET.get("lat"), -90, 90),
            lon=_coordinate(request.GET.get("lon"), -180, 180),
            category=Category.objects.filter(pk=category).first() if category.isdigit() else None,
        )
    return render(request, "cases/public/_similar.html", {"found": found})


@never_cache
@require_GET
def received(request, code):
    case = selectors_public.case_for_code(code)
    if case is None:
        return _unknown_code(request, code)
    return render(request, "cases/public/received.html", {"case": case})


def _unknown_code(request, code):
    return render(
        request,
        "cases/public/unknown_code.html",
        {"code": (code or "")[:16], "form": TrackForm(initial={"code": ""})},
        status=404,
    )


@require_GET
def track_lookup(request):
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("cases_public:track", code=form.cleaned_data["code"].strip().upper())
    return render(request, "cases/public/track_lookup.html", {"form": form})


def _track_context(case, rating_form=None, request=None):
    visit = _visit_service()
    can_rate = case.status == CaseStatus.REPLIED and visit is not None
    return {
        **selectors_public.public_view(case),
        "timeline": selectors_public.public_timeline(case),
        "rating_form": (rating_form or RatingForm()) if can_rate else None,
        "panels": seams.tracking_panels(request, case) if request is not None else [],
        "data_requests": DataRequest.objects.filter(case=case).order_by("-submitted_at")[:5],
        "data_form": DataRequestKindForm(),
        "export_days": settings.MASSLINE_DATA_EXPORT_DAYS,
    }


@never_cache
@require_GET
def track(request, code):
    case = selectors_public.case_for_code(code)
    if case is None:
        return _unknown_code(request, code)
    return render(request, "cases/public/track.html", _track_context(case, request=request))


def track_refused(request, case, message, *, status=400, rating_form=None):
    """A citizen's post from the tracking page was refused: the same page, the reason on top, a 4xx
    (not a redirect, so the refusal is the answer to the post itself and nothing is lost in between)."""
    messages.error(request, message)
    context = _track_context(case, rating_form, request)
    return render(request, "cases/public/track.html", context, status=status)


@require_POST
def rate(request, code):
    case = selectors_public.case_for_code(code)
    if case is None:
        return _unknown_code(request, code)
    visit = _visit_service()
    if visit is None or case.status != CaseStatus.REPLIED:
        message = _("This demand cannot be rated now: it is rated once it has been answered.")
        return track_refused(request, case, message, status=409)
    if _over_limit(request, "rate", _setting("MASSLINE_PUBLIC_RATING_RATE")):
        return _too_many(request)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            visit.case_rate(
                case=case,
                resolved=form.cleaned_data["resolved"],
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
                by=request.user if request.user.is_authenticated else None,
                via="tracking",
            )
        except DomainError as exc:
            return track_refused(request, case, str(exc.message), status=exc.status, rating_form=form)
        messages.success(request, _("Thank you: your rating was recorded."))
        return redirect("cases_public:track", code=case.tracking_code)
    return render(request, "cases/public/track.html", _track_context(case, form, request), status=400)


def _filters(request):
    """The category, status and region the public list is filtered by (unknown values are ignored)."""
    code = request.GET.get("category", "")
    category = Category.objects.filter(code=code).first() if code else None
    status = request.GET.get("status", "")
    status = status if status in CaseStatus.values else ""
    code = request.GET.get("region", "")
    region = Region.objects.filter(code=code).first() if code else None
    return category, status, region


def _filter_context(request, category, status, region):
    categories, regions = selectors_public.filter_choices()
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "categories": categories,
        "regions": regions,
        "statuses": CaseStatus.choices,
        "selected": {
            "category": category.code if category else "",
            "status": status,
            "region": region.code if region else "",
        },
        "query": query.urlencode(),
    }


@require_GET
def public_list(request):
    category, status, region = _filters(request)
    cases = selectors_public.public_cases(category=category, status=status, region=region)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [selectors_public.public_view(case) for case in page.object_list]
    context = {"page": page, "items": items, **_filter_context(request, category, status, region)}
    return render(request, "cases/public/list.html", context)


@require_GET
def public_detail(request, pk):
    case = selectors_public.public_case_get(pk)
    if case is None:
        raise Http404(_("There is no public demand with this number."))
    context = {**selectors_public.public_view(case), "timeline": selectors_public.public_timeline(case)}
    return render(request, "cases/public/detail.html", context)


@require_GET
def public_map(request):
    category, status, region = _filters(request)
    cases = selectors_public.public_cases(category=category, status=status, region=region)
    filters = _filter_context(request, category, status, region)

    def region_url(area):
        query = request.GET.copy()
        query["region"] = area.code
        query.pop("page", None)
        return f"{reverse('cases_public:map')}?{query.urlencode()}"

    drawn = selectors_public.public_map(
        cases,
        url_for=lambda pk: reverse("cases_public:detail", args=[pk]),
        region_url_for=region_url,
        within=region,
    )
    context = {"map": drawn, **filters}
    return render(request, "cases/public/map.html", context)
