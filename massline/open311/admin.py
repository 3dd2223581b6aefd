"""Admin: issue and revoke Open311 keys (the key is shown once, after issuing), and the service
definitions (attributes with their values, batch or real-time answer, notice) of each category.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from massline.audit.services import audit_record
from massline.lib.errors import DomainError

from . import selectors, services
from .models import ApiKey, AttributeValue, ServiceAttribute, ServiceOptions


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "contact", "rate_limit_per_minute", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "contact"]
    fields = ["name", "contact", "rate_limit_per_minute", "prefix", "created_at", "created_by", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "created_by", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "name"] if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # submissions keep pointing at the key that sent them: revoke instead

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            selectors.apikey_forget(obj.prefix)
            audit_record(action="open311.key.update", obj=obj, actor=request.user, details={"name": obj.name})
            return
        try:
            key, raw = services.apikey_create(
                name=obj.name,
                contact=obj.contact,
                rate_limit_per_minute=obj.rate_limit_per_minute,
                by=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = key.pk
        obj.prefix = key.prefix
        obj._state.adding = False
        messages.warning(
            request,
            _("The key of %(name)s is %(key)s — copy it now: it is never shown again.")
            % {"name": key.name, "key": raw},
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at__isnull=True):
            services.apikey_revoke(key=key, by=request.user)
        messages.success(request, _("Revoked."))


class AttributeValueInline(admin.TabularInline):
    model = AttributeValue
    extra = 1


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ["category", "order", "code", "datatype", "required", "variable", "description"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "description", "category__code", "category__name"]
    inlines = [AttributeValueInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        selectors.service_forget(obj.category.code)
        audit_record(action="open311.attribute.save", obj=obj, actor=request.user)

    def delete_model(self, request, obj):
        code = obj.category.code
        audit_record(action="open311.attribute.delete", obj=obj, actor=request.user)
        super().delete_model(request, obj)
        selectors.service_forget(code)


@admin.register(ServiceOptions)
class ServiceOptionsAdmin(admin.ModelAdmin):
    list_display = ["category", "type", "case_type", "service_notice"]
    list_filter = ["type", "case_type"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        selectors.service_forget(obj.category.code)
        audit_record(action="open311.service_options.save", obj=obj, actor=request.user)
