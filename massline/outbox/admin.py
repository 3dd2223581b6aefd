"""Admin: the outbox read-only (recipient masked, text hidden), with a "resend" action for dead messages."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from massline.lib.errors import DomainError

from . import services
from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "about",
        "channel",
        "to_masked",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["about", "key"]
    # The full recipient and the text stay out of the admin: the masked recipient says enough to help.
    fields = [
        "key",
        "channel",
        "to_masked",
        "about",
        "status",
        "attempts",
        "resent_count",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "dead_at",
        "last_error",
        "purged_at",
    ]
    readonly_fields = fields
    actions = ["resend"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("to", "text")

    def has_add_permission(self, request):
        return False  # messages are queued by the services that change what they tell about

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the key of a sent message must keep refusing its duplicate

    @admin.action(description=_("Resend the selected dead messages"), permissions=["view"])
    def resend(self, request, queryset):
        resent = 0
        for message in queryset:
            try:
                services.message_resend(message=message, by=request.user)
            except DomainError as exc:
                messages.error(request, f"{message}: {exc}")
            else:
                resent += 1
        if resent:
            messages.success(request, _("%(n)s messages queued again.") % {"n": resent})
