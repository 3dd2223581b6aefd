"""Template filters of the web shell."""

from django import template

from massline.web.lockout import ceil_minutes

register = template.Library()


@register.filter
def minutes(value):
    """A timedelta in whole minutes, rounded up ("" for anything else)."""
    result = ceil_minutes(value)
    return "" if result is None else result
