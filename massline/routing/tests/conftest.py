"""A small history for routing's tests: demands of three categories, each led by its own unit, spread over
weeks, so that a model can be trained in a second."""

from datetime import timedelta
from itertools import cycle

import pytest

from massline.cases.models import Case, Category
from massline.cases.tests import handling_fixtures
from massline.cases.tests.handling_fixtures import MONDAY, make_case

world = handling_fixtures.world  # the cases tests' fixture, shared here

PHRASES = {
    "lights": ["路灯不亮", "路灯坏了", "晚上路灯一直不亮", "小区路灯闪烁"],
    "noise": ["夜间施工噪音扰民", "广场舞噪音太大", "工地噪音吵得睡不着", "酒吧噪音"],
    "water": ["小区停水三天", "自来水发黄", "水压太低没有水", "水管爆裂漏水"],
}


@pytest.fixture
def history(world):
    """90 signed demands, 30 per category (lights → unit A, noise → unit B, water → township government 1)."""
    org = world.org
    categories = {
        "lights": world.category,
        "noise": Category.objects.create(code="noise", name="噪音", name_en="Noise"),
        "water": Category.objects.create(code="water", name="供水", name_en="Water"),
    }
    units = {"lights": org.unit_a, "noise": org.unit_b, "water": org.township_gov_1}
    cases = []
    for i, key in zip(range(90), cycle(PHRASES), strict=False):
        phrase = PHRASES[key][i % 4]
        case = make_case(
            world,
            title=phrase,
            category=categories[key],
            received_at=MONDAY - timedelta(days=40) + timedelta(hours=8 * i),
        )
        cases.append(case)
        Case.objects.filter(pk=case.pk).update(lead_unit=units[key], signed_at=case.received_at)
    world.categories = categories
    world.units = units
    world.cases = cases
    return world
