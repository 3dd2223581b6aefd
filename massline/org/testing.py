"""Builders for tests of every app: a small organisation and the personas who use it.

`massline/conftest.py` turns these into pytest fixtures (`org`, `citizen`, `officer_a`, …, `client_for`);
tests import PERSONAS from here to parametrise "every persona × every page" matrices.

The organisation:

    county c0 ─┬─ township t1 ── village v1 ── grid g1     served by: unit A, township government 1
               └─ township t2 ── village v2 ── grid g2     served by: unit B
    the centre (12345) serves the whole county.

Personas: a citizen (account + citizen record, no role), officer_a / officer_b (handlers in unit A / B),
unit_head_a, dispatcher (centre), supervisor (over township 1 only: sees unit A, not unit B),
inspector (discipline inspector over the county), admin_user (administrator), outsider (an active
account with no role).
"""

from types import SimpleNamespace

from . import services
from .choices import RegionLevel, Role, UnitKind

PERSONA_PASSWORD = "Persona-Lantern-2048"  # noqa: S105 (test accounts only)

# Everyone who may knock on a page, "anonymous" being nobody signed in.
PERSONAS = (
    "anonymous",
    "citizen",
    "outsider",
    "officer_a",
    "officer_b",
    "unit_head_a",
    "dispatcher",
    "supervisor",
    "inspector",
    "admin_user",
)
# The personas with a role (who may open staff pages at all).
OFFICIALS = ("officer_a", "officer_b", "unit_head_a", "dispatcher", "supervisor", "inspector", "admin_user")

# (persona, user name, display name, role, unit attribute of `org`, region attribute of `org`)
_GRANTS = {
    "officer_a": ("officer_a", "王芳", Role.HANDLER, "unit_a", None),
    "officer_b": ("officer_b", "赵军", Role.HANDLER, "unit_b", None),
    "unit_head_a": ("unit_head_a", "陈主任", Role.UNIT_HEAD, "unit_a", None),
    "dispatcher": ("dispatcher", "李派单", Role.DISPATCHER, "centre", None),
    "supervisor": ("supervisor", "吴督办", Role.SUPERVISOR, None, "township_1"),
    "inspector": ("inspector", "冯纪检", Role.DISCIPLINE_INSPECTOR, None, "county"),
    "admin_user": ("admin", "管理员", Role.ADMINISTRATOR, None, None),
}


def build_org():
    """The small organisation above, created through the services."""

    def region(code, name, name_en, level, parent=None):
        return services.region_create(
            code=code, name=name, name_en=name_en, level=level, parent=parent, by=None
        )

    county = region("c0", "测试县", "Test County", RegionLevel.COUNTY)
    township_1 = region("c0-t1", "一号镇", "Township One", RegionLevel.TOWNSHIP, county)
    township_2 = region("c0-t2", "二号镇", "Township Two", RegionLevel.TOWNSHIP, county)
    village_1 = region("c0-t1-v1", "一号村", "Village One", RegionLevel.VILLAGE, township_1)
    village_2 = region("c0-t2-v1", "二号村", "Village Two", RegionLevel.VILLAGE, township_2)
    grid_1 = region("c0-t1-v1-g1", "一号网格", "Grid One", RegionLevel.GRID, village_1)
    grid_2 = region("c0-t2-v1-g1", "二号网格", "Grid Two", RegionLevel.GRID, village_2)

    def unit(code, name, name_en, kind, regions):
        return services.unit_create(
            code=code, name=name, name_en=name_en, kind=kind, regions=regions, by=None
        )

    return SimpleNamespace(
        county=county,
        township_1=township_1,
        township_2=township_2,
        village_1=village_1,
        village_2=village_2,
        grid_1=grid_1,
        grid_2=grid_2,
        centre=unit("centre", "12345热线中心", "12345 Hotline Centre", UnitKind.CENTRE, [county]),
        unit_a=unit("unit-a", "甲局", "Bureau A", UnitKind.DEPARTMENT, [township_1]),
        unit_b=unit("unit-b", "乙局", "Bureau B", UnitKind.DEPARTMENT, [township_2]),
        township_gov_1=unit(
            "gov-t1", "一号镇人民政府", "Township One Government", UnitKind.TOWNSHIP_GOVERNMENT, [township_1]
        ),
    )


def make_official(username, role=None, *, unit=None, region=None, display_name=""):
    """An account with one role (or none), with PERSONA_PASSWORD."""
    grants = [services.Grant(role=role, unit=unit, region=region)] if role else []
    return services.official_create(
        username=username, password=PERSONA_PASSWORD, grants=grants, display_name=display_name, by=None
    )


def make_persona(name, org):
    """The user of persona `name` (see PERSONAS; not "anonymous") in `org`."""
    if name == "citizen":
        user = services.user_create(username="citizen", password=PERSONA_PASSWORD, by=None)
        services.citizen_create(
            name="李明",
            phone="13800000000",
            email="liming@example.org",
            address="一号村5组",
            user=user,
            by=None,
        )
        return user
    if name == "outsider":
        return make_official("outsider", display_name="Outsider")
    username, display_name, role, unit_attr, region_attr = _GRANTS[name]
    return make_official(
        username,
        role,
        unit=getattr(org, unit_attr) if unit_attr else None,
        region=getattr(org, region_attr) if region_attr else None,
        display_name=display_name,
    )
