"""Routing: its admin page for the centre (dispatchers read it, administrators set thresholds)."""

from massline.lib.access_policy import Rule

READERS = frozenset({"dispatcher", "admin_user"})
SETTERS = frozenset({"admin_user"})

RULES = {
    "routing:admin": Rule(READERS),
    # An empty form is refused for its input (400), which still lets the administrator in.
    "routing:threshold_set": Rule(SETTERS, method="POST", kwargs="routing_category"),
    "routing:threshold_clear": Rule(SETTERS, method="POST", kwargs="routing_category"),
}


def samples(world):
    return {"routing_category": {"pk": world.category.pk}}
