import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import override

import massline.deadlines
from massline.audit.models import AuditEvent
from massline.deadlines.calendar import due_at, is_workday, year_known
from massline.deadlines.choices import DataSource
from massline.deadlines.models import DayOverride, HolidayYear, WorkCalendar
from massline.deadlines.services import work_calendar_save

from .utils import local

pytestmark = pytest.mark.django_db

EXAMPLE = Path(massline.deadlines.__file__).parent / "data" / "example-year-2027.csv"
NOTICE_CSV = """\
# 2027 notice, as typed by an administrator
date,kind,name
2027-01-01,holiday,元旦
2027-02-06..2027-02-12,休,春节
2027-02-20,班,春节
"""


def run(*args):
    out = StringIO()
    with override("en"):
        call_command("deadlines", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def notice_file(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(NOTICE_CSV, encoding="utf-8")
    return path


def test_load_year_enters_a_notice_from_a_csv_file_end_to_end(notice_file):
    with override("en"):
        before = run("due", "2026-12-31T10:00", "5", "working_days")
    # Provisionally 1 January is the only day off: Mon 4 … Fri 8 January either way here.
    assert before.startswith("2027-01-08T17:30:00+08:00")
    assert "provisional" in before
    output = run("load-year", str(notice_file), "--notice", "国办发明电〔2026〕1号")
    assert "Loaded 2027" in output
    assert "8 day(s) off, 1 make-up working day(s)" in output
    year = HolidayYear.objects.get(calendar=None, year=2027)
    assert year.source == DataSource.FILE
    assert year.notice == "国办发明电〔2026〕1号"
    assert DayOverride.objects.filter(date__year=2027).count() == 9
    assert not is_workday(date(2027, 2, 8))
    assert is_workday(date(2027, 2, 20))
    # 31 Dec (Thu) not counted; 1 Jan is a day off: Mon 4, Tue 5, Wed 6, Thu 7, Fri 8 January.
    after = run("due", "2026-12-31T10:00", "5", "working_days")
    assert after.startswith("2027-01-08T17:30:00+08:00")
    assert "provisional" not in after
    assert AuditEvent.objects.filter(action="deadlines.holiday_year.load").count() == 1


def test_load_year_reads_json_and_can_target_one_calendar(tmp_path, officer):
    work_calendar_save(calendar=WorkCalendar(code="water", name="水务"), by=officer)
    path = tmp_path / "2027.json"
    path.write_text(
        json.dumps(
            {
                "year": 2027,
                "notice": "国办发明电〔2026〕1号",
                "days": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}],
            }
        ),
        encoding="utf-8",
    )
    run("load-year", str(path), "--calendar", "water")
    year = HolidayYear.objects.get()
    assert year.calendar.code == "water"
    assert year.notice == "国办发明电〔2026〕1号"
    assert year_known(2027, year.calendar)
    assert not year_known(2027)


def test_load_year_refuses_the_shipped_example(tmp_path):
    with override("en"), pytest.raises(CommandError) as error:
        call_command("deadlines", "load-year", str(EXAMPLE))
    assert "example" in str(error.value)
    assert not HolidayYear.objects.exists()
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps({"example": True, "days": [{"date": "2027-01-01", "kind": "holiday"}]}))
    with pytest.raises(CommandError):
        call_command("deadlines", "load-year", str(copy))


def test_the_shipped_example_is_a_valid_file_when_explicitly_allowed():
    run("load-year", str(EXAMPLE), "--allow-example")
    assert year_known(2027)
    assert HolidayYear.objects.get().year == 2027


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("2027-01-01,holiday\n2027-13-01,holiday\n", "Line 2"),
        ("2027-01-01,vacation\n", "holiday"),
        ("2027-01-01,holiday\n2028-01-03,holiday\n", "one year"),
        ("2027-10-07..2027-10-01,holiday\n", "range"),
        ("2027-02-20,workday\n", "no days off"),
        ("# nothing\n", "no days"),
    ],
)
def test_load_year_names_the_problem_in_a_bad_file(tmp_path, content, complaint):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with override("en"), pytest.raises(CommandError) as error:
        call_command("deadlines", "load-year", str(path))
    assert complaint in str(error.value)
    assert not HolidayYear.objects.exists()


def test_load_year_refuses_an_unknown_calendar_and_a_missing_file(notice_file, tmp_path):
    with override("en"), pytest.raises(CommandError) as error:
        call_command("deadlines", "load-year", str(notice_file), "--calendar", "nope")
    assert "default" in str(error.value)  # lists the codes there are
    with pytest.raises(CommandError):
        call_command("deadlines", "load-year", str(tmp_path / "missing.csv"))


def test_check_lists_known_years_and_warns_about_the_coming_one(notice_file):
    output = run("check", "--today", "2026-11-26")
    assert "2004–2026" in output
    assert "first year without holidays: 2027" in output
    assert "WARNING" in output and "2027 begins in 36 days" in output
    with override("en"), pytest.raises(CommandError) as error:
        call_command("deadlines", "check", "--today", "2026-11-26", "--fail-on-warning", stdout=StringIO())
    assert error.value.returncode == 1
    run("load-year", str(notice_file))
    output = run("check", "--today", "2026-11-26", "--fail-on-warning")
    assert "WARNING" not in output
    assert "2004–2027" in output
    assert "first year without holidays: 2028" in output


def test_check_is_quiet_well_before_the_year(db):
    assert "WARNING" not in run("check", "--today", "2026-06-01")


def test_due_prints_the_due_time_for_operators():
    assert run("due", "2026-09-30T10:00", "7", "working_days").startswith("2026-10-15T17:30:00+08:00")
    assert run("due", "2026-10-09T16:30+08:00", "2", "working_hours").startswith("2026-10-10T10:00:00+08:00")
    assert run("due", "2026-10-09T08:30Z", "0.5", "hours").startswith("2026-10-09T17:00:00+08:00")
    assert due_at(local("2026-09-30 10:00"), 7, "working_days").isoformat() in run(
        "due", "2026-09-30T10:00", "7", "working_days", "--calendar", "default"
    )


@pytest.mark.parametrize("args", [("yesterday", "1", "hours"), ("2026-09-30T10:00", "seven", "hours")])
def test_due_refuses_what_it_cannot_read(args):
    with pytest.raises(CommandError):
        run("due", *args)
