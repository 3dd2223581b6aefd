"""System checks: every app's nav.py is well formed and names URLs that exist (`massline check`)."""

from django.core.checks import Error, register
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
