"""Fixtures of the integrity tests: cheap Argon2id and proof of work, media in a temporary folder,
inspectors with keys, and a helper that submits a tip-off."""

from datetime import date

import pytest
from django.utils import timezone

from massline.integrity import pow, services
from massline.org.choices import Role
from massline.org.testing import PERSONA_PASSWORD


@pytest.fixture(autouse=True)
def _integrity_settings(settings, tmp_path):
    settings.MASSLINE_INTEGRITY_ARGON2_OPSLIMIT = 1
    settings.MASSLINE_INTEGRITY_ARGON2_MEMLIMIT = 8192
    settings.MASSLINE_INTEGRITY_POW_BITS = 4
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MASSLINE_INTEGRITY_SECRET = "integrity-test-secret-not-for-production"


@pytest.fixture(autouse=True)
def _holiday_years_known(db):
    """The first-answer clock counts working days and may reach next year: enter a test notice."""
    from massline.deadlines.calendar import year_known
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


@pytest.fixture
def keyed(inspector):
    """The county inspector with a key: (user, private key, recovery key)."""
    _key, recovery = services.inspector_key_setup(user=inspector, password=PERSONA_PASSWORD)
    return inspector, services.inspector_key_unlock(user=inspector, password=PERSONA_PASSWORD), recovery


@pytest.fixture
def second_inspector(org, make_official):
    """A second county inspector with a key: (user, private key)."""
    user = make_official("inspector_2", Role.DISCIPLINE_INSPECTOR, region=org.county, display_name="第二纪检")
    services.inspector_key_setup(user=user, password=PERSONA_PASSWORD)
    return user, services.inspector_key_unlock(user=user, password=PERSONA_PASSWORD)


@pytest.fixture
def submit(org):
    """A function submitting a tip-off about unit A (keywords override); returns (tip, receipt)."""

    def make(**overrides):
        fields = {
            "unit": org.unit_a,
            "official": "张局长",
            "position": "局长",
            "what": "用公款吃喝 at the Lotus restaurant",
            "when": "2026-05",
            "where": "莲花酒楼",
        }
        fields.update(overrides)
        return services.tip_submit(**fields)

    return make


def solved_pow():
    challenge = pow.challenge_new()
    return {"pow_challenge": challenge, "pow_solution": pow.solve(challenge, 4)}
