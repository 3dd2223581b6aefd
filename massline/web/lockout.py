"""How long a locked-out login waits, in whole minutes, for the login form and the lockout page."""

import math
from datetime import timedelta

from axes.helpers import get_cool_off, get_failure_limit


def ceil_minutes(value):
    """Whole minutes in a timedelta, rounded up, so "try again in N minutes" is never too early."""
    if not isinstance(value, timedelta):
        return None
    return max(1, math.ceil(value.total_seconds() / 60))


def lockout_policy(request):
    """(failure limit, cool-off minutes or None when a lockout lasts until an administrator lifts it)."""
    return get_failure_limit(request, None), ceil_minutes(get_cool_off(request))
