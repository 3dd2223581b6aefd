"""Fixtures of the pledges tests: a programme of the county run by unit A, verified residents, and a
helper that walks a programme to a given phase through the services."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from massline.org import services as org_services
from massline.org.testing import make_persona
from massline.pledges import services
from massline.pledges.choices import CYCLE, Decider, Feasibility, NominatorKind, Phase, Theme

YEAR = 2026  # the holiday package knows it, so working days count without a notice


def at(month, day, hour=10):
    return timezone.make_aware(datetime(YEAR, month, day, hour))


def windows(year=YEAR):
    return {
        Phase.NOMINATION: (date(year, 1, 5), date(year, 1, 31)),
        Phase.SCREENING: (date(year, 2, 1), date(year, 2, 28)),
        Phase.VOTE: (date(year, 3, 1), date(year, 3, 20)),
        Phase.DELIVERY: (date(year, 3, 21), date(year, 12, 15)),
        Phase.RATING: (date(year, 12, 16), date(year, 12, 31)),
    }


@pytest.fixture(autouse=True)
def _holiday_years_known(db):
    """Milestones count working days: enter a test notice for the years the holiday package lacks."""
    from massline.deadlines.calendar import cache_clear, year_known
    from massline.deadlines.choices import DataSource, DayKind
    from massline.deadlines.services import holiday_year_load

    this_year = timezone.localdate().year
    for year in sorted({YEAR, this_year, this_year + 1}):
        if not year_known(year):
            holiday_year_load(
                calendar=None,
                year=year,
                days=[(date(year, 1, 1), DayKind.HOLIDAY, "元旦")],
                source=DataSource.ADMIN,
                by=None,
                note="test notice",
            )
    cache_clear()


@pytest.fixture
def make_programme(org, officer_a):
    def make(**kwargs):
        options = {
            "by": officer_a,
            "region": org.county,
            "unit": org.unit_a,
            "year": YEAR,
            "title": "2026年县政府民生实事",
            "budget": Decimal("1000000"),
            "windows": windows(),
            "decider": Decider.PUBLIC,
            "max_choices": 3,
        }
        options.update(kwargs)
        return services.programme_create(**options)

    return make


@pytest.fixture
def programme(make_programme):
    return make_programme()


@pytest.fixture
def resident(org, citizen, officer_a):
    """The citizen persona, with the residence verified in village 1."""
    org_services.citizen_verify_residence(citizen=citizen.citizen, residence=org.village_1, by=officer_a)
    citizen.refresh_from_db()
    return citizen


@pytest.fixture
def make_resident(org, officer_a):
    counter = iter(range(1, 10_000))

    def make():
        n = next(counter)
        user = org_services.user_create(username=f"resident{n}", password="Persona-Lantern-2048", by=None)
        citizen = org_services.citizen_create(name=f"居民{n}", phone=f"1390000{n:04d}", user=user, by=None)
        org_services.citizen_verify_residence(citizen=citizen, residence=org.village_1, by=officer_a)
        user.refresh_from_db()
        return user

    return make


def advance_to(programme, phase, by):
    while programme.phase != phase:
        services.phase_advance(programme=programme, by=by)
    return programme


NOMINATIONS = [
    (Theme.WATER, "村村通自来水", "为二号村铺设自来水管网。", 400000),
    (Theme.SCHOOLING, "一号村小学扩建", "新建四间教室和一个食堂。", 500000),
    (Theme.PENSION, "社区养老食堂", "在街道办两处老年食堂。", 200000),
    (Theme.MEDICAL, "村卫生室标准化", "为八个村卫生室配齐设备。", 300000),
]


@pytest.fixture
def with_candidates(programme, resident, officer_a, org):
    """The programme in its vote phase with four screened candidates (numbers 1–4) and one rejected."""
    advance_to(programme, Phase.NOMINATION, officer_a)
    made = []
    for theme, title, description, _cost in NOMINATIONS:
        made.append(
            services.nomination_submit(
                programme=programme, theme=theme, title=title, description=description, by=resident
            ).nomination
        )
    rejected = services.nomination_submit(
        programme=programme,
        theme=Theme.OTHER,
        title="修建高尔夫球场",
        description="县城建一个球场。",
        by=officer_a,
        kind=NominatorKind.DEPUTY,
        deputy_name="张代表",
    ).nomination
    advance_to(programme, Phase.SCREENING, officer_a)
    for nomination, (_t, _ti, _d, cost) in zip(made, NOMINATIONS, strict=True):
        services.nomination_screen(
            nomination=nomination,
            by=officer_a,
            accept=True,
            feasibility=Feasibility.FEASIBLE,
            cost=cost,
            owner_unit=org.unit_a,
        )
    services.nomination_screen(
        nomination=rejected, by=officer_a, accept=False, reason="不属于民生实事范围，且超出财力。"
    )
    advance_to(programme, Phase.VOTE, officer_a)
    programme.refresh_from_db()
    return made


__all__ = ["CYCLE", "make_persona"]
