import pytest
from django.core.exceptions import ValidationError

from massline.deadlines.models import WorkCalendar, format_working_hours, parse_working_hours

HOUR = 3_600_000_000


def test_working_hours_are_read_in_the_ways_administrators_write_them():
    for text in ("09:00-12:00,13:30-17:30", "9:00 - 12:00， 13:30～17:30", "09:00–12:00; 13:30-17:30"):
        assert parse_working_hours(text) == ((9 * HOUR, 12 * HOUR), (int(13.5 * HOUR), int(17.5 * HOUR)))
    assert format_working_hours(parse_working_hours("9:00-12:00,13:30-17:30")) == "09:00-12:00,13:30-17:30"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nine to five",
        "12:00-09:00",
        "09:00-12:00,11:00-17:30",
        "13:30-17:30,09:00-12:00",
        "09:00-24:00",
        "25:00-26:00",
        "09:60-12:00",
    ],
)
def test_working_hours_that_make_no_sense_are_refused_with_an_example(text):
    with pytest.raises(ValidationError):
        parse_working_hours(text)


@pytest.mark.django_db
def test_a_calendar_normalises_its_working_hours_when_cleaned():
    calendar = WorkCalendar(code="x", name="x", working_hours="9:00-12:00 , 13:30-17:30")
    calendar.full_clean()
    assert calendar.working_hours == "09:00-12:00,13:30-17:30"
