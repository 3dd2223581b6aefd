"""Staff pages of disclosure: the queue of the receiving agencies in scope, a request with its clocks, and
one form per step. Out of scope: 404; in scope but not a handler of the agency: the service's 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from massline.lib.errors import DomainError
from massline.lib.errors import PermissionDenied as DomainPermissionDenied
from massline.lib.forms import bound_data
from massline.org.access import official_required
from massline.org.selectors import units_visible_to

from . import selectors, services
from .choices import EscalationLevel, RequestStatus
from .forms import (
    AccountabilityForm,
    AnswerForm,
    ClarifyForm,
    ConsultEndForm,
    ConsultForm,
    ExtendForm,
    StaffCorrectForm,
    StaffRequestForm,
    WithholdForm,
)
from .models import DisclosureRequest
from .views import put_error

FORMS = {
    "clarify": ClarifyForm,
    "correct": StaffCorrectForm,
    "consult": ConsultForm,
    "consult_end": ConsultEndForm,
    "extend": ExtendForm,
    "answer": AnswerForm,
    "withhold": WithholdForm,
    "accountability": AccountabilityForm,
}


@official_required
def staff_list(request):
    status = request.GET.get("status", "")
    if status not in RequestStatus.values:
        status = ""
    listed = request.GET.get("listed") == "1"
    rows = selectors.requests_for_staff(user=request.user, status=status, listed=listed)
    return render(
        request,
        "disclosure/staff/list.html",
        {
            "rows": rows[:200],
            "now": timezone.now(),
            "statuses": RequestStatus.choices,
            "status": status,
            "listed": listed,
            "listed_count": selectors.requests_for_staff(user=request.user, listed=True).count(),
        },
    )


@official_required
def staff_create(request):
    form = StaffRequestForm(*bound_data(request))
    form.fields["unit"].queryset = units_visible_to(request.user).order_by("path")
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_submit(**form.cleaned_data, by=request.user)
        except DomainError as exc:
            put_error(form, exc)
        else:
            messages.success(request, _("Request %(code)s recorded.") % {"code": created.tracking_code})
            return redirect("disclosure_staff:detail", pk=created.pk)
    return render(
        request,
        "disclosure/staff/create.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _detail(request, item, forms=None, status=200):
    forms = forms or {}
    context = {name: forms.get(name) or form_class(prefix=name) for name, form_class in FORMS.items()}
    context["answer"].fields["other_agency"].queryset = (
        context["answer"].fields["other_agency"].queryset.exclude(pk=item.unit_id)
    )
    context.update(
        item=item,
        now=timezone.now(),
        may_handle=services.can_handle(request.user, item.unit),
        may_extend=services.can_approve_extension(request.user, item.unit),
        may_decide=item.escalation_level >= EscalationLevel.ACCOUNTABLE
        and item.accountability_record_id is None
        and services.can_supervise(request.user, item.unit),
        escalations=item.escalations.all(),
        statuses=RequestStatus,
    )
    return render(request, "disclosure/staff/detail.html", context, status=status)


@official_required
def staff_detail(request, pk):
    return _detail(request, selectors.request_get_for_staff(user=request.user, pk=pk))


def _call(step, item, data, files, user):
    if step == "clarify":
        return services.request_clarify(request=item, note=data["note"], at=data["at"], by=user)
    if step == "correct":
        return services.request_correct(request=item, text=data["text"], at=data["at"], by=user)
    if step == "consult":
        return services.request_consult(request=item, third_party=data["third_party"], at=data["at"], by=user)
    if step == "consult_end":
        return services.request_consult_end(request=item, view=data["view"], at=data["at"], by=user)
    if step == "extend":
        return services.request_extend(
            request=item, reason=data["reason"], at=data["at"], told_at=data["told_at"], by=user
        )
    if step == "withhold":
        return services.request_withhold(request=item, reason=data["reason"], by=user)
    if step == "accountability":
        return services.request_accountability_decide(
            request=item, decision=data["decision"], note=data["note"], by=user
        )
    earlier = None
    if data["earlier_request"]:
        earlier = DisclosureRequest.objects.filter(
            tracking_code=data["earlier_request"].strip().upper()
        ).first()
    document = files.get("answer-document")
    return services.request_answer(
        request=item,
        answer_type=data["answer_type"],
        text=data["text"],
        where_public=data["where_public"],
        legal_ground=data["legal_ground"],
        other_agency=data["other_agency"],
        earlier_request=earlier,
        pages=data["pages"] or 0,
        documents=[(document.name, document)] if document else [],
        demand_type=data["demand_type"],
        at=data["at"],
        by=user,
    )


DONE = {
    "clarify": gettext_lazy(
        "Clarification asked: the answering clock is stopped until the corrected request arrives."
    ),
    "correct": gettext_lazy("Corrected request recorded: the answering time counts afresh."),
    "consult": gettext_lazy("Third party consulted: the answering clock is paused."),
    "consult_end": gettext_lazy("Third party's view recorded: the answering clock runs again."),
    "extend": gettext_lazy("Extension approved."),
    "answer": gettext_lazy("Answer recorded."),
    "withhold": gettext_lazy("Withheld from the public register."),
    "accountability": gettext_lazy("Decision recorded: the accountability record is opened."),
}


@official_required
@require_POST
def staff_step(request, pk, step):
    item = selectors.request_get_for_staff(user=request.user, pk=pk)
    if step not in FORMS:
        return redirect("disclosure_staff:detail", pk=item.pk)
    # Who may take the step is checked before its form: a reader in scope gets 403, not a form error.
    if step == "extend" and not services.can_approve_extension(request.user, item.unit):
        raise PermissionDenied(_("Only the head of the receiving agency may approve an extension."))
    if step == "accountability":
        if not services.can_supervise(request.user, item.unit):
            raise PermissionDenied(_("Only a supervisor over the agency decides on its accountability."))
    elif not services.can_handle(request.user, item.unit):
        raise PermissionDenied(
            _("Only a handler or the head of the receiving agency may act on this request.")
        )
    form = FORMS[step](request.POST, request.FILES, prefix=step)
    if form.is_valid():
        try:
            _call(step, item, form.cleaned_data, request.FILES, request.user)
        except DomainPermissionDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            put_error(form, exc)
            item = selectors.request_get_for_staff(user=request.user, pk=pk)
        else:
            messages.success(request, str(DONE[step]))
            return redirect("disclosure_staff:detail", pk=item.pk)
    return _detail(request, item, {step: form}, status=400)


@official_required
@require_POST
def staff_forward(request, pk):
    item = selectors.request_get_for_staff(user=request.user, pk=pk)
    try:
        forwarded = services.request_forward(request=item, by=request.user)
    except DomainPermissionDenied as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("disclosure_staff:detail", pk=item.pk)
    messages.success(
        request,
        _("Forwarded to %(unit)s as request %(code)s.")
        % {"unit": forwarded.unit.label, "code": forwarded.tracking_code},
    )
    return redirect("disclosure_staff:detail", pk=item.pk)
