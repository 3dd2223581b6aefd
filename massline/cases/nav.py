"""Navigation entries of the cases app (read by massline.web.navigation; see its docstring).

Public pages and the intake desk are engineer P's; the workbench's queue pages are appended below by H.
"""

from django.utils.translation import gettext_lazy as _

from massline.org.choices import Role

PUBLIC_LINKS = [
    {"label": _("Submit a demand"), "url": "cases_public:submit", "order": 10},
    {"label": _("Track a demand"), "url": "cases_public:track_lookup", "order": 20},
    {"label": _("Public demands"), "url": "cases_public:list", "order": 30},
    {"label": _("Your personal data"), "url": "cases_privacy:index", "order": 80},
]

STAFF_LINKS = [
    {
        "label": _("Intake desk"),
        "url": "cases_intake:desk",
        "order": 10,
        "roles": {Role.OPERATOR, Role.DISPATCHER},
        "description": _(
            "Enter phone, walk-in and letter demands; answer questions from the knowledge base."
        ),
    },
]

# The handling workbench (engineer H).
STAFF_LINKS += [
    {
        "label": _("Dispatch queue"),
        "url": "cases_staff:queue",
        "order": 20,
        "roles": {Role.DISPATCHER},
        "description": _("New, returned and overdue demands; dispatch, arbitrate, approve extensions."),
    },
    {
        "label": _("My unit's demands"),
        "url": "cases_staff:unit_queue",
        "order": 25,
        "roles": {Role.HANDLER, Role.UNIT_HEAD},
        "description": _("Demands awaiting your unit's signature, being handled, overdue."),
    },
    {
        "label": _("Supervision"),
        "url": "cases_staff:supervision",
        "order": 30,
        "roles": {Role.SUPERVISOR, Role.DISCIPLINE_INSPECTOR},
        "description": _("Overdue, repeated and unsatisfied demands; accountability records."),
    },
    {
        "label": _("Data requests"),
        "url": "cases_staff:data_requests",
        "order": 80,
        "roles": {Role.DISPATCHER},
        "description": _("Citizens' requests to see or delete their personal data, with their due times."),
    },
    {
        "label": _("Notifications"),
        "url": "cases_staff:notifications",
        "order": 90,
        "description": _("Warnings, reminders, new demands and the daily digest."),
    },
]
