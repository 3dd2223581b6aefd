"""Admin: officials' personal API tokens (shown once when issued; revoke instead of deleting)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import auth
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "name", "prefix"]
    fields = ["user", "name", "expires_at", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "revoked_at"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return (
            [*self.readonly_fields, "user", "name", "expires_at"] if obj is not None else self.readonly_fields
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = auth.token_create(
            user=obj.user, name=obj.name, expires_at=obj.expires_at, by=request.user
        )
        obj.pk, obj.prefix = token.pk, token.prefix
        obj._state.adding = False
        messages.warning(
            request, _("The token is %(token)s — copy it now: it is never shown again.") % {"token": raw}
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            auth.token_revoke(token=token, by=request.user)
        messages.success(request, _("Revoked."))
