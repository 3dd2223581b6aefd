"""Fixtures of the consultations tests: a draft and an open consultation of unit A, and participants."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from massline.consultations import services
from massline.consultations.models import Participant


@pytest.fixture(autouse=True)
def _holiday_years_known(db):
    """Answering deadlines count working days and may reach next year: enter a test notice (New Year's
    Day off) for any year up to next year that the holiday package does not know yet."""
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
def draft(officer_a, org):
    return services.consultation_create(
        by=officer_a,
        unit=org.unit_a,
        title="Riverside park renovation",
        summary="Draft plan for the riverside park.",
        sections=[
            ("Trees", "Keep the old camphor trees. Add benches."),
            ("Parking", "Remove 40 parking places."),
        ],
    )


@pytest.fixture
def open_consultation(draft, officer_a):
    now = timezone.now()
    services.statement_add(consultation=draft, by=officer_a, text="The park needs more benches.")
    services.statement_add(consultation=draft, by=officer_a, text="Parking should stay as it is.")
    return services.consultation_publish(
        consultation=draft,
        by=officer_a,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=31),
    )


@pytest.fixture
def make_participant():
    counter = iter(range(1, 10_000))

    def make(consultation, user=None):
        if user is not None:
            return services.participant_get_or_create(consultation=consultation, user=user)
        return services.participant_get_or_create(
            consultation=consultation, anonymous_key=f"key-{next(counter)}"
        )

    return make


@pytest.fixture
def participant(open_consultation, make_participant):
    return make_participant(open_consultation)


def close_now(consultation, by, reason="The council meets earlier than planned."):
    return services.consultation_close(consultation=consultation, by=by, reason=reason)


__all__ = ["Participant", "close_now"]
