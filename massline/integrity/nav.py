"""Links of the integrity app in the public site's and the workbench's navigation."""

from django.utils.translation import gettext_lazy as _

from massline.org.choices import Role

PUBLIC_LINKS = [{"label": _("Report misconduct"), "url": "integrity:submit", "order": 60}]
STAFF_LINKS = [
    {
        "label": _("Tip-offs"),
        "url": "integrity_staff:index",
        "order": 70,
        "roles": {Role.DISCIPLINE_INSPECTOR},
        # Administrators are kept out of tip-offs: no link that would lead them to a refusal.
        "exclusive": True,
    }
]
