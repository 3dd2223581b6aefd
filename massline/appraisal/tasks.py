"""Background work of appraisal, run by `massline worker`: keeps the demand facts and rollups current."""

from django.db.models import Q
from django.utils import timezone

from massline.cases.models import Case

from .models import DemandFact, RuleSet
from .services import all_fact_months, facts_refresh, rollups_rebuild

_STATE = {"since": None}


def appraisal_round(now=None):
    """Refresh the facts of demands changed since the last round, and of open ones whose time limit has
    passed since (they become "open and overdue" without being edited); then the rollups of the months
    they touch, and of every month a rule set entered since applies to (its exclusion categories change
    what counts). Published months are not affected: a rule set never applies to them."""
    now = now or timezone.now()
    since = _STATE["since"]
    if since is None:
        latest = DemandFact.objects.order_by("-computed_at").values_list("computed_at", flat=True).first()
        since = latest
    changed = Q() if since is None else Q(updated_at__gte=since)
    newly_overdue = Q(
        pk__in=DemandFact.objects.filter(finished=False, open_overdue=False).values("case_id"),
        due_reply_at__lt=now,
    )
    cases = Case.objects.filter(changed | newly_overdue) if since is not None else Case.objects.all()
    months = facts_refresh(cases=cases, now=now)
    new_rules = RuleSet.objects.all() if since is None else RuleSet.objects.filter(created_at__gte=since)
    earliest = new_rules.order_by("valid_from").values_list("valid_from", flat=True).first()
    if earliest is not None:
        months |= {m for m in all_fact_months() if m >= earliest}
    written = rollups_rebuild(months=months, now=now)
    _STATE["since"] = now
    return written
