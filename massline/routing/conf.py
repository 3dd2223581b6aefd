"""The numbers routing turns on, each a named setting with a default (override in settings, e.g.
MASSLINE_ROUTING_DUPLICATE_DAYS = 14); read when used, so tests may change them with `override_settings`."""

from django.conf import settings

DEFAULTS = {
    # Routing suggestions and the duplicate finder are used when on; off leaves cases' own rules.
    "MASSLINE_ROUTING_ENABLED": True,
    # The duplicate finder looks back this many days and this far around the demand's place.
    "MASSLINE_ROUTING_DUPLICATE_DAYS": 30,
    "MASSLINE_ROUTING_DUPLICATE_RADIUS_METRES": 250.0,
    # How many candidates the finder shows, and the least score one must reach to be shown.
    "MASSLINE_ROUTING_DUPLICATE_LIMIT": 10,
    "MASSLINE_ROUTING_DUPLICATE_MIN_SCORE": 0.35,
    # The weights of the finder's score; the scales say at what distance / age a match counts 1/e.
    # Chosen on the Boston duplicates backtest (docs/routing.md): distance matters most, then text.
    "MASSLINE_ROUTING_DUPLICATE_WEIGHTS": {
        "text": 0.2,
        "distance": 0.4,
        "age": 0.2,
        "category": 0.2,
        "distance_scale_metres": 40.0,
        "age_scale_days": 3.0,
    },
    # Training: the newest share held back to compare a new model with the live one, the least history
    # (demands with a category) below which routing stays with people, and how much history is used.
    "MASSLINE_ROUTING_HOLDOUT_FRACTION": 0.2,
    "MASSLINE_ROUTING_MIN_TRAINING_DEMANDS": 50,
    "MASSLINE_ROUTING_MAX_TRAINING_DEMANDS": 200_000,
    # Auto-dispatch thresholds need at least this many held-back predictions of the category above them.
    "MASSLINE_ROUTING_THRESHOLD_MIN_SUPPORT": 30,
    # A new model replaces the live one unless its held-back macro-F1 is lower by more than this.
    "MASSLINE_ROUTING_PROMOTE_TOLERANCE": 0.0,
    # How often (seconds) the worker looks whether training is due, and how many hours between trainings.
    "MASSLINE_ROUTING_WORKER_INTERVAL": 600.0,
    "MASSLINE_ROUTING_TRAIN_EVERY_HOURS": 24,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def enabled():
    return bool(get("MASSLINE_ROUTING_ENABLED"))


def duplicate_days():
    return float(get("MASSLINE_ROUTING_DUPLICATE_DAYS"))


def duplicate_radius_metres():
    return float(get("MASSLINE_ROUTING_DUPLICATE_RADIUS_METRES"))


def duplicate_limit():
    return int(get("MASSLINE_ROUTING_DUPLICATE_LIMIT"))


def duplicate_min_score():
    return float(get("MASSLINE_ROUTING_DUPLICATE_MIN_SCORE"))


def duplicate_weights():
    return {**DEFAULTS["MASSLINE_ROUTING_DUPLICATE_WEIGHTS"], **get("MASSLINE_ROUTING_DUPLICATE_WEIGHTS")}


def holdout_fraction():
    return float(get("MASSLINE_ROUTING_HOLDOUT_FRACTION"))


def min_training_demands():
    return int(get("MASSLINE_ROUTING_MIN_TRAINING_DEMANDS"))


def max_training_demands():
    return int(get("MASSLINE_ROUTING_MAX_TRAINING_DEMANDS"))


def promote_tolerance():
    return float(get("MASSLINE_ROUTING_PROMOTE_TOLERANCE"))


def worker_interval():
    return float(get("MASSLINE_ROUTING_WORKER_INTERVAL"))


def train_every_hours():
    return float(get("MASSLINE_ROUTING_TRAIN_EVERY_HOURS"))


def threshold_min_support():
    return int(get("MASSLINE_ROUTING_THRESHOLD_MIN_SUPPORT"))
