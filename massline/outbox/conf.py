"""The outbox's numbers, each a named setting declared once here with its default.

A value comes from Django's settings when set there (tests use `override_settings`), else from the
environment variable of the same name, else the default below. `massline check` (and so every start)
refuses a value that is not a positive number (outbox/checks.py).
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS = {
    # Attempts per message before it goes to the dead-letter list (the first send counts as one).
    "MASSLINE_OUTBOX_MAX_ATTEMPTS": 8,
    # Retry delays double from the base up to the max (seconds); each is jittered between half and all of it.
    "MASSLINE_OUTBOX_BACKOFF_BASE": 30.0,
    "MASSLINE_OUTBOX_BACKOFF_MAX": 3600.0,
    # A message "sending" for longer than this (seconds) belongs to a worker that died: the sweeper
    # queues it again. A pending message whose attempt is this much overdue lost its task: queued again.
    "MASSLINE_OUTBOX_STALE_SECONDS": 300.0,
    # How often (seconds) `massline worker` runs the sweeper.
    "MASSLINE_OUTBOX_SWEEP_INTERVAL": 60.0,
    # Days after which a sent or dead message's recipient, subject and text are erased (the row stays,
    # with the masked recipient, so its key still refuses a duplicate).
    "MASSLINE_OUTBOX_KEEP_DAYS": 30,
}

_TYPES = {name: type(value) for name, value in DEFAULTS.items()}


def get(name):
    if hasattr(settings, name):
        raw = getattr(settings, name)
    elif name in os.environ:
        raw = os.environ[name]
    else:
        return DEFAULTS[name]
    try:
        value = _TYPES[name](raw)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from exc
    if value <= 0:
        raise ImproperlyConfigured(f"{name}={raw!r}: give a number above zero.")
    return value


def max_attempts():
    return get("MASSLINE_OUTBOX_MAX_ATTEMPTS")


def backoff_base():
    return get("MASSLINE_OUTBOX_BACKOFF_BASE")


def backoff_max():
    return get("MASSLINE_OUTBOX_BACKOFF_MAX")


def stale_seconds():
    return get("MASSLINE_OUTBOX_STALE_SECONDS")


def sweep_interval():
    return get("MASSLINE_OUTBOX_SWEEP_INTERVAL")


def keep_days():
    return get("MASSLINE_OUTBOX_KEEP_DAYS")
