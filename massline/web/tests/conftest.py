"""Fixtures of the site-wide tests: the world of the access matrix and the privacy scan."""

from types import SimpleNamespace

import pytest

from massline.cases.models import Category
from massline.lib.access_policy import PERSONAS, policy_table
from massline.open311.tests.conftest import make_policies


@pytest.fixture
def world(request, org):
    """Every persona, default time limits, a category of unit A, and every app's access samples."""
    users = {p: request.getfixturevalue(p) for p in PERSONAS if p != "anonymous"}
    make_policies()
    category = Category.objects.create(
        code="lights", name="路灯", name_en="Street lights", default_unit=org.unit_a
    )
    world = SimpleNamespace(org=org, users=users, category=category)
    world.samples = {}
    # In INSTALLED_APPS order, bottom to top: an app's samples may use those of the apps below it.
    for module in dict.fromkeys(module for _rule, module in policy_table().values()):
        world.samples.update(module.samples(world))
    return world
