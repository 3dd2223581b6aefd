"""Background work of appraisal, run by `massline worker`: keeps the demand facts and rollups current."""

from django.db.models import Q
from django.utils import timezone

from massline.cases.models import Case

from .models import DemandFact
from .services import appraisal_refresh

_STATE = {"since": None}


def appraisal_round(now=None):
    """Refresh the facts of demands changed since the last round, and of open ones whose time limit has
    passed since (they become "open and overdue" without being edited); then the months they touch."""
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
    written = appraisal_refresh(cases=cases, now=now)
    _STATE["since"] = now
    return written
