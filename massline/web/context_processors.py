"""Template context shared by every page: site name, the viewer's staff status, calendar warnings."""

from django.conf import settings
from django.utils.translation import gettext as _


def massline(request):
    return {
        "site_name": settings.MASSLINE_SITE_NAME or _("Massline"),
    }
