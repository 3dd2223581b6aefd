from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from massline.audit.models import AuditEvent
from massline.deadlines.calendar import is_workday, year_known
from massline.deadlines.choices import DataSource, DayKind
from massline.deadlines.models import DayOverride, HolidayYear, WorkCalendar
from massline.deadlines.services import clock_start, holiday_year_load

from .utils import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(
        username="root", email="root@example.org", password=None
    )


@pytest.fixture
def client(client, admin_user):
    client.force_login(admin_user)
    return client


def add_year(client, **data):
    fields = {"calendar": "", "year": "2027", "notice": "", "note": "", "days": ""}
    fields.update(data)
    return client.post(reverse("admin:deadlines_holidayyear_add"), fields)


def test_an_administrator_enters_the_2027_notice_in_the_admin(client, admin_user):
    response = add_year(
        client,
        notice="国办发明电〔2026〕1号",
        days="2027-01-01,holiday,元旦\n2027-02-06..2027-02-12,holiday,春节\n2027-02-20,workday,春节",
    )
    assert response.status_code == 302
    year = HolidayYear.objects.get(year=2027)
    assert year.source == DataSource.ADMIN
    assert year.notice == "国办发明电〔2026〕1号"
    assert year_known(2027)
    assert not is_workday(date(2027, 2, 10))
    assert is_workday(date(2027, 2, 20))
    event = AuditEvent.objects.get(action="deadlines.holiday_year.load")
    assert event.actor_id == admin_user.pk


def test_the_notice_can_be_uploaded_as_a_file(client):
    upload = SimpleUploadedFile("2027.csv", "date,kind,name\n2027-01-01,holiday,元旦\n".encode())
    response = add_year(client, file=upload)
    assert response.status_code == 302
    assert HolidayYear.objects.get().source == DataSource.FILE


def test_a_notice_with_a_day_of_another_year_is_sent_back_with_the_reason(client):
    response = add_year(client, days="2027-01-01,holiday\n2026-12-31,holiday")
    assert response.status_code == 200
    assert "2026-12-31" in response.content.decode()
    assert not HolidayYear.objects.exists()
    assert not DayOverride.objects.exists()


def test_a_year_cannot_be_entered_twice_for_the_same_scope(client):
    add_year(client, days="2027-01-01,holiday")
    response = add_year(client, days="2027-01-01,holiday")
    assert response.status_code == 200
    assert HolidayYear.objects.count() == 1


def test_editing_a_year_shows_its_days_and_replaces_them(client):
    add_year(client, days="2027-01-01,holiday,元旦")
    year = HolidayYear.objects.get()
    url = reverse("admin:deadlines_holidayyear_change", args=[year.pk])
    assert "2027-01-01,holiday,元旦" in client.get(url).content.decode()
    response = client.post(url, {"notice": "", "note": "corrected", "days": "2027-01-04,holiday,元旦"})
    assert response.status_code == 302
    assert list(DayOverride.objects.values_list("date", flat=True)) == [date(2027, 1, 4)]


def test_a_year_in_use_cannot_be_deleted_from_the_admin(client, admin_user):
    year = holiday_year_load(
        calendar=None, year=2027, days=[(date(2027, 1, 1), "holiday", "")], source="file", by=admin_user
    )
    clock_start(start=local("2026-12-28 09:00"), amount=5, unit="working_days", by=admin_user)
    url = reverse("admin:deadlines_holidayyear_delete", args=[year.pk])
    page = client.get(url).content.decode()
    assert "open time limit" in page or "个未结束" in page
    client.post(url, {"post": "yes"})
    assert HolidayYear.objects.filter(pk=year.pk).exists()


def test_an_unused_year_is_deleted_through_the_service(client, admin_user):
    year = holiday_year_load(
        calendar=None, year=2027, days=[(date(2027, 1, 1), "holiday", "")], source="file", by=admin_user
    )
    response = client.post(reverse("admin:deadlines_holidayyear_delete", args=[year.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not HolidayYear.objects.exists()
    assert not year_known(2027)
    assert AuditEvent.objects.filter(action="deadlines.holiday_year.delete").exists()


def test_a_calendars_own_overrides_are_saved_through_the_service(client, default_calendar):
    url = reverse("admin:deadlines_workcalendar_change", args=[default_calendar.pk])
    response = client.post(
        url,
        {
            "name": default_calendar.name,
            "name_en": default_calendar.name_en,
            "is_active": "on",
            "working_hours": "09:00-12:00, 13:30-17:30",
            "overrides-TOTAL_FORMS": "1",
            "overrides-INITIAL_FORMS": "0",
            "overrides-0-date": "2026-12-07",
            "overrides-0-kind": "holiday",
            "overrides-0-name": "县庆",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    override_ = DayOverride.objects.get()
    assert override_.calendar == default_calendar
    assert not is_workday(date(2026, 12, 7), default_calendar)
    assert AuditEvent.objects.filter(action="deadlines.day_override.set").exists()
    assert AuditEvent.objects.filter(action="deadlines.calendar.update").exists()


def test_a_national_override_moved_to_another_date_leaves_no_trace_on_the_old_date(client, admin_user):
    client.post(
        reverse("admin:deadlines_dayoverride_add"),
        {"calendar": "", "date": "2026-12-07", "kind": "holiday", "name": "x"},
    )
    override_ = DayOverride.objects.get()
    response = client.post(
        reverse("admin:deadlines_dayoverride_change", args=[override_.pk]),
        {"calendar": "", "date": "2026-12-08", "kind": "holiday", "name": "x"},
    )
    assert response.status_code == 302
    assert list(DayOverride.objects.values_list("date", "kind")) == [(date(2026, 12, 8), DayKind.HOLIDAY)]
    assert is_workday(date(2026, 12, 7))
    assert not is_workday(date(2026, 12, 8))


def test_a_second_calendar_can_become_the_default_from_the_admin(client, default_calendar):
    response = client.post(
        reverse("admin:deadlines_workcalendar_add"),
        {
            "code": "summer",
            "name": "夏季作息",
            "name_en": "Summer hours",
            "is_default": "on",
            "is_active": "on",
            "working_hours": "08:30-12:00,14:30-17:30",
            "overrides-TOTAL_FORMS": "0",
            "overrides-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert WorkCalendar.objects.get(is_default=True).code == "summer"


def test_clocks_are_read_only_in_the_admin(client, admin_user):
    clock = clock_start(start=local("2026-11-02 09:00"), amount=7, unit="working_days", by=admin_user)
    assert client.get(reverse("admin:deadlines_clock_changelist")).status_code == 200
    assert client.get(reverse("admin:deadlines_clock_change", args=[clock.pk])).status_code == 200
    assert client.get(reverse("admin:deadlines_clock_add")).status_code == 403
    assert (
        client.post(reverse("admin:deadlines_clock_delete", args=[clock.pk]), {"post": "yes"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    "name",
    [
        "deadlines_workcalendar_changelist",
        "deadlines_workcalendar_add",
        "deadlines_dayoverride_changelist",
        "deadlines_dayoverride_add",
        "deadlines_holidayyear_changelist",
        "deadlines_holidayyear_add",
    ],
)
def test_every_deadlines_admin_page_opens(client, name):
    response = client.get(reverse(f"admin:{name}"))
    assert response.status_code == 200


def test_the_default_calendar_page_shows_its_code_and_default_flag_read_only(client, default_calendar):
    page = client.get(
        reverse("admin:deadlines_workcalendar_change", args=[default_calendar.pk])
    ).content.decode()
    assert 'name="working_hours"' in page
    assert 'name="is_default"' not in page
    assert 'name="code"' not in page
