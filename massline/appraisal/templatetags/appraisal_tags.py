"""Template helpers of appraisal: a figure shown the way the reports show it, a figure's drill-down link."""

from django import template
from django.urls import reverse

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
    return reverse(name) + f"?month={month:%Y-%m}&dimension={dimension}&key={key}&metric={metric}"


@register.filter
def definition_of(definitions, key):
    for item in definitions:
        if item["key"] == key:
            return item["definition"]
    return ""
