"""Create the default working calendar, so that time limits can be counted from the first start."""

from django.db import migrations

DEFAULT_CODE = "default"


def create_default_calendar(apps, schema_editor):
    WorkCalendar = apps.get_model("deadlines", "WorkCalendar")
    if WorkCalendar.objects.filter(is_default=True).exists():
        return
    WorkCalendar.objects.update_or_create(
        code=DEFAULT_CODE,
        defaults={
            "name": "标准工作日历",
            "name_en": "Standard working calendar",
            "is_default": True,
            "is_active": True,
            "working_hours": "09:00-12:00,13:30-17:30",
        },
    )


def remove_default_calendar(apps, schema_editor):
    WorkCalendar = apps.get_model("deadlines", "WorkCalendar")
    WorkCalendar.objects.filter(code=DEFAULT_CODE, clocks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(create_default_calendar, remove_default_calendar)]
