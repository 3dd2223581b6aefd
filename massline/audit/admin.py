"""Read-only views of the audit trail for administrators."""

from django.contrib import admin

from .models import AuditEvent, AuditSeal


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "created_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "client_ip",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_type", "object_id", "actor_label", "request_id"]
    date_hierarchy = "created_at"


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAdmin):
    list_display = ["seq", "event", "hash", "sealed_at"]
