"""Fixtures of the handling tests (imported by test_handling*, test_visit*, test_clock*, test_merge*,
test_staff_pages*): time-limit policies, a category, demands at known instants on the Chinese calendar."""

from datetime import datetime
from decimal import Decimal
from itertools import count
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from massline.cases.choices import CaseType, Urgency
from massline.cases.models import Case, Category, TimeLimitPolicy
from massline.deadlines import calendar
from massline.deadlines.choices import TimeUnit
from massline.deadlines.models import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    """An instant on Beijing time: at(2026, 3, 2, 9) is Monday 2 March 2026, 09:00."""
    return datetime(*args, tzinfo=TZ)


# Monday 2 March 2026, a plain working week.
MONDAY = at(2026, 3, 2, 9)
_numbers = count(1)


def ensure_default_calendar():
    """The migration creates it, but a transactional test before this one may have flushed it."""
    if not WorkCalendar.objects.filter(is_default=True).exists():
        WorkCalendar.objects.create(
            code="default",
            name="标准工作日历",
            name_en="Standard working calendar",
            is_default=True,
            working_hours="09:00-12:00,13:30-17:30",
        )
        calendar.cache_clear()


def make_policies(category=None):
    """Default policies: sign in 2 working hours, contact in 4, reply in 5 working days, warnings at
    50 % and 80 %, one extension; emergencies in working hours."""
    rows = {}
    for urgency in Urgency.values:
        emergency = urgency == Urgency.EMERGENCY
        rows[urgency] = TimeLimitPolicy.objects.create(
            category=category,
            urgency=urgency,
            sign_amount=Decimal("1" if emergency else "2"),
            sign_unit=TimeUnit.WORKING_HOURS,
            contact_amount=Decimal("2" if emergency else "4"),
            contact_unit=TimeUnit.WORKING_HOURS,
            reply_amount=Decimal("2" if emergency else "5"),
            reply_unit=TimeUnit.WORKING_HOURS if emergency else TimeUnit.WORKING_DAYS,
            warn_at="0.5,0.8",
            max_extensions=1,
        )
    return rows


def make_case(world, *, received_at=MONDAY, region=None, category=None, title=None, **fields):
    n = next(_numbers)
    return Case.objects.create(
        type=CaseType.COMPLAINT,
        title=title or f"路灯不亮 {n}",
        description="小区门口的路灯坏了一个星期。",
        category=category or world.category,
        urgency=fields.pop("urgency", Urgency.NORMAL),
        region=region or world.org.grid_1,
        received_at=received_at,
        citizen=fields.pop("citizen", world.citizen),
        **fields,
    )


@pytest.fixture
def world(org, citizen, officer_a, officer_b, unit_head_a, dispatcher, supervisor):
    """The org and its personas, default policies and a category "street lights" led by unit A."""
    # Messages are asserted in English; the site's default language is Chinese.
    translation.activate("en")
    ensure_default_calendar()
    make_policies()
    category = Category.objects.create(
        code="lights", name="路灯", name_en="Street lights", default_unit=org.unit_a
    )
    yield SimpleNamespace(
        org=org,
        category=category,
        citizen=citizen.citizen,
        citizen_user=citizen,
        officer_a=officer_a,
        officer_b=officer_b,
        head_a=unit_head_a,
        dispatcher=dispatcher,
        supervisor=supervisor,
    )
    translation.deactivate()


@pytest.fixture
def new_case(world):
    return make_case(world)
