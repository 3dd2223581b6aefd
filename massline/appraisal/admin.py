"""Admin of appraisal: rule sets and rankings are records to read (they change only through services);
conduct ratings are listed for discipline and personnel work, never edited."""

from django.contrib import admin

from .models import ConductRating, Ranking, RankingAdjustment, RankingRow, RuleSet


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RankingRowInline(admin.TabularInline):
    model = RankingRow
    fields = (
        "unit",
        "group",
        "rank",
        "volume",
        "response_rate",
        "resolution_rate",
        "satisfaction_rate",
        "score",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyAdmin):
    list_display = (
        "valid_from",
        "weight_response",
        "weight_resolution",
        "weight_satisfaction",
        "basic_factor",
        "visits",
        "group_bounds",
        "created_by",
        "created_at",
    )


@admin.register(Ranking)
class RankingAdmin(ReadOnlyAdmin):
    list_display = ("month", "status", "computed_at", "published_at", "published_by")
    inlines = [RankingRowInline]


@admin.register(RankingAdjustment)
class RankingAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("ranking", "corrected", "unit", "field", "published_value", "corrected_value")


@admin.register(ConductRating)
class ConductRatingAdmin(ReadOnlyAdmin):
    list_display = ("case", "official", "attitude", "efficiency", "honesty", "rated_at")
    raw_id_fields = ("case",)
