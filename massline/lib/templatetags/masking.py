"""`{% load masking %}{{ text|masked:name }}`: `mask_public` for templates that show citizens' free text to
the public (the name, or a list of names, is the writer's own, masked in every form too)."""

from django import template

from massline.lib.masking import mask_public

register = template.Library()


@register.filter
def masked(text, names=""):
    if isinstance(names, str):
        names = [names] if names else []
    return mask_public(str(text or ""), names=[n for n in names if n])
