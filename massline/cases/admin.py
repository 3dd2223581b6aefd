"""The admin site for demands: administrators edit the category tree, its time-limit policies and the
knowledge base; demands and everything that hangs off them are read-only here, because every change to
a demand must go through the services (transition rules, timeline, audit) on the workbench.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from massline.audit.services import audit_record, diff_fields, snapshot

from .models import (
    AccountabilityRecord,
    Assignment,
    Case,
    CaseEvent,
    Category,
    ExclusionReview,
    Extension,
    KnowledgeArticle,
    Notification,
    TimeLimitPolicy,
)

POLICY_FIELDS = [
    "category",
    "urgency",
    "sign_amount",
    "sign_unit",
    "contact_amount",
    "contact_unit",
    "reply_amount",
    "reply_unit",
    "warn_at",
    "max_extensions",
]


class AuditedAdmin(admin.ModelAdmin):
    """Reference data edited in the admin leaves an audit event like any service write."""

    audit_fields = ()

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk), self.audit_fields) if change else {}
        super().save_model(request, obj, form, change)
        after = snapshot(obj, self.audit_fields)
        audit_record(
            action=f"cases.{obj._meta.model_name}.{'update' if change else 'create'}",
            obj=obj,
            actor=request.user,
            changes=diff_fields(before, after, self.audit_fields) if change else {},
        )

    def delete_model(self, request, obj):
        audit_record(action=f"cases.{obj._meta.model_name}.delete", obj=obj, actor=request.user)
        super().delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference; changed only through the services on the workbench."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TimeLimitPolicyInline(admin.TabularInline):
    model = TimeLimitPolicy
    extra = 0
    fields = POLICY_FIELDS[1:]


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["indented_name", "code", "default_unit", "route_by_place", "is_active"]
    list_filter = ["is_active", "route_by_place"]
    search_fields = ["code", "name", "name_en", "keywords"]
    autocomplete_fields = ["parent", "default_unit"]
    inlines = [TimeLimitPolicyInline]
    audit_fields = ["name", "name_en", "parent", "default_unit", "route_by_place", "is_active", "keywords"]

    def get_readonly_fields(self, request, obj=None):
        # Codes and parents are fixed once created: paths (and the subtree queries on them) never go stale.
        return ["code", "parent"] if obj else []

    @admin.display(description=_("category"), ordering="path")
    def indented_name(self, obj):
        return f"{'— ' * max(obj.depth, 0)}{obj.label}"


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(AuditedAdmin):
    list_display = [
        "__str__",
        "sign_amount",
        "sign_unit",
        "contact_amount",
        "contact_unit",
        "reply_amount",
        "reply_unit",
        "warn_at",
        "max_extensions",
    ]
    list_filter = ["urgency", "reply_unit"]
    search_fields = ["category__name", "category__name_en", "category__code"]
    autocomplete_fields = ["category"]
    audit_fields = POLICY_FIELDS


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    fields = ["unit", "role", "status", "dispatched_at", "forced", "signed_by", "signed_at", "return_reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    # No personal data in the list: the citizen's contact is on the workbench, where reading it is logged.
    list_display = [
        "tracking_code",
        "title",
        "status",
        "urgency",
        "category",
        "lead_unit",
        "received_at",
        "is_overdue",
    ]
    list_filter = ["status", "urgency", "type", "channel", "is_overdue", "excluded_from_appraisal"]
    search_fields = ["tracking_code", "title"]
    date_hierarchy = "received_at"
    list_select_related = ["category", "lead_unit"]
    exclude = ["citizen", "idempotency_key"]
    inlines = [AssignmentInline]
    show_full_result_count = False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["case", "unit", "role", "status", "dispatched_at", "signed_at", "forced"]
    list_filter = ["role", "status", "forced"]
    list_select_related = ["case", "unit"]
    search_fields = ["case__tracking_code", "unit__name"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "at", "actor", "unit"]
    list_filter = ["kind"]
    list_select_related = ["case", "actor", "unit"]
    search_fields = ["case__tracking_code"]
    show_full_result_count = False


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["case", "unit", "amount", "unit_of_time", "status", "requested_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["case", "unit"]


@admin.register(AccountabilityRecord)
class AccountabilityRecordAdmin(ReadOnlyAdmin):
    list_display = ["case", "unit", "official", "kind", "decision", "opened_at", "decided_at"]
    list_filter = ["kind", "decision"]
    list_select_related = ["case", "unit", "official"]


@admin.register(ExclusionReview)
class ExclusionReviewAdmin(ReadOnlyAdmin):
    list_display = ["case", "decision", "requested_by", "requested_at", "decided_by"]
    list_filter = ["decision"]
    list_select_related = ["case", "requested_by", "decided_by"]


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(AuditedAdmin):
    list_display = ["question", "category", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["question", "answer", "keywords"]
    autocomplete_fields = ["category"]
    audit_fields = ["question", "answer", "category", "keywords", "is_published"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "text", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
