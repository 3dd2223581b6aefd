"""Disclosure requests in the admin, read only: every change goes through the services (and the audit)."""

from django.contrib import admin

from .models import AnswerDocument, DisclosureRequest, Escalation, ReportReminder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnswerDocumentInline(admin.TabularInline):
    model = AnswerDocument
    extra = 0
    can_delete = False
    readonly_fields = ["name", "file", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DisclosureRequest)
class DisclosureRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "tracking_code",
        "unit",
        "status",
        "received_at",
        "answer_type",
        "on_time",
        "escalation_level",
    ]
    list_filter = ["status", "answer_type", "escalation_level", "unit"]
    search_fields = ["tracking_code", "description"]
    inlines = [AnswerDocumentInline]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["request", "level", "due_at", "at"]
    list_filter = ["level"]


@admin.register(ReportReminder)
class ReportReminderAdmin(ReadOnlyAdmin):
    list_display = ["year", "sent_at", "agencies"]
