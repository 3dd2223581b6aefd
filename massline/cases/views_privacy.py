"""Citizens' requests to see or delete their personal data: the public "your personal data" pages
(identify by phone with a one-time SMS code, or from a demand's tracking page), the request's reference
page, the private copy, and the officials' queue with the answer form (services/data_requests.py).
"""

import json

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massline.audit.middleware import client_ip
from massline.lib.errors import DomainError
from massline.lib.masking import mask_phone
from massline.lib.ratelimit import count_hit

from . import selectors_public
from .choices import DataRequestStatus
from .forms import DataCodeForm, DataDecisionForm, DataPhoneForm, DataRequestKindForm
from .models import Case, DataRequest
from .services import data_requests as service
from .views_public import track_refused
from .views_staff import roles_required

SESSION_PHONE = "massline_data_request_phone"
# Codes asked and requests made per client address per hour.
CODE_RATE = 10


def _over_limit(request, bucket):
    return count_hit(f"cases:data:{bucket}:{client_ip(request) or 'unknown'}", window=3600) > CODE_RATE


@never_cache
@require_http_methods(["GET", "POST"])
def index(request):
    """Step 1: the phone number the one-time code goes to."""
    form = DataPhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _over_limit(request, "code"):
            return render(request, "cases/public/rate_limited.html", status=429)
        try:
            challenge = service.phone_code_send(
                phone=form.cleaned_data["phone"], language=translation.get_language()
            )
        except DomainError as exc:
            form.add_error("phone", exc.message)
        else:
            request.session[SESSION_PHONE] = challenge.phone
            return redirect("cases_privacy:verify")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "days": settings.MASSLINE_DATA_REQUEST_DAYS}
    return render(request, "cases/privacy/index.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """Step 2: the code from the SMS and what the citizen asks for."""
    phone = request.session.get(SESSION_PHONE)
    if not phone:
        messages.error(request, _("Give your phone number first: a code is sent to it."))
        return redirect("cases_privacy:index")
    form = DataCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_request = service.data_request_submit(
                kind=form.cleaned_data["kind"],
                phone=phone,
                code=form.cleaned_data["code"],
                language=translation.get_language(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            request.session.pop(SESSION_PHONE, None)
            messages.success(request, _("Your request was received."))
            return redirect("cases_privacy:request", reference=data_request.reference)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "phone": mask_phone(phone)}
    return render(request, "cases/privacy/verify.html", context, status=status)


@require_POST
def from_tracking(request, code):
    """A request from a demand's tracking page: the tracking code identifies the demand's citizen record."""
    case = selectors_public.case_for_code(code)
    if case is None:
        return render(request, "cases/public/unknown_code.html", {"code": (code or "")[:16]}, status=404)
    form = DataRequestKindForm(request.POST)
    if not form.is_valid():
        message = _("Choose what you ask for: a copy of your data, or deleting your contact data.")
        return track_refused(request, case, message)
    if _over_limit(request, "request"):
        return render(request, "cases/public/rate_limited.html", status=429)
    try:
        data_request = service.data_request_submit(
            kind=form.cleaned_data["kind"], case=case, language=translation.get_language()
        )
    except DomainError as exc:
        return track_refused(request, case, str(exc.message), status=exc.status)
    messages.success(request, _("Your request was received."))
    return redirect("cases_privacy:request", reference=data_request.reference)


@never_cache
@require_GET
def request_status(request, reference):
    data_request = DataRequest.objects.filter(reference=(reference or "").strip().upper()[:16]).first()
    if data_request is None:
        return render(
            request, "cases/privacy/unknown.html", {"reference": (reference or "")[:16]}, status=404
        )
    context = {"r": data_request, "export_days": settings.MASSLINE_DATA_EXPORT_DAYS}
    return render(request, "cases/privacy/request.html", context)


# The copy's fields as the citizen reads them on the page (the JSON download keeps the keys).
FIELD_LABELS = {
    "id": gettext_lazy("Record number"),
    "name": gettext_lazy("Name"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "address": gettext_lazy("Address"),
    "account": gettext_lazy("Account"),
    "verified_residence": gettext_lazy("Verified residence"),
    "residence_verified_at": gettext_lazy("Residence verified on"),
    "created_at": gettext_lazy("Recorded on"),
    "tracking_code": gettext_lazy("Tracking code"),
    "received_at": gettext_lazy("Received on"),
    "type": gettext_lazy("Type"),
    "category": gettext_lazy("Category"),
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "region": gettext_lazy("Region"),
    "status": gettext_lazy("Status"),
    "reply": gettext_lazy("Reply"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "rating_comment": gettext_lazy("Comment on the rating"),
    "rated_at": gettext_lazy("Rated on"),
    "sent_to": gettext_lazy("Sent to"),
    "channel": gettext_lazy("Channel"),
    "subject": gettext_lazy("Subject"),
    "text": gettext_lazy("Text"),
    "queued_at": gettext_lazy("Sent on"),
    "reference": gettext_lazy("Reference"),
    "kind": gettext_lazy("Request"),
    "submitted_at": gettext_lazy("Submitted on"),
}


def _field_label(field):
    return FIELD_LABELS.get(field, field)


def _readable(value):
    """A time in the copy (ISO 8601, UTC) as a local date and time; anything else as it is."""
    if isinstance(value, str) and "T" in value:
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is not None and timezone.is_aware(moment):
            return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return value


@never_cache
@require_GET
def export(request, token):
    data_request = service.request_for_token(token)
    if data_request is None:
        return render(request, "cases/privacy/export_gone.html", status=404)
    service.export_read(request=data_request, by=request.user if request.user.is_authenticated else None)
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(data_request.export, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{data_request.reference}.json"'
        return response
    data = data_request.export or {}
    sections = [
        (key, [[(_field_label(field), _readable(value)) for field, value in row.items()] for row in rows])
        for key, rows in data.items()
        if isinstance(rows, list)
    ]
    return render(
        request,
        "cases/privacy/export.html",
        {"r": data_request, "sections": sections, "generated_at": data.get("generated_at"), "token": token},
    )


# Staff ----------------------------------------------------------------------------------------------

_STAFF = roles_required(
    *service.DATA_REQUEST_ROLES,
    message=gettext_lazy("Data requests are answered by the administrator or the centre's dispatchers."),
)


@_STAFF
@require_GET
def queue(request):
    now = timezone.now()
    open_requests = list(DataRequest.objects.filter(status=DataRequestStatus.OPEN).order_by("due_at", "pk"))
    for r in open_requests:
        r.urgency = service.urgency(r, now=now)
    answered = DataRequest.objects.exclude(status=DataRequestStatus.OPEN).order_by("-decided_at")[:20]
    return render(
        request,
        "cases/privacy/staff_queue.html",
        {
            "open": open_requests,
            "answered": answered,
            "answer_days": settings.MASSLINE_DATA_REQUEST_DAYS,
        },
    )


@_STAFF
@require_http_methods(["GET", "POST"])
def detail(request, pk):
    data_request = get_object_or_404(DataRequest.objects.select_related("citizen", "decided_by"), pk=pk)
    form = DataDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service.data_request_decide(
                    request=data_request,
                    fulfil=form.cleaned_data["decision"] == "fulfil",
                    refusal=form.cleaned_data["refusal"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = getattr(exc, "status", 400)
            else:
                messages.success(request, _("The request was answered; the citizen is told by message."))
                return redirect("cases_staff:data_request", pk=data_request.pk)
        else:
            status = 400
    citizens = service._subjects(data_request) if data_request.status == DataRequestStatus.OPEN else []
    demands = Case.objects.filter(citizen__in=[c.pk for c in citizens])
    context = {
        "r": data_request,
        "form": form,
        "urgency": service.urgency(data_request),
        "records": len(citizens),
        "demands": demands.count(),
        "hold": service.legal_hold(citizens) if citizens else False,
    }
    return render(request, "cases/privacy/staff_detail.html", context, status=status)
