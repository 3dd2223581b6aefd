"""Staff pages of integrity tip-offs, for discipline inspectors only: key set-up and unlocking, the list
of tips in their jurisdiction (recusals withheld), reading, answering, handling, identity reveal.

Anyone else, administrators included, gets 403; a tip outside the inspector's reach is 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from massline.lib.errors import DomainError
from massline.lib.errors import NotFound as DomainNotFound
from massline.lib.forms import bound_data

from . import access, selectors, services
from .choices import AttachmentKind, TipStatus
from .forms import (
    ConcludeForm,
    KeySetupForm,
    MessageForm,
    PasswordForm,
    RecoverForm,
    RevealDecideForm,
    RevealRequestForm,
    StatusForm,
)
from .models import IdentityReveal
from .session import unlocked_clear, unlocked_get, unlocked_store

CONTENT_TYPES = {
    AttachmentKind.JPEG: "image/jpeg",
    AttachmentKind.PNG: "image/png",
    AttachmentKind.PDF: "application/pdf",
}


def inspector_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.is_inspector(request.user):
            raise PermissionDenied(_("Only discipline inspectors use the tip-off pages."))
        return never_cache(view)(request, *args, **kwargs)

    return wrapper


def _unlocked(request):
    """The unlocked private key, or None after telling the inspector to unlock it."""
    private = unlocked_get(request)
    if private is None:
        messages.info(request, _("Unlock your key to read tip-offs."))
    return private


@inspector_required
def index(request):
    key = selectors.inspector_key(user=request.user)
    return render(
        request,
        "integrity/staff/index.html",
        {
            "key": key,
            "unlocked": unlocked_get(request) is not None,
            "tips": selectors.tips_for_inspector(user=request.user),
            "notices": selectors.notices_for(user=request.user),
            "unlock_form": PasswordForm(),
        },
    )


@inspector_required
@require_http_methods(["GET", "POST"])
def key_setup(request):
    form = KeySetupForm(*bound_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            _key, recovery = services.inspector_key_setup(
                user=request.user,
                password=form.cleaned_data["password"],
                home_unit=form.cleaned_data["home_unit"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            private = services.inspector_key_unlock(user=request.user, password=form.cleaned_data["password"])
            unlocked_store(request, private)
            return render(request, "integrity/staff/recovery_key.html", {"recovery_key": recovery})
    return render(
        request,
        "integrity/staff/key_setup.html",
        {"form": form, "key": selectors.inspector_key(user=request.user)},
        status=400 if form.errors else 200,
    )


@inspector_required
@require_POST
def key_unlock(request):
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            private = services.inspector_key_unlock(user=request.user, password=form.cleaned_data["password"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            unlocked_store(request, private)
            messages.success(request, _("Your key is unlocked for this session."))
    return redirect("integrity_staff:index")


@inspector_required
@require_POST
def key_lock(request):
    unlocked_clear(request)
    messages.success(request, _("Your key is locked."))
    return redirect("integrity_staff:index")


@inspector_required
@require_http_methods(["GET", "POST"])
def key_recover(request):
    form = RecoverForm(*bound_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            private = services.inspector_key_recover(
                user=request.user,
                recovery_key=form.cleaned_data["recovery_key"],
                password=form.cleaned_data["password"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            unlocked_store(request, private)
            messages.success(request, _("Your key opens with your current password again, and is unlocked."))
            return redirect("integrity_staff:index")
    return render(request, "integrity/staff/recover.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(request, tip, private, **forms):
    view = services.tip_open(tip=tip, user=request.user, private_key=private)
    return {
        "tip": tip,
        "view": view,
        "message_form": forms.get("message_form") or MessageForm(),
        "status_form": forms.get("status_form") or StatusForm(),
        "conclude_form": forms.get("conclude_form")
        or ConcludeForm(officials=selectors.unit_officials(unit=tip.unit)),
        "reveal_form": forms.get("reveal_form") or RevealRequestForm(),
        "decide_form": RevealDecideForm(),
        "reveals": selectors.reveals_of(tip=tip),
        "pending_reveals": [
            (r, view.reveal_reasons.get(r.pk, ""))
            for r in selectors.pending_reveals_for(user=request.user, tip=tip)
        ],
        "my_approved": selectors.reveals_of(tip=tip)
        .filter(requested_by=request.user, status="approved")
        .exists(),
        "flags": selectors.flags_of(tip=tip),
        "may_change_status": tip.status in (TipStatus.RECEIVED, TipStatus.PRELIMINARY),
    }


def _render_detail(request, tip, private, status=200, **forms):
    try:
        context = _detail_context(request, tip, private, **forms)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("integrity_staff:index")
    return render(request, "integrity/staff/detail.html", context, status=status)


@inspector_required
def detail(request, reference):
    tip = selectors.tip_get_for_inspector(user=request.user, reference=reference)
    private = _unlocked(request)
    if private is None:
        return redirect("integrity_staff:index")
    return _render_detail(request, tip, private)


def _post_action(request, reference, act, form_class, form_name, **form_kwargs):
    """Shared shape of the tip's POST actions: parse, call, redirect; re-render with the error."""
    tip = selectors.tip_get_for_inspector(user=request.user, reference=reference)
    private = _unlocked(request)
    if private is None:
        return redirect("integrity_staff:index")
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            done = act(tip, private, form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("integrity_staff:detail", reference=tip.reference)
    return _render_detail(request, tip, private, status=400, **{form_name: form})


@inspector_required
@require_POST
def message_send(request, reference):
    def act(tip, private, data):
        services.tip_message_send(tip=tip, user=request.user, private_key=private, text=data["text"])
        return _("Your message was sent to the reporter.")

    return _post_action(request, reference, act, MessageForm, "message_form")


@inspector_required
@require_POST
def status_set(request, reference):
    def act(tip, private, data):
        services.tip_status_set(tip=tip, user=request.user, status=data["status"])
        return _("Status changed.")

    return _post_action(request, reference, act, StatusForm, "status_form")


@inspector_required
@require_POST
def conclude(request, reference):
    tip = selectors.tip_get_for_inspector(user=request.user, reference=reference)

    def act(tip, private, data):
        services.tip_conclude(
            tip=tip,
            user=request.user,
            private_key=private,
            substantiated=data["substantiated"],
            sanction=data["sanction"],
            official=data["official"],
            final_answer=data["final_answer"],
            record_note=data["record_note"],
        )
        return _("The tip-off is concluded and the reporter can read the final answer.")

    return _post_action(
        request,
        reference,
        act,
        ConcludeForm,
        "conclude_form",
        officials=selectors.unit_officials(unit=tip.unit),
    )


@inspector_required
@require_POST
def reveal_request(request, reference):
    def act(tip, private, data):
        services.identity_reveal_request(
            tip=tip, user=request.user, private_key=private, reason=data["reason"]
        )
        return _("Your request waits for a second inspector's approval.")

    return _post_action(request, reference, act, RevealRequestForm, "reveal_form")


@inspector_required
@require_POST
def reveal_decide(request, reference, reveal_id):
    def act(tip, private, data):
        reveal = IdentityReveal.objects.filter(tip=tip, pk=reveal_id).first()
        if reveal is None:
            raise DomainNotFound(_("No such request on this tip-off."))
        services.identity_reveal_decide(reveal=reveal, user=request.user, approve=data["approve"])
        return _("Approved: your colleague can read the identity.") if data["approve"] else _("Refused.")

    return _post_action(request, reference, act, RevealDecideForm, "decide_form")


@inspector_required
def identity(request, reference):
    tip = selectors.tip_get_for_inspector(user=request.user, reference=reference)
    private = _unlocked(request)
    if private is None:
        return redirect("integrity_staff:index")
    try:
        person = services.identity_read(tip=tip, user=request.user, private_key=private)
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
        return redirect("integrity_staff:detail", reference=tip.reference)
    return render(request, "integrity/staff/identity.html", {"tip": tip, "person": person})


@inspector_required
def attachment(request, reference, attachment_id, original=False):
    tip = selectors.tip_get_for_inspector(user=request.user, reference=reference)
    private = _unlocked(request)
    if private is None:
        return redirect("integrity_staff:index")
    try:
        name, kind, data = services.attachment_read(
            tip=tip, user=request.user, private_key=private, attachment_id=attachment_id, original=original
        )
    except DomainNotFound as exc:
        from django.http import Http404

        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("integrity_staff:detail", reference=tip.reference)
    response = HttpResponse(data, content_type=CONTENT_TYPES[kind])
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._-") or f"evidence.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{"original-" if original else ""}{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
