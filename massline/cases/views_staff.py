"""The staff workbench of demands: the dispatcher's queue, the unit's queue, one demand with its
timeline and the actions the official may take on it, the supervisor's page, notifications.

Views parse, call a selector or a service, and render. A refusal by a service (DomainError) comes back
as the page with the message and the form as typed, with the error's 4xx status; htmx requests get the
demand's panel only, so an action re-renders the panel in place.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from massline.audit.services import audit_record_read
from massline.lib.errors import DomainError
from massline.lib.masking import mask_email, mask_name, mask_phone
from massline.org.access import official_required
from massline.org.choices import Role
from massline.org.selectors import user_scope

from . import forms_staff as f
from . import routing_seam, selectors
from .actors import actor_for, offered_actions
from .choices import (
    ExclusionDecision,
    ExtensionStatus,
)
from .models import AccountabilityRecord, ExclusionReview, Extension, Notification
from .services import clock, handling, handling_rules, merge, visit

DISPATCH_ROLES = (Role.DISPATCHER,)
UNIT_ROLES = (Role.HANDLER, Role.UNIT_HEAD)
SUPERVISION_ROLES = (Role.SUPERVISOR, Role.DISCIPLINE_INSPECTOR)


def roles_required(*roles, message):
    """Officials holding one of `roles` (or administrators); other officials 403, anonymous to login."""

    def decorate(view):
        @official_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not user_scope(request.user).has_role(*roles):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _filters(request):
    form = f.QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, selectors.QueueFilter(
        status=data.get("status", ""),
        category=data.get("category", ""),
        unit=data.get("unit", ""),
        urgency=data.get("urgency", ""),
        overdue=bool(data.get("overdue")),
        q=data.get("q", ""),
    )


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@roles_required(*DISPATCH_ROLES, message=gettext_lazy("The dispatch queue is for the centre's dispatchers."))
def queue(request):
    form, filters = _filters(request)
    page = selectors.dispatcher_queue(user=request.user, filters=filters, page=request.GET.get("page") or 1)
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "extensions": selectors.unit_pending_extensions(user=request.user)[:50],
        "now": timezone.now(),
        "title": _("Dispatch queue"),
    }
    return render(request, "cases/staff/queue.html", context)


@roles_required(*UNIT_ROLES, message=gettext_lazy("The unit queue is for the handlers and heads of a unit."))
def unit_queue(request):
    form, filters = _filters(request)
    page = selectors.unit_queue(user=request.user, filters=filters, page=request.GET.get("page") or 1)
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "now": timezone.now(),
        "title": _("My unit's demands"),
    }
    return render(request, "cases/staff/unit_queue.html", context)


@roles_required(*SUPERVISION_ROLES, message=gettext_lazy("The supervision page is for supervisors."))
def supervision(request):
    user = request.user
    context = {
        "overdue": selectors.supervisor_overdue(user=user),
        "unsatisfied": selectors.supervisor_unsatisfied(user=user),
        "repeated": routing_seam.repeated_demands(user=user)[:30],
        "records": selectors.accountability_records(user=user),
        "reviews": selectors.exclusion_reviews_pending(user=user),
        "can_decide": user_scope(user).has_role(Role.SUPERVISOR),
        "record_form": f.AccountabilityDecideForm(),
        "review_form": f.ExclusionDecideForm(),
        "repeat_days": selectors.REPEAT_DAYS,
        "repeat_metres": selectors.REPEAT_METRES,
    }
    return render(request, "cases/staff/supervision.html", context)


@official_required
def notifications(request):
    if request.method == "POST":
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        messages.success(request, _("All notifications marked as read."))
        return redirect("cases_staff:notifications")
    return render(
        request,
        "cases/staff/notifications.html",
        {"notifications": selectors.notifications_for(user=request.user)},
    )


@official_required
@require_POST
def record_decide(request, pk):
    record = get_object_or_404(
        AccountabilityRecord.objects.filter(case__in=selectors.cases_for_user(request.user).values("pk")),
        pk=pk,
    )
    form = f.AccountabilityDecideForm(request.POST)
    if form.is_valid():
        try:
            clock.accountability_decide(
                record=record,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return _supervision_with_status(request, exc.status)
        messages.success(request, _("Decision recorded."))
        return redirect("cases_staff:supervision")
    messages.error(request, _("Choose a decision and give its reason."))
    return _supervision_with_status(request, 400)


def _supervision_with_status(request, status):
    response = supervision(request)
    response.status_code = status
    return response


# --- one demand ---------------------------------------------------------------------------------------


FORMS = {
    "dispatch": f.DispatchForm,
    "sign": None,
    "return": f.ReturnForm,
    "arbitrate": f.ArbitrateForm,
    "transfer": f.TransferForm,
    "contact": f.ContactForm,
    "note": f.NoteForm,
    "pause": f.PauseForm,
    "resume": None,
    "extension_request": f.ExtensionRequestForm,
    "extension_decide": f.ExtensionDecideForm,
    "co_reply": f.CoReplyForm,
    "reply": f.ReplyForm,
    "rate": f.RateForm,
    "link": f.LinkForm,
    "merge": f.MergeForm,
    "exclusion_request": f.ExclusionRequestForm,
    "exclusion_decide": f.ExclusionDecideForm,
}


ACTION_LABELS = {
    "dispatch": gettext_lazy("Dispatch"),
    "sign": gettext_lazy("Sign for it"),
    "return": gettext_lazy("Return to the centre"),
    "arbitrate": gettext_lazy("Decide the return"),
    "transfer": gettext_lazy("Transfer to another unit"),
    "contact": gettext_lazy("Record contact with the citizen"),
    "note": gettext_lazy("Add a progress note"),
    "pause": gettext_lazy("Pause the reply clock"),
    "resume": gettext_lazy("Restart the reply clock"),
    "extension_request": gettext_lazy("Ask for an extension"),
    "extension_decide": gettext_lazy("Decide the extension request"),
    "co_reply": gettext_lazy("Add your unit's part"),
    "reply": gettext_lazy("Reply to the citizen"),
    "rate": gettext_lazy("Record the rating (phone return visit)"),
    "link": gettext_lazy("Link as a duplicate"),
    "merge": gettext_lazy("Merge new demands into this one"),
    "exclusion_request": gettext_lazy("Ask to exclude from appraisal"),
    "exclusion_decide": gettext_lazy("Decide the exclusion review"),
}


def _panel_context(request, case, bound=None):
    user = request.user
    assignments = list(selectors.case_assignments(case=case))
    actor = actor_for(user, case, assignments)
    extensions = list(selectors.case_extensions(case=case))
    pending_extension = next((e for e in extensions if e.status == ExtensionStatus.REQUESTED), None)
    related = selectors.case_related(case=case)
    pending_review = next((r for r in related["reviews"] if r.decision == ExclusionDecision.REQUESTED), None)
    offer = offered_actions(case, actor, pending_extension=pending_extension, pending_review=pending_review)
    # Routing's suggestions and possible duplicates, for the centre's desks (none when routing is off).
    routing = None
    possible_duplicates = []
    if actor.dispatcher or actor.operator:
        routing = routing_seam.suggestions(case=case, user=user)
        if case.duplicate_of_id is None and case.thread_id is None:
            possible_duplicates = routing_seam.duplicates(case=case, user=user)
    forms = {}
    for name in offer:
        form_class = FORMS[name]
        if form_class is None:
            forms[name] = None
        elif bound is not None and bound[0] == name:
            forms[name] = bound[1]
        elif name == "dispatch":
            suggested = routing_seam.suggest_unit(category=case.category, region=case.region, case=case)
            forms[name] = form_class(prefix=name, initial={"lead_unit": suggested})
        else:
            forms[name] = form_class(prefix=name)
    show_contact = actor.dispatcher or actor.operator or actor.lead_unit is not None
    citizen = case.citizen
    contact = None
    if citizen is not None:
        if show_contact:
            contact = {"name": citizen.name, "phone": citizen.phone, "email": citizen.email}
            audit_record_read(
                obj=case,
                actor=user,
                fields=["citizen.name", "citizen.phone", "citizen.email"],
                purpose="handling",
            )
        else:
            contact = {
                "name": mask_name(citizen.name),
                "phone": mask_phone(citizen.phone),
                "email": mask_email(citizen.email),
            }
    policy = None
    try:
        policy = handling_rules.case_policy(case)
    except DomainError:
        pass
    return {
        "case": case,
        "actions": [(name, ACTION_LABELS[name], forms[name]) for name in offer],
        "open_action": bound[0] if bound else "",
        "partial": bool(request.headers.get("HX-Request")),
        "assignments": assignments,
        "events": selectors.case_timeline(case=case),
        "extensions": extensions,
        "pending_extension": pending_extension,
        "pending_review": pending_review,
        "related": related,
        "forms": forms,
        "offer": offer,
        "actor": actor,
        "contact": contact,
        "policy": policy,
        "routing": routing,
        "possible_duplicates": possible_duplicates,
        "now": timezone.now(),
    }


def _render_panel(request, case, *, bound=None, status=200):
    context = _panel_context(request, case, bound)
    template = "cases/staff/_panel.html" if request.headers.get("HX-Request") else "cases/staff/detail.html"
    return render(request, template, context, status=status)


@official_required
def detail(request, pk):
    case = selectors.case_get_for_staff(user=request.user, pk=pk)
    return _render_panel(request, case)


def _run(name, request, case, data):
    """Call the service for action `name` with the form's cleaned `data`."""
    user = request.user
    actor = actor_for(user, case, list(selectors.case_assignments(case=case)))
    if name == "dispatch":
        handling.case_dispatch(
            case=case, lead_unit=data["lead_unit"], co_units=data["co_units"], by=user, note=data["note"]
        )
        return _("Dispatched to %(unit)s.") % {"unit": data["lead_unit"]}
    if name == "sign":
        handling.case_sign(case=case, unit=actor.pending_unit or case.lead_unit, by=user)
        return _("Signed: the demand is yours.")
    if name == "return":
        unit = actor.lead_unit or actor.pending_unit or case.lead_unit
        handling.case_return(case=case, unit=unit, reason=data["reason"], note=data["note"], by=user)
        return _("Returned to the centre.")
    if name == "arbitrate":
        handling.case_arbitrate(
            case=case,
            decision=data["decision"],
            unit=data["lead_unit"],
            co_units=data["co_units"],
            by=user,
            note=data["note"],
        )
        return _("Decision recorded: sent to %(unit)s.") % {"unit": data["lead_unit"]}
    if name == "transfer":
        handling.case_transfer(case=case, to_unit=data["to_unit"], by=user, note=data["note"])
        return _("Transferred to %(unit)s.") % {"unit": data["to_unit"]}
    if name == "contact":
        handling.case_contact(case=case, by=user, note=data["note"])
        return _("Contact recorded.")
    if name == "note":
        handling.case_note(case=case, by=user, note=data["note"])
        return _("Note added.")
    if name == "pause":
        handling.case_pause(case=case, reason=data["reason"], note=data["note"], by=user)
        return _("Reply clock paused.")
    if name == "resume":
        handling.case_resume(case=case, by=user)
        return _("Reply clock restarted.")
    if name == "extension_request":
        handling.extension_request(case=case, amount=data["amount"], reason=data["reason"], by=user)
        return _("Extension requested: the centre decides.")
    if name == "extension_decide":
        extension = Extension.objects.filter(case=case, status=ExtensionStatus.REQUESTED).first()
        if extension is None:
            raise DomainError(_("No extension request is waiting on this demand."))
        handling.extension_decide(extension=extension, approve=data["approve"], by=user, note=data["note"])
        return _("Extension approved.") if data["approve"] else _("Extension rejected.")
    if name == "co_reply":
        handling.case_co_reply(case=case, unit=actor.co_unit or case.lead_unit, text=data["text"], by=user)
        return _("Your unit's part was added.")
    if name == "reply":
        handling.case_reply(case=case, text=data["text"], by=user)
        return _("Reply sent to the citizen.")
    if name == "rate":
        visit.case_rate(
            case=case,
            resolved=data["resolved"],
            satisfaction=data["satisfaction"],
            comment=data["comment"],
            by=user,
            via=visit.VIA_PHONE,
        )
        return _("Rating recorded.")
    if name == "link":
        merge.case_link_duplicate(case=case, original=data["original"], by=user, note=data["note"])
        return _("Linked as a duplicate.")
    if name == "merge":
        merge.case_merge(lead=case, members=data["members"], by=user, note=data["note"])
        return _("Merged into this demand's handling thread.")
    if name == "exclusion_request":
        visit.exclusion_request(case=case, category=data["category"], reason=data["reason"], by=user)
        return _("Exclusion review requested: a supervisor decides.")
    if name == "exclusion_decide":
        review = ExclusionReview.objects.filter(case=case, decision=ExclusionDecision.REQUESTED).first()
        if review is None:
            raise DomainError(_("No exclusion review is waiting on this demand."))
        visit.exclusion_decide(review=review, approve=data["approve"], note=data["note"], by=user)
        return _("Decision recorded.")
    raise Http404


