"""The outbox's link in the workbench navigation (read by massline.web.navigation)."""

from django.utils.translation import gettext_lazy as _

from massline.org.choices import Role

STAFF_LINKS = [
    {
        "label": _("Undelivered messages"),
        "url": "outbox:dead_letters",
        "order": 90,
        "roles": {Role.ADMINISTRATOR, Role.DISPATCHER},
        "description": _("SMS and e-mails every attempt failed to deliver; resend them from here."),
    }
]
