"""`{% load org_maps %}{% map_assets %}` in a page's head and `{% map_config %}` once in its body: the
vendored Leaflet, `web/maps.js`, and the JSON block every map on the page reads (tiles, pickers' frame)."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, json_script

from massline.org import maps

register = template.Library()


@register.simple_tag
def map_assets():
    return format_html(
        '<link rel="stylesheet" href="{}"><link rel="stylesheet" href="{}">'
        '<script src="{}" defer></script><script src="{}" defer></script>',
        static("vendor/leaflet/leaflet.css"),
        static("web/maps.css"),
        static("vendor/leaflet/leaflet.js"),
        static("web/maps.js"),
    )


@register.simple_tag
def map_config():
    return json_script(maps.config(), "map-config")
