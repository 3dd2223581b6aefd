from django.contrib import admin

from .models import AutoDispatchRule, RoutingModel, Suggestion


@admin.register(RoutingModel)
class RoutingModelAdmin(admin.ModelAdmin):
    list_display = ("target", "version", "status", "trained_at", "n_train", "macro_f1", "top3_accuracy")
    list_filter = ("target", "status")
    exclude = ("blob", "holdout")
    readonly_fields = [f.name for f in RoutingModel._meta.fields if f.name not in ("blob", "holdout")]

    def has_add_permission(self, request):
        return False  # models come from training only


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("case", "target", "created_at", "accepted", "returned")
    list_filter = ("target", "accepted", "returned")
    raw_id_fields = ("case", "model")


@admin.register(AutoDispatchRule)
class AutoDispatchRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "threshold", "precision", "set_by", "set_at")
    readonly_fields = ("category", "threshold", "precision", "set_by", "set_at")

    def has_add_permission(self, request):
        return False  # thresholds are set on the routing page, which checks the backtest
