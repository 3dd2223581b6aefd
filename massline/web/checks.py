"""System checks: every app's nav.py is well formed and names URLs that exist (`massline check`)."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse

from massline.web import navigation


@register()
def nav_declarations(app_configs, **kwargs):
    try:
        declared = navigation.read_app_nav()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="See docs/web.md, 'Adding a page to the navigation'.", id="web.E001")]
    errors = []
    for link in declared.public_links + declared.staff_links:
        try:
            reverse(link["url"])
        except NoReverseMatch:
            errors.append(
                Error(
                    f"The navigation link {str(link['label'])!r} names the URL {link['url']!r}, "
                    "which does not exist.",
                    hint="Mount the app's URLs in massline/urls.py, or fix the URL name in its nav.py.",
                    id="web.E002",
                )
            )
    return errors


@register()
def map_tiles_allowed_by_csp(app_configs, **kwargs):
    """A hand-written MASSLINE_CSP that forgets the tile server leaves every map on the plain fallback."""
    origin = settings.MASSLINE_MAP_TILE_ORIGIN
    if not origin or not settings.MASSLINE_CSP:
        return []
    img = next(
        (d.split()[1:] for d in settings.MASSLINE_CSP.split(";") if d.split()[:1] == ["img-src"]), None
    )
    if img is None or origin in img:
        return []
    return [
        Warning(
            f"MASSLINE_CSP's img-src does not allow the map tile server {origin} (MASSLINE_MAP_TILE_URL): "
            "maps will show boundaries and points without a background map.",
            hint=f"Add {origin} to img-src in MASSLINE_CSP, or unset MASSLINE_CSP to use the default.",
            id="web.W001",
        )
    ]
