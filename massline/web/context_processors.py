"""Template context shared by every page: site name, navigation, the official's roles, staff warnings.

Everything but the site name is computed only when a template uses it (Django templates call
callables), so public pages pay nothing for the workbench's navigation or warnings.
"""

from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.deadlines.selectors import calendar_warnings
from massline.org.choices import Role
from massline.org.selectors import user_scope
from massline.web import navigation


def _staff_roles(request):
    scope = user_scope(request.user)
    return [label for value, label in Role.choices if value in scope.roles]


def _staff_warnings(request):
    """What every official must see on each workbench page: a year without holidays in the calendar."""
    if not user_scope(request.user).is_official:
        return []
    return calendar_warnings(today=timezone.localdate(), warn_days=settings.MASSLINE_CALENDAR_WARN_DAYS)


def massline(request):
    def lazy(function):
        return cache(lambda: function(request))

    return {
        "site_name": settings.MASSLINE_SITE_NAME or _("Massline"),
        "public_nav": lazy(navigation.public_links),
        "staff_nav": lazy(lambda r: navigation.staff_links(r) if user_scope(r.user).is_official else []),
        "staff_roles": lazy(_staff_roles),
        "staff_warnings": lazy(_staff_warnings),
    }
