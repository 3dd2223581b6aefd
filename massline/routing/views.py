"""The routing admin page (分拨模型管理): the live models' backtest figures per category, the models' history,
what operators did with the suggestions, and the auto-dispatch thresholds."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from massline.cases.models import Category
from massline.lib.errors import DomainError
from massline.org.choices import Role
from massline.org.selectors import user_scope

from . import conf, selectors
from .forms import ThresholdForm
from .services import auto_dispatch_clear, auto_dispatch_set

VIEW_ROLES = (Role.ADMINISTRATOR, Role.DISPATCHER)


def _roles(*roles):
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_scope(request.user).has_role(*roles):
                raise PermissionDenied(
                    _("The routing page is for the centre's administrators and dispatchers.")
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _render(request, *, bound=None, status=200):
    context = selectors.admin_overview()
    context["enabled"] = conf.enabled()
    context["can_set"] = user_scope(request.user).has_role(Role.ADMINISTRATOR)
    for row in context["per_category"]:
        if bound is not None and bound[0] == row["category"].pk:
            row["form"] = bound[1]
        else:
            initial = {"threshold": row["rule"].threshold} if row["rule"] else None
            row["form"] = ThresholdForm(initial=initial, prefix=f"c{row['category'].pk}")
    return render(request, "routing/admin.html", context, status=status)


@_roles(*VIEW_ROLES)
@require_GET
def admin(request):
    return _render(request)


@_roles(Role.ADMINISTRATOR)
@require_POST
def threshold_set(request, pk):
    category = get_object_or_404(Category, pk=pk)
    form = ThresholdForm(request.POST, prefix=f"c{pk}")
    if not form.is_valid():
        messages.error(request, _("Check the highlighted fields."))
        return _render(request, bound=(pk, form), status=400)
    try:
        auto_dispatch_set(category=category, threshold=form.cleaned_data["threshold"], by=request.user)
    except DomainError as exc:
        form.add_error("threshold", str(exc.message))
        messages.error(request, exc.message)
        return _render(request, bound=(pk, form), status=exc.status)
    messages.success(request, _("Auto-dispatch is on for %(category)s.") % {"category": category})
    return redirect("routing:admin")


@_roles(Role.ADMINISTRATOR)
@require_POST
def threshold_clear(request, pk):
    category = get_object_or_404(Category, pk=pk)
    try:
        auto_dispatch_clear(category=category, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render(request, status=exc.status)
    messages.success(request, _("Auto-dispatch is off for %(category)s.") % {"category": category})
    return redirect("routing:admin")
