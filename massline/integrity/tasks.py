"""Background work of the integrity app, run by `massline worker`: thin wrappers around services."""

from .worker import integrity_round


def integrity_worker_round():
    """Retaliation watch, notice e-mails, purge of tip-offs past their retention."""
    return integrity_round()
