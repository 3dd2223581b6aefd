"""Links of the pledges app in the public site's and the workbench's navigation."""

from django.utils.translation import gettext_lazy as _

from massline.org.choices import Role

PUBLIC_LINKS = [{"label": _("Practical projects"), "url": "pledges:list", "order": 35}]
STAFF_LINKS = [
    {
        "label": _("Practical projects"),
        "url": "pledges_staff:list",
        "order": 45,
        "roles": {Role.HANDLER, Role.UNIT_HEAD, Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR},
    }
]
