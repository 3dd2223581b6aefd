"""Appraisal in the demo: the facts and rollups of every demo demand, demo rules with volume groups sized
for a small county, and the published (frozen) rankings of the last complete months with data.

The ratings behind these figures are simulated demo activity (massline/cases/demo.py gives a seeded share
of the historical demands a return visit and a rating); the demo's notes say so. Idempotent: the rules
are found by their month, published rankings are left as they are.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError

from . import services
from .models import DemandFact, Ranking, RuleSet

SUPERVISOR = "supervisor"
# A small county's units handle tens of demands a month, not hundreds: groups of 30+, 10-29, 3-9.
DEMO_GROUPS = "30,10,3"
PUBLISHED_MONTHS = 12


def load_demo(report):
    """The hook `massline demo` calls."""
    written = services.appraisal_refresh()
    months = sorted(set(DemandFact.objects.values_list("month", flat=True)))
    current = services.month_of(timezone.now())
    complete = [m for m in months if m < current][-PUBLISHED_MONTHS:]
    supervisor = get_user_model().objects.filter(username=SUPERVISOR).first()
    published = 0
    if complete and supervisor is not None:
        if not RuleSet.objects.exists():
            services.ruleset_create(
                valid_from=months[0],
                weights=(30, 35, 35),
                basic_factor="0.9",
                visits="all",
                group_bounds=DEMO_GROUPS,
                bottom_n=2,
                by=supervisor,
                note=_("Demo rules: volume groups sized for the demo county."),
            )
        for month in complete:
            ranking = Ranking.objects.filter(month=month).first()
            if ranking is not None and ranking.is_published:
                continue
            try:
                ranking = services.ranking_compute(month=month, by=supervisor)
            except DomainError:
                continue
            services.ranking_publish(ranking=ranking, by=supervisor)
            published += 1
    report.note(
        _(
            "Appraisal: %(rows)d monthly figure rows; %(published)d monthly rankings published now. Ratings "
            "in the demo are simulated return visits on historical demands."
        )
        % {"rows": written, "published": published}
    )
