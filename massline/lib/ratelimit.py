"""Rate limits: requests counted in fixed windows in the shared cache (CACHES["default"], see CACHE_URL).

Every limit of the platform (Open311 keys, API tokens, public forms and votes) counts here, so that one
shared cache makes every limit hold for the whole installation.
"""

import logging
import time

from django.core.cache import cache

log = logging.getLogger("massline.ratelimit")


def count_hit(name, *, window):
    """Count one hit of `name` in the current window of `window` seconds; return the hits so far.

    When the cache cannot be reached (a Redis outage), the hit is logged and not counted (0): a broken
    counter must not turn every request away.
    """
    key = f"rate:{name}:{int(time.time() // window)}"
    try:
        cache.add(key, 0, timeout=window * 2)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window * 2)
            return 1
    except Exception:  # noqa: BLE001 (any backend's connection error)
        log.warning("rate-limit cache unavailable: %s not counted", name, exc_info=True)
        return 0


def seconds_left(window):
    """Seconds until the current window of `window` seconds ends (for Retry-After)."""
    return window - int(time.time()) % window
