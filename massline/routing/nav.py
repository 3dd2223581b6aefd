"""Links of the routing app in the workbench's navigation."""

from django.utils.translation import gettext_lazy as _

from massline.org.choices import Role

STAFF_LINKS = [
    {
        "label": _("Routing"),
        "url": "routing:admin",
        "order": 80,
        "roles": {Role.ADMINISTRATOR, Role.DISPATCHER},
    },
]
