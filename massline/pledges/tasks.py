"""Background work of the pledges app, run by `massline worker`: thin wrappers around services."""

from .services import worker_round


def pledges_round():
    """Open and close phases by the calendar; warn and escalate milestones."""
    return worker_round()
