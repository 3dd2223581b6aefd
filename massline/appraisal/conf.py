"""The numbers appraisal turns on when no rule set is entered yet, each a named setting with a default.

The rules of a period live in the database (`RuleSet`, versioned by the month they apply from); these
defaults apply to a month before the first rule set. Values are read when used (`override_settings`).
"""

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    # Weights of the composite score: response, resolution and satisfaction rates (三率), summing to 100.
    "MASSLINE_APPRAISAL_WEIGHTS": (30, 35, 35),
    # What a "basically satisfied" rating counts for in the satisfaction rate (one practice: 0.9).
    "MASSLINE_APPRAISAL_BASIC_FACTOR": "0.9",
    # Which ratings count as valid return visits: "all" (tracking page and phone) or "phone" (centre only).
    "MASSLINE_APPRAISAL_VISITS": "all",
    # Lower bounds of the volume groups, largest first; units below the last are scored, not published.
    "MASSLINE_APPRAISAL_GROUPS": (300, 80, 20),
    # How many units of each group the supervisors' bottom list shows (督办).
    "MASSLINE_APPRAISAL_BOTTOM_N": 3,
    # The exclusion categories whose approved reviews take a demand out of the figures (all of them).
    "MASSLINE_APPRAISAL_EXCLUSIONS": ("litigation", "petition_concluded", "outside_policy", "unreasonable"),
    # Seconds between the worker's refreshes of the demand facts and monthly rollups.
    "MASSLINE_APPRAISAL_WORKER_INTERVAL": 60.0,
    # Conduct ratings accepted per client address per hour (the tracking page's form).
    "MASSLINE_APPRAISAL_CONDUCT_RATE": 20,
    # Demands refreshed per batch (one transaction each).
    "MASSLINE_APPRAISAL_BATCH": 2000,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def default_weights():
    return tuple(int(w) for w in get("MASSLINE_APPRAISAL_WEIGHTS"))


def default_basic_factor():
    return Decimal(str(get("MASSLINE_APPRAISAL_BASIC_FACTOR")))


def default_visits():
    return str(get("MASSLINE_APPRAISAL_VISITS"))


def default_groups():
    return tuple(int(b) for b in get("MASSLINE_APPRAISAL_GROUPS"))


def default_bottom_n():
    return int(get("MASSLINE_APPRAISAL_BOTTOM_N"))


def default_exclusions():
    return tuple(str(c) for c in get("MASSLINE_APPRAISAL_EXCLUSIONS"))


def worker_interval():
    return float(get("MASSLINE_APPRAISAL_WORKER_INTERVAL"))


def batch_size():
    return int(get("MASSLINE_APPRAISAL_BATCH"))


def conduct_rate():
    return int(get("MASSLINE_APPRAISAL_CONDUCT_RATE"))
