"""Background work of the disclosure app, run by `massline worker`: a thin wrapper around a service."""

from .services import disclosure_tick


def disclosure_round():
    """Warnings, overdue marking and lapsed clarifications."""
    return disclosure_tick()
