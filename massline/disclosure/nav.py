"""Links of the disclosure app in the public site's and the workbench's navigation."""

from django.utils.translation import gettext_lazy as _

from massline.org.choices import Role

PUBLIC_LINKS = [{"label": _("Information disclosure"), "url": "disclosure:register", "order": 40}]
STAFF_LINKS = [
    {
        "label": _("Disclosure requests"),
        "url": "disclosure_staff:list",
        "order": 45,
        "roles": {Role.HANDLER, Role.UNIT_HEAD, Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR},
    }
]
