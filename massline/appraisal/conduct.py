"""The citizen's rating of the handling official's conduct on the tracking page: the panel cases shows
(through `massline.cases.seams.TRACKING_PANELS`) and the view that records it. The official is never named
to the citizen or the public; the rating feeds the official's record on the unit page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from massline.audit.middleware import client_ip
from massline.cases.choices import CaseStatus
from massline.cases.selectors_public import case_for_code
from massline.lib.errors import DomainError
from massline.lib.ratelimit import count_hit

from . import conf, services
from .choices import Conduct
from .models import ConductRating


def can_rate(case):
    return (
        case.status in (CaseStatus.REPLIED, CaseStatus.CLOSED)
        and case.handler_id is not None
        and case.replied_at is not None
        and not ConductRating.objects.filter(case=case).exists()
    )


def tracking_panel(request, case):
    """The conduct rating form for the tracking page, or None once rated or before the reply."""
    if not can_rate(case):
        return None
    return render_to_string(
        "appraisal/public/_conduct.html", {"case": case, "choices": Conduct.choices}, request=request
    )


@require_POST
def conduct_rate(request, code):
    case = case_for_code(code)
    if case is None:
        return redirect("cases_public:track_lookup")
    if count_hit(f"appraisal:conduct:{client_ip(request) or 'unknown'}", window=3600) > conf.conduct_rate():
        return render(request, "cases/public/rate_limited.html", status=429)
    try:
        services.conduct_rate(
            case=case,
            attitude=request.POST.get("attitude"),
            efficiency=request.POST.get("efficiency"),
            honesty=request.POST.get("honesty"),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you: your rating of the official's conduct was recorded."))
    return redirect("cases_public:track", code=case.tracking_code)


def personal_data(citizens):
    """The citizen's conduct ratings, for the copy of their personal data (cases' data requests)."""
    ratings = ConductRating.objects.filter(case__citizen__in=[c.pk for c in citizens]).select_related("case")
    rows = [
        {
            "tracking_code": r.case.tracking_code,
            "attitude": r.get_attitude_display(),
            "efficiency": r.get_efficiency_display(),
            "honesty": r.get_honesty_display(),
            "rated_at": r.rated_at.isoformat(),
        }
        for r in ratings.order_by("rated_at")
    ]
    return ("conduct_ratings", rows) if rows else None
