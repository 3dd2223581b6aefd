"""Navigation of the public site and the staff workbench, gathered from each app's optional `nav.py`.

An app that has pages to show declares them in `massline/<app>/nav.py` (see docs/web.md):

    PUBLIC_LINKS = [{"label": _("Submit a demand"), "url": "cases:submit", "order": 10}]
    STAFF_LINKS = [{"label": _("Work queue"), "url": "cases:queue", "roles": {Role.HANDLER}}]
    # "exclusive": True hides a link from administrators too, for pages only those roles may open.
    STAFF_HOME_PANELS = [my_queue_panel]  # callables: request -> HTML (or None to show nothing)

The web shell reads those modules (web sits on top of the other apps, so they never import it) and
adds its own links: the home pages, the unit list when the org app serves it, the Django admin.
"""

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from massline.org.selectors import user_scope

NAV_MODULE = "nav"
LINK_KEYS = {"label", "url", "order", "roles", "description", "exclusive"}
DEFAULT_ORDER = 100


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    description: str = ""
    current: bool = False


@dataclass(frozen=True)
class AppNav:
    public_links: tuple = ()
    staff_links: tuple = ()
    staff_home_panels: tuple = ()


def _check_link(app_label, kind, link):
    if not isinstance(link, dict) or not {"label", "url"} <= link.keys():
        raise ImproperlyConfigured(
            f"{app_label}.nav.{kind}: each link is a dict with at least label and url."
        )
    if unknown := link.keys() - LINK_KEYS:
        raise ImproperlyConfigured(f"{app_label}.nav.{kind}: unknown keys {sorted(unknown)}.")
    if kind == "PUBLIC_LINKS" and "roles" in link:
        raise ImproperlyConfigured(
            f"{app_label}.nav.PUBLIC_LINKS: public links are for everyone, drop roles."
        )
    return link


def collect(modules):
    """Merge (app_label, module) pairs into one AppNav, checking each declaration."""
    public, staff, panels = [], [], []
    for app_label, module in modules:
        public += [_check_link(app_label, "PUBLIC_LINKS", x) for x in getattr(module, "PUBLIC_LINKS", ())]
        staff += [_check_link(app_label, "STAFF_LINKS", x) for x in getattr(module, "STAFF_LINKS", ())]
        for panel in getattr(module, "STAFF_HOME_PANELS", ()):
            if not callable(panel):
                raise ImproperlyConfigured(f"{app_label}.nav.STAFF_HOME_PANELS: {panel!r} is not callable.")
            panels.append(panel)
    return AppNav(public_links=tuple(public), staff_links=tuple(staff), staff_home_panels=tuple(panels))


def read_app_nav():
    """The AppNav of every installed app that has a nav module."""
    modules = [
        (config.label, import_module(f"{config.name}.{NAV_MODULE}"))
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, NAV_MODULE)
    ]
    return collect(modules)


@cache
def app_nav():
    """read_app_nav(), once per process."""
    return read_app_nav()


def _reverse_if_served(name):
    """The URL of `name`, or None while the app that serves it is not mounted."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _links(request, entries):
    """Link objects for (order, label, url, description, exact) entries, sorted, one per URL."""
    seen, links = set(), []
    for _order, label, url, description, exact in sorted(entries, key=lambda e: e[0]):
        if url in seen:
            continue
        seen.add(url)
        current = request.path == url if exact else request.path.startswith(url)
        links.append(Link(label=label, url=url, description=description, current=current))
    return links


def public_links(request):
    entries = [(0, _("Home"), reverse("web:home"), "", True)]
    entries += [
        (x.get("order", DEFAULT_ORDER), x["label"], reverse(x["url"]), x.get("description", ""), False)
        for x in app_nav().public_links
    ]
    return _links(request, entries)


def staff_links(request):
    """The workbench navigation for the signed-in official, filtered by their roles."""
    scope = user_scope(request.user)
    entries = [(0, _("Workbench"), reverse("web:staff_home"), "", True)]
    if unit_list := _reverse_if_served("org:unit_list"):
        entries.append(
            (50, _("Units"), unit_list, _("The handling units you can see and their staff."), False)
        )
    for x in app_nav().staff_links:
        roles = set(x.get("roles", ()))
        # An administrator sees every link, except those whose pages are for the roles alone
        # ("exclusive": the tip-offs, which administrators must never read).
        sees_all = scope.everything and not x.get("exclusive")
        if roles and not (sees_all or scope.roles & roles):
            continue
        entries.append(
            (x.get("order", DEFAULT_ORDER), x["label"], reverse(x["url"]), x.get("description", ""), False)
        )
    if request.user.is_staff:
        entries.append(
            (
                1000,
                pgettext_lazy("staff navigation", "Administration"),
                reverse("admin:index"),
                _("Regions, units, users and settings."),
                False,
            )
        )
    return _links(request, entries)


def staff_home_panels(request):
    """The HTML of each app's panel on the staff home page, skipping panels that have nothing to show."""
    return [html for panel in app_nav().staff_home_panels if (html := panel(request))]