@official_required
@require_POST
def act(request, pk, action):
    if action not in FORMS:
        raise Http404
    case = selectors.case_get_for_staff(user=request.user, pk=pk)
    # The version the official saw: a change by someone else since then is refused, not overwritten.
    seen = request.POST.get("version", "")
    if seen.isdigit():
        case.version = int(seen)
    form_class = FORMS[action]
    form = form_class(request.POST, prefix=action) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, _("Check the highlighted fields."))
        return _render_panel(request, case, bound=(action, form), status=400)
    try:
        text = _run(action, request, case, form.cleaned_data if form else {})
    except DomainError as exc:
        messages.error(request, exc.message)
        fresh = selectors.case_get_for_staff(user=request.user, pk=pk)
        return _render_panel(request, fresh, bound=(action, form) if form else None, status=exc.status)
    messages.success(request, text)
    if request.headers.get("HX-Request"):
        try:
            fresh = selectors.case_get_for_staff(user=request.user, pk=pk)
        except Http404:
            return _moved_on(request)
        return _render_panel(request, fresh)
    if not selectors.cases_for_user(request.user).filter(pk=pk).exists():
        return redirect(_home_for(request.user))
    return redirect("cases_staff:detail", pk=pk)


def _home_for(user):
    scope = user_scope(user)
    if scope.has_role(Role.DISPATCHER):
        return reverse("cases_staff:queue")
    if scope.has_role(*UNIT_ROLES):
        return reverse("cases_staff:unit_queue")
    return reverse("web:staff_home")


def _moved_on(request):
    response = render(request, "cases/staff/_moved.html", {"home": _home_for(request.user)})
    response["HX-Redirect"] = _home_for(request.user)
    return response
