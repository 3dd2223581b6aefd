"""The seam through which cases asks for routing help (分拨建议) without importing the routing app.

The routing app registers a provider in its AppConfig.ready(); with none registered, or with the provider
switched off, cases falls back to its own rules (the category tree's default unit or the place's
township government; repeated demands grouped by category and place), so the workflow runs without it.
"""

_provider = None


def register(provider):
    """Install `provider` (an object with `enabled()`, `suggest_unit()`, `repeated_demands()`,
    `suggestions()`, `duplicates()`); the last registration wins."""
    global _provider
    _provider = provider


def provider():
    """The registered provider when it is switched on, else None."""
    if _provider is not None and _provider.enabled():
        return _provider
    return None


def suggest_unit(*, category, region, case=None):
    """The unit a new demand should probably go to: routing's when it has a confident answer, else the
    category tree's rule (intake.suggest_unit)."""
    from .services.intake import suggest_unit as rule_suggest_unit

    p = provider()
    if p is not None and case is not None:
        unit = p.suggest_unit(case=case)
        if unit is not None:
            return unit
    return rule_suggest_unit(category=category, region=region)


def repeated_demands(*, user, now=None):
    """Groups of demands about the same problem from the same place, largest first."""
    from . import selectors

    p = provider()
    if p is not None:
        return p.repeated_demands(user=user, now=now)
    return selectors.repeated_demands(user=user, now=now)


def suggestions(*, case, user):
    """Routing's suggestions for the staff panel of `case` (a dict for the template), or None."""
    p = provider()
    return p.suggestions(case=case, user=user) if p is not None else None


def duplicates(*, case, user):
    """Earlier demands that may be the same problem, ranked (a list of dicts), or an empty list."""
    p = provider()
    return p.duplicates(case=case, user=user) if p is not None else []


def public_duplicates(*, title, description, lat, lon, category):
    """For the public form: earlier open demands that may already report this, as public-safe dicts."""
    p = provider()
    if p is None:
        return []
    return p.public_duplicates(title=title, description=description, lat=lat, lon=lon, category=category)


def intake_suggestions(*, title, description, channel=""):
    """Routing's top categories for a demand still being typed on the intake desk, or an empty list."""
    p = provider()
    return (
        p.intake_suggestions(title=title, description=description, channel=channel) if p is not None else []
    )


def intake_duplicates(*, user, title, description, lat, lon, category_id=None):
    """Earlier demands the one being typed may repeat (as `duplicates`), or an empty list."""
    p = provider()
    if p is None:
        return []
    return p.intake_duplicates(
        user=user, title=title, description=description, lat=lat, lon=lon, category_id=category_id
    )


def demand_received(*, case_id):
    """A new demand was stored (a `seams.demand_received` listener, registered in CasesConfig.ready):
    routing may queue its auto-dispatch check. Nothing happens without a provider."""
    p = provider()
    if p is not None and hasattr(p, "demand_received"):
        p.demand_received(case_id=case_id)
