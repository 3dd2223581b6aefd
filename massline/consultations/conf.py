"""The numbers the consultation rules turn on, each a named setting with a default.

Override any of them in settings (e.g. MASSLINE_CONSULTATION_MIN_OPEN_DAYS = 45); the value is read
when used, so tests may change it with `override_settings`.
"""

from django.conf import settings

DEFAULTS = {
    # A consultation stays open at least this many days (征求意见期); closing earlier needs a reason.
    "MASSLINE_CONSULTATION_MIN_OPEN_DAYS": 30,
    # The unit answers every opinion within this many working days after closing.
    "MASSLINE_CONSULTATION_ANSWER_WORKING_DAYS": 15,
    # An opinion flagged by this many different participants is hidden until a moderator reviews it.
    "MASSLINE_CONSULTATION_FLAGS_TO_HIDE": 3,
    "MASSLINE_CONSULTATION_OPINION_MAX_LENGTH": 5000,
    "MASSLINE_CONSULTATION_STATEMENT_MAX_LENGTH": 280,
    # Public writes per client address per hour: opinions, flags, statements, polls, follows / votes.
    "MASSLINE_CONSULTATION_WRITE_RATE": 30,
    "MASSLINE_CONSULTATION_VOTE_RATE": 600,
    "MASSLINE_CONSULTATION_ATTACHMENT_MAX_MB": 20,
    # How often (seconds) the worker recomputes opinion groups and checks answering deadlines.
    "MASSLINE_CONSULTATION_WORKER_INTERVAL": 60.0,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def min_open_days():
    return int(get("MASSLINE_CONSULTATION_MIN_OPEN_DAYS"))


def answer_working_days():
    return int(get("MASSLINE_CONSULTATION_ANSWER_WORKING_DAYS"))


def flags_to_hide():
    return int(get("MASSLINE_CONSULTATION_FLAGS_TO_HIDE"))


def opinion_max_length():
    return int(get("MASSLINE_CONSULTATION_OPINION_MAX_LENGTH"))


def statement_max_length():
    return int(get("MASSLINE_CONSULTATION_STATEMENT_MAX_LENGTH"))


def worker_interval():
    return float(get("MASSLINE_CONSULTATION_WORKER_INTERVAL"))


def write_rate():
    return int(get("MASSLINE_CONSULTATION_WRITE_RATE"))


def vote_rate():
    return int(get("MASSLINE_CONSULTATION_VOTE_RATE"))


def attachment_max_mb():
    return int(get("MASSLINE_CONSULTATION_ATTACHMENT_MAX_MB"))
