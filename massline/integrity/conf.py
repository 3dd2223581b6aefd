"""The numbers and secrets the integrity rules turn on, each a named setting with a default.

Override any of them in settings (e.g. MASSLINE_INTEGRITY_RETENTION_DAYS = 180); values are read when
used, so tests may change them with `override_settings`.
"""

from django.conf import settings
from nacl import pwhash

DEFAULTS = {
    # Argon2id cost of deriving a wrapping key from a password, a recovery key or a receipt code.
    "MASSLINE_INTEGRITY_ARGON2_OPSLIMIT": pwhash.argon2id.OPSLIMIT_INTERACTIVE,
    "MASSLINE_INTEGRITY_ARGON2_MEMLIMIT": pwhash.argon2id.MEMLIMIT_INTERACTIVE,
    # How long an unlocked private key stays in the inspector's session.
    "MASSLINE_INTEGRITY_UNLOCK_MINUTES": 30,
    # How long the reporter's page stays usable after the receipt code was entered.
    "MASSLINE_INTEGRITY_REPORTER_MINUTES": 30,
    # Working days for the first answer to the reporter (初核答复).
    "MASSLINE_INTEGRITY_FIRST_ANSWER_WORKING_DAYS": 15,
    # Days a concluded tip-off is kept before it is purged (GlobaLeaks keeps reports 90 days).
    "MASSLINE_INTEGRITY_RETENTION_DAYS": 90,
    # Days an approved identity reveal stays readable by the inspector who asked.
    "MASSLINE_INTEGRITY_REVEAL_DAYS": 7,
    # Leading zero bits of the proof-of-work puzzle on the public forms (16: about 65,000 hashes).
    "MASSLINE_INTEGRITY_POW_BITS": 16,
    "MASSLINE_INTEGRITY_POW_MAX_AGE_SECONDS": 3600,
    # Submissions and receipt attempts per client address per hour (counted in the shared cache).
    "MASSLINE_INTEGRITY_SUBMIT_RATE": 5,
    "MASSLINE_INTEGRITY_RECEIPT_RATE": 20,
    "MASSLINE_INTEGRITY_TEXT_MAX_LENGTH": 10000,
    "MASSLINE_INTEGRITY_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    "MASSLINE_INTEGRITY_ATTACHMENT_MAX_COUNT": 5,
    # Seconds between the worker's integrity rounds (retaliation watch, notices, purge).
    "MASSLINE_INTEGRITY_WORKER_INTERVAL": 60.0,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def secret():
    """The integrity secret declared in settings.py (MASSLINE_INTEGRITY_SECRET / _FILE); empty: none."""
    return getattr(settings, "MASSLINE_INTEGRITY_SECRET", "")


def argon2_limits():
    return int(get("MASSLINE_INTEGRITY_ARGON2_OPSLIMIT")), int(get("MASSLINE_INTEGRITY_ARGON2_MEMLIMIT"))


def unlock_minutes():
    return int(get("MASSLINE_INTEGRITY_UNLOCK_MINUTES"))


def reporter_minutes():
    return int(get("MASSLINE_INTEGRITY_REPORTER_MINUTES"))


def first_answer_working_days():
    return int(get("MASSLINE_INTEGRITY_FIRST_ANSWER_WORKING_DAYS"))


def retention_days():
    return int(get("MASSLINE_INTEGRITY_RETENTION_DAYS"))


def reveal_days():
    return int(get("MASSLINE_INTEGRITY_REVEAL_DAYS"))


def pow_bits():
    return int(get("MASSLINE_INTEGRITY_POW_BITS"))


def pow_max_age():
    return int(get("MASSLINE_INTEGRITY_POW_MAX_AGE_SECONDS"))


def submit_rate():
    return int(get("MASSLINE_INTEGRITY_SUBMIT_RATE"))


def receipt_rate():
    return int(get("MASSLINE_INTEGRITY_RECEIPT_RATE"))


def text_max_length():
    return int(get("MASSLINE_INTEGRITY_TEXT_MAX_LENGTH"))


def attachment_max_bytes():
    return int(get("MASSLINE_INTEGRITY_ATTACHMENT_MAX_BYTES"))


def attachment_max_count():
    return int(get("MASSLINE_INTEGRITY_ATTACHMENT_MAX_COUNT"))


def worker_interval():
    return float(get("MASSLINE_INTEGRITY_WORKER_INTERVAL"))
