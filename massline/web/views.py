"""Public and staff home pages, staff login and logout."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from massline.org.selectors import user_memberships, user_scope
from massline.web import navigation
from massline.web.forms import StaffLoginForm


def home(request):
    return render(request, "web/home.html")


@login_required
def staff_home(request):
    """The official's start page: their roles and units, links to their work, and each app's panel."""
    if not user_scope(request.user).is_official:
        # Shown by 403.html: signed-in citizens and outsiders learn why and what to do.
        raise PermissionDenied(
            _(
                "This workbench is for officials of the platform's units, and your account has no role "
                "in any unit or region. If you work for a unit, ask your administrator to add you to it; "
                "to submit or follow a demand, use the public site."
            )
        )
    memberships = user_memberships(user=request.user)
    quick_links = [link for link in navigation.staff_links(request) if not link.current]
    return render(
        request,
        "web/staff_home.html",
        {
            "memberships": memberships,
            "quick_links": quick_links,
            "panels": navigation.staff_home_panels(request),
        },
    )


class StaffLoginView(LoginView):
    template_name = "web/login.html"
    authentication_form = StaffLoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # LoginView names the site after the request's host; the shell's site_name must win.
        context.pop("site", None)
        context.pop("site_name", None)
        return context
