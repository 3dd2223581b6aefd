"""Admin of working calendars, holiday years (where administrators enter each year's State Council
notice), day overrides, and read-only clocks. Every save goes through the services."""

from pathlib import Path

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from massline.lib.errors import DomainError

from . import calendar as cal
from .choices import DataSource
from .files import parse_csv, parse_json
from .models import Clock, ClockPause, DayOverride, HolidayYear, WorkCalendar
from .services import (
    day_override_delete,
    day_override_set,
    holiday_year_delete,
    holiday_year_delete_blockers,
    holiday_year_load,
    holiday_year_validate,
    work_calendar_save,
)


def _override_save(request, obj, original):
    """Save an override from an admin form; moving it to another date or calendar removes the old one."""
    if original is not None and (original.date, original.calendar_id) != (obj.date, obj.calendar_id):
        day_override_delete(override=original, by=request.user)
    saved = day_override_set(
        calendar=obj.calendar, day=obj.date, kind=obj.kind, name=obj.name, by=request.user
    )
    obj.pk, obj.source = saved.pk, saved.source


class DayOverrideInline(admin.TabularInline):
    model = DayOverride
    fields = ["date", "kind", "name", "source"]
    readonly_fields = ["source"]
    extra = 0
    verbose_name_plural = _("this calendar's own day overrides")


@admin.register(WorkCalendar)
class WorkCalendarAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "working_hours", "is_default", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_en"]
    inlines = [DayOverrideInline]

    def get_readonly_fields(self, request, obj=None):
        # A code is an identifier (`--calendar CODE`): fixed once created. The default changes by marking
        # another calendar as the default.
        if obj is None:
            return []
        return ["code", "is_default"] if obj.is_default else ["code"]

    def has_delete_permission(self, request, obj=None):
        # Clocks keep their calendar for ever; an unused calendar is made inactive instead.
        return False

    def save_model(self, request, obj, form, change):
        work_calendar_save(calendar=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not DayOverride:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            day_override_delete(override=obj, by=request.user)
        for obj in instances:
            original = DayOverride.objects.filter(pk=obj.pk).first() if obj.pk else None
            obj.calendar = form.instance
            _override_save(request, obj, original)


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "calendar_label", "source", "updated_at"]
    list_filter = ["kind", "source", "calendar"]
    date_hierarchy = "date"
    search_fields = ["name"]
    fields = ["calendar", "date", "kind", "name", "source"]
    readonly_fields = ["source"]

    @admin.display(description=_("calendar"), ordering="calendar")
    def calendar_label(self, obj):
        return obj.calendar or gettext("every calendar")

    def save_model(self, request, obj, form, change):
        original = DayOverride.objects.filter(pk=obj.pk).first() if change else None
        _override_save(request, obj, original)

    def delete_model(self, request, obj):
        day_override_delete(override=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            day_override_delete(override=obj, by=request.user)


class HolidayYearForm(forms.ModelForm):
    days = forms.CharField(
        label=_("days off and make-up working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 60}),
        help_text=_(
            "One line per date or range: date,kind,name, for example 2027-02-05..2027-02-11,holiday,春节 "
            "or 2027-02-14,workday,春节. Kinds: holiday (休) or workday (班). "
            "Lines starting with # are ignored."
        ),
    )
    file = forms.FileField(
        label=_("or load a file"),
        required=False,
        help_text=_(
            "A CSV or JSON file in the format of docs/deadlines.md; it replaces the days typed above."
        ),
    )

    class Meta:
        model = HolidayYear
        fields = ["calendar", "year", "notice", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and not self.is_bound:
            overrides = DayOverride.objects.filter(
                calendar=instance.calendar_id, date__year=instance.year
            ).order_by("date")
            self.initial["days"] = "\n".join(f"{o.date.isoformat()},{o.kind},{o.name}" for o in overrides)
        if "year" in self.fields:  # read-only once the year exists
            self.fields["year"].help_text = self.year_help()

    @staticmethod
    def year_help():
        return gettext(
            "Years %(first)d–%(last)d come with the chinese-calendar package and need no entry; enter each "
            "later year when the State Council publishes its notice (usually in November)."
        ) % {"first": cal.PACKAGE_FIRST_YEAR, "last": cal.PACKAGE_LAST_YEAR}

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year") or self.instance.year
        if year is None:
            return cleaned
        upload = cleaned.get("file")
        try:
            if upload:
                text = upload.read().decode("utf-8-sig")
                parse = parse_json if Path(upload.name).suffix.lower() == ".json" else parse_csv
                notice = parse(text, year=year)
            else:
                notice = parse_csv(cleaned.get("days") or "", year=year)
            cleaned["parsed_days"] = holiday_year_validate(year=year, days=notice.days)
        except UnicodeDecodeError:
            raise forms.ValidationError(
                {"file": gettext("The file is not UTF-8 text: save it as UTF-8.")}
            ) from None
        except DomainError as exc:
            raise forms.ValidationError({"file" if upload else "days": exc.message}) from None
        if upload and notice.notice and not cleaned.get("notice"):
            cleaned["notice"] = notice.notice
        cleaned["source"] = DataSource.FILE if upload else DataSource.ADMIN
        return cleaned


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    form = HolidayYearForm
    list_display = ["year", "calendar_label", "source", "notice", "entered_at"]
    list_filter = ["source", "calendar"]
    fields = ["calendar", "year", "notice", "note", "days", "file", "source"]
    readonly_fields = ["source"]

    @admin.display(description=_("calendar"), ordering="calendar")
    def calendar_label(self, obj):
        return obj.calendar or gettext("every calendar")

    def get_readonly_fields(self, request, obj=None):
        # A year is identified by its calendar and year: enter another year as a new record.
        return ["calendar", "year", "source"] if obj is not None else ["source"]

    def save_model(self, request, obj, form, change):
        saved = holiday_year_load(
            calendar=obj.calendar,
            year=obj.year,
            days=form.cleaned_data["parsed_days"],
            source=form.cleaned_data["source"],
            by=request.user,
            notice=form.cleaned_data.get("notice", ""),
            note=obj.note,
        )
        obj.pk, obj.source, obj.entered_at = saved.pk, saved.source, saved.entered_at

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            protected.extend(f"{obj}: {reason}" for reason in holiday_year_delete_blockers(holiday_year=obj))
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        holiday_year_delete(holiday_year=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            holiday_year_delete(holiday_year=obj, by=request.user)


class ClockPauseInline(admin.TabularInline):
    model = ClockPause
    fields = ["started_at", "ended_at", "reason", "note", "counted_time"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    """Read-only: clocks change only through the apps that own them (a demand, a disclosure request)."""

    list_display = ["id", "start", "amount", "unit", "due_at", "state", "calendar"]
    list_filter = ["state", "unit", "calendar"]
    date_hierarchy = "due_at"
    inlines = [ClockPauseInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
