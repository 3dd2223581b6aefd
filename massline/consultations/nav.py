"""Links of the consultations app in the public site's and the workbench's navigation."""

from django.utils.translation import gettext_lazy as _

from massline.org.choices import Role

PUBLIC_LINKS = [{"label": _("Consultations"), "url": "consultations:list", "order": 30}]
STAFF_LINKS = [
    {
        "label": _("Consultations"),
        "url": "consultations_staff:list",
        "order": 40,
        "roles": {Role.HANDLER, Role.UNIT_HEAD, Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR},
    }
]
