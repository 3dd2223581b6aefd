"""Public pages of disclosure: the request form, the applicant's tracking page (correct, mark
unsatisfactory), the register, the statistics and the annual report."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from massline.audit.middleware import client_ip
from massline.lib.errors import DomainError
from massline.lib.forms import bound_data
from massline.lib.ratelimit import count_hit

from . import conf, exports, selectors, services, stats
from .choices import AnswerType, RequestStatus
from .forms import CorrectForm, RegisterSearchForm, RequestForm, TrackForm, UnsatisfiedForm
from .models import AnswerDocument

PAGE_SIZE = 50


def put_error(form, exc):
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc.message))


@require_http_methods(["GET", "POST"])
def submit(request):
    status = 200
    form = RequestForm(*bound_data(request))
    if request.method == "POST":
        if (
            count_hit(f"disclosure:submit:{client_ip(request) or 'unknown'}", window=3600)
            > conf.submit_rate()
        ):
            return render(request, "disclosure/rate_limited.html", status=429)
        if form.is_valid():
            try:
                created = services.request_submit(
                    **form.cleaned_data, by=request.user if request.user.is_authenticated else None
                )
            except DomainError as exc:
                put_error(form, exc)
            else:
                messages.success(request, _("Your request is received. Keep your tracking code."))
                return redirect("disclosure:track", code=created.tracking_code)
        status = 400
    return render(request, "disclosure/submit.html", {"form": form}, status=status)


@require_GET
def track_lookup(request):
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("disclosure:track", code=form.cleaned_data["code"].strip().upper())
    return render(request, "disclosure/track_lookup.html", {"form": form})


def _track(request, item, *, correct_form=None, unsatisfied_form=None, status=200):
    return render(
        request,
        "disclosure/track.html",
        {
            "item": item,
            "now": timezone.now(),
            "correct_form": correct_form or CorrectForm(),
            "unsatisfied_form": unsatisfied_form or UnsatisfiedForm(),
            "statuses": RequestStatus,
            "answers": AnswerType,
        },
        status=status,
    )


@never_cache
@require_GET
def track(request, code):
    return _track(request, selectors.request_get_by_code(code=code))


@require_POST
def correct(request, code):
    item = selectors.request_get_by_code(code=code)
    form = CorrectForm(request.POST)
    if form.is_valid():
        try:
            services.request_correct(request=item, text=form.cleaned_data["text"], by=None)
        except DomainError as exc:
            put_error(form, exc)
        else:
            messages.success(
                request, _("Your corrected request is received: the answering time starts again.")
            )
            return redirect("disclosure:track", code=item.tracking_code)
    return _track(request, item, correct_form=form, status=400)


@require_POST
def unsatisfied(request, code):
    item = selectors.request_get_by_code(code=code)
    form = UnsatisfiedForm(request.POST)
    if form.is_valid():
        try:
            services.request_mark_unsatisfied(request=item, **form.cleaned_data)
        except DomainError as exc:
            put_error(form, exc)
        else:
            messages.success(request, _("Recorded: the answer is marked unsatisfactory."))
            return redirect("disclosure:track", code=item.tracking_code)
    return _track(request, item, unsatisfied_form=form, status=400)


@require_GET
def document(request, code, document_id):
    item = selectors.request_get_by_code(code=code)
    doc = get_object_or_404(AnswerDocument, pk=document_id, request=item)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.name)


@require_GET
def register(request):
    form = RegisterSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.register_rows(
        query=data.get("q", ""), unit=data.get("unit"), answer_type=data.get("answer_type", "")
    )
    total = rows.count()
    return render(
        request,
        "disclosure/register.html",
        {"form": form, "rows": rows[:PAGE_SIZE], "total": total, "page_size": PAGE_SIZE},
    )


@require_GET
def register_detail(request, code):
    item = selectors.register_get(code=code)
    return render(
        request,
        "disclosure/register_detail.html",
        {"item": item, "applicant": selectors.public_applicant(item)},
    )


def _year(request):
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@require_GET
def statistics(request):
    year = _year(request)
    return render(
        request,
        "disclosure/statistics.html",
        {
            "year": year,
            "figures": stats.unit_figures(year=year),
            "tables": stats.report_tables(year=year),
            "due": stats.report_due(year),
            "minimum": conf.min_count(),
        },
    )


@require_GET
def report_pdf(request):
    year = _year(request)
    response = HttpResponse(exports.report_pdf(year=year), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="disclosure-report-{year}.pdf"'
    return response


@require_GET
def report_xlsx(request):
    year = _year(request)
    response = HttpResponse(
        exports.report_xlsx(year=year),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="disclosure-report-{year}.xlsx"'
    return response
