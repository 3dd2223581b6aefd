import pytest

from massline.deadlines import calendar as cal
from massline.deadlines.models import WorkCalendar


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """Each test starts from the database: a rolled-back test must not leave its calendars cached."""
    cal.cache_clear()
    yield
    cal.cache_clear()


@pytest.fixture
def default_calendar(db):
    return WorkCalendar.objects.get(is_default=True)


@pytest.fixture
def officer(db, django_user_model):
    return django_user_model.objects.create_user(username="calendar-admin", password=None)
