"""Fixtures of the disclosure tests: a request factory; times are given explicitly (local time)."""

from datetime import datetime

import pytest
from django.utils import timezone

from massline.disclosure import services


def local(*args):
    """An aware local time (Asia/Shanghai): local(2026, 9, 24, 10) is 24 Sep 2026 10:00."""
    return timezone.make_aware(datetime(*args))


def shown(instant):
    return f"{timezone.localtime(instant):%Y-%m-%d %H:%M}"


@pytest.fixture(autouse=True)
def _next_year_known(db):
    """Requests received today run into next year: enter a test notice (New Year's Day off) for any year
    up to next year that the holiday package does not know yet. Hand-computed dates stay in 2026."""
    from datetime import date

    from massline.deadlines.calendar import cache_clear, year_known
    from massline.deadlines.choices import DataSource, DayKind
    from massline.deadlines.services import holiday_year_load

    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
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
def make_request(org):
    def make(
        *, received_at, unit=None, description="The 2025 budget of the road maintenance fund.", **kwargs
    ):
        values = {
            "applicant_name": "张三",
            "id_document": "110101199001011234",
            "phone": "13911112222",
            "email": "zhangsan@example.org",
        }
        values.update(kwargs)
        return services.request_submit(
            unit=unit or org.unit_a, description=description, received_at=received_at, **values
        )

    return make
