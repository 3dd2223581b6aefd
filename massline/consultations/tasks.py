"""Background work of the consultations app, run by `massline worker`: thin wrappers around services."""

from .services import worker_round


def consultations_round():
    """Close due consultations, recompute opinion groups with new votes, escalate overdue answers."""
    return worker_round()
