"""Staff pages: the handling units an official may see, and one unit's members and regions."""

from django.shortcuts import render

from . import selectors
from .access import official_required


@official_required
def unit_list(request):
    units = selectors.unit_list_for_user(user=request.user)
    return render(request, "org/unit_list.html", {"units": units})


@official_required
def unit_detail(request, code):
    unit = selectors.unit_get_for_user(user=request.user, code=code)
    context = {
        "unit": unit,
        "members": selectors.unit_members(unit=unit),
        "regions": selectors.unit_regions(unit=unit),
        "children": selectors.unit_children_for_user(user=request.user, unit=unit),
        "parent_visible": unit.parent_id is not None
        and selectors.units_visible_to(request.user).filter(pk=unit.parent_id).exists(),
    }
    return render(request, "org/unit_detail.html", context)
