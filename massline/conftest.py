"""Fixtures for every app's tests: fast settings, the small organisation and its personas; tests marked
`postgres` are skipped when the suite runs on SQLite.

    def test_the_outsider_gets_403(client_for):
        assert client_for("outsider").get(url).status_code == 403

See massline/org/testing.py for the organisation and what each persona may see; parametrise over
`massline.org.testing.PERSONAS` to cover every persona on a page.
"""

import pytest
from django.test import Client

from massline.org import testing


def pytest_collection_modifyitems(config, items):
    """Skip tests marked `postgres` (row locks, triggers, several real connections) on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL points to SQLite)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    """MD5 instead of argon2: hashing a password should not dominate a test's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests have no network: maps draw on the plain background without probing a tile server (whose
    # failed request would be a console error in every browser test). The map tests set a URL to
    # exercise the probe and its fallback (cases/tests/test_map_browser.py).
    settings.MASSLINE_MAP_TILE_URL = ""


@pytest.fixture
def persona_password():
    return testing.PERSONA_PASSWORD


@pytest.fixture
def org(db):
    """county > 2 townships > villages > grids; the centre, unit A and township government 1 (township 1),
    unit B (township 2). Attributes: county, township_1, township_2, village_1, village_2, grid_1, grid_2,
    centre, unit_a, unit_b, township_gov_1."""
    return testing.build_org()


@pytest.fixture
def citizen(org):
    """A citizen's account with a citizen record (`citizen.citizen`), no role."""
    return testing.make_persona("citizen", org)


@pytest.fixture
def outsider(org):
    """An active account with no role and no citizen record."""
    return testing.make_persona("outsider", org)


@pytest.fixture
def officer_a(org):
    """Handler in unit A."""
    return testing.make_persona("officer_a", org)


@pytest.fixture
def officer_b(org):
    """Handler in unit B."""
    return testing.make_persona("officer_b", org)


@pytest.fixture
def unit_head_a(org):
    """Unit head of unit A."""
    return testing.make_persona("unit_head_a", org)


@pytest.fixture
def dispatcher(org):
    """Dispatcher at the 12345 centre."""
    return testing.make_persona("dispatcher", org)


@pytest.fixture
def supervisor(org):
    """Supervisor (督办) over township 1: sees unit A and township government 1, not unit B."""
    return testing.make_persona("supervisor", org)


@pytest.fixture
def inspector(org):
    """Discipline inspector (纪检) over the whole county."""
    return testing.make_persona("inspector", org)


@pytest.fixture
def admin_user(org):
    """Administrator: sees everything, uses the admin site (is_staff and is_superuser come with the role)."""
    return testing.make_persona("admin_user", org)


@pytest.fixture
def make_official(db):
    """A function (username, role=None, *, unit=None, region=None) -> a new account with that role."""
    return testing.make_official


@pytest.fixture
def client_for(request):
    """A function returning a test client signed in as a persona (its fixture name, or a user);
    "anonymous" (or None) gives a client signed in as nobody."""

    def make(persona):
        client = Client()
        if persona in (None, "anonymous"):
            return client
        user = request.getfixturevalue(persona) if isinstance(persona, str) else persona
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _working_calendar(request):
    """Every test that uses the database starts with the default working calendar of migration
    deadlines/0002 (a transactional test empties every table when it ends) and an empty calendar cache."""
    import importlib

    from django.apps import apps as django_apps

    from massline.deadlines import calendar as cal

    cal.cache_clear()
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("_django_db_helper")
        migration = importlib.import_module("massline.deadlines.migrations.0002_default_calendar")
        migration.create_default_calendar(django_apps, None)
    yield
    cal.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Caches a process keeps between requests (the places of intake, Django's caches: keys, services,
    tokens, rate counters) start empty in every test: a rolled-back test must not leave rows behind."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from massline.cases.services.intake import region_places_forget

    def forget():
        region_places_forget()
        for cache in caches.all():
            if isinstance(cache, LocMemCache):  # a shared cache (Redis) is the test's own business
                cache.clear()

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called directly by a test speaks English (the source language), so assertions can name the
    message; requests still follow Accept-Language, the cookie and MASSLINE_LANGUAGE (zh-hans)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium for a module of browser tests; CI fails when it is missing."""
    import os
    from pathlib import Path

    pytest.importorskip("playwright.sync_api")
    from massline.web.testing import CHROMIUM, chromium

    if not Path(CHROMIUM).exists():
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"no Chromium at {CHROMIUM}")
    with chromium() as launched:
        yield launched
