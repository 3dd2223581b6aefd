"""Links of the appraisal app in the public site's and the workbench's navigation."""

from django.utils.translation import gettext_lazy as _

from massline.org.choices import Role

PUBLIC_LINKS = [{"label": _("How we are doing"), "url": "appraisal:index", "order": 40}]
STAFF_LINKS = [
    {
        "label": _("Appraisal"),
        "url": "appraisal_staff:dashboard",
        "order": 35,
        "roles": {
            Role.SUPERVISOR,
            Role.ANALYST,
            Role.ADMINISTRATOR,
            Role.DISCIPLINE_INSPECTOR,
            Role.DISPATCHER,
            Role.UNIT_HEAD,
        },
        "description": _(
            "Rates, rankings and trends of the units; the bottom of each group for supervisors."
        ),
    }
]
