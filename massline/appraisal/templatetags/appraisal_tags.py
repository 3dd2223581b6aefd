"""Template helpers of appraisal: a figure shown the way the reports show it, a figure's drill-down link."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..exports import display

register = template.Library()


@register.simple_tag
def figure(figures, key):
    return display(figures[key], key)


@register.simple_tag
def pct(value):
    return "—" if value is None else f"{100 * value:.1f} %"


@register.simple_tag
def drill(link, dimension, key, month, metric):
    """The address of the demands behind a figure; `link` "public" for the masked public list."""
    name = "appraisal:demands" if link == "public" else "appraisal_staff:demands"
    # The volume (demands counted) is what the score is computed over: the same list.
    metric = "score" if metric in ("volume", "received") else metric
    return reverse(name) + f"?month={month:%Y-%m}&dimension={dimension}&key={key}&metric={metric}"


@register.filter
def definition_of(definitions, key):
    for item in definitions:
        if item["key"] == key:
            return item["definition"]
    return ""


@register.filter
def label_of(definitions, key):
    """A figure's translated label (the adjustments name the figure they correct)."""
    for item in definitions:
        if item["key"] == key:
            return item["label"]
    return _("Demands counted") if key == "volume" else key


@register.simple_tag
def adjusted(value, key):
    """A published or corrected ranking value as the ranking shows it: a rate in percent, else a number."""
    if value is None:
        return "—"
    if key in ("volume",):
        return str(int(value))
    if key == "score":
        return f"{value:.1f}"
    return f"{100 * value:.1f} %"


@register.simple_tag
def share(value):
    """A share of another app's figure (appraisal.further.Share): the percentage and its 95 % interval,
    "—" with nothing to count, or "fewer than N" below the source's minimum."""
    if value.denominator and not value.shown:
        return _("fewer than %(n)d") % {"n": value.minimum}
    if not value.shown:
        return "—"
    return format_html(
        '{} <span class="ci">[{} – {}]</span>', pct(value.value), pct(value.low), pct(value.high)
    )
