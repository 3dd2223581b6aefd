"""Admin of the practical projects: read and correct; the year's work itself runs through the staff pages."""

from django.contrib import admin

from .models import Escalation, Milestone, Nomination, PhaseWindow, Programme, Project


class PhaseWindowInline(admin.TabularInline):
    model = PhaseWindow
    extra = 0
    readonly_fields = ("opened_at", "closed_at")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "region", "unit", "phase", "budget")
    list_filter = ("year", "phase")
    readonly_fields = ("phase", "results_published_at", "result")
    inlines = [PhaseWindowInline]


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "programme", "theme", "status", "cost", "owner_unit")
    list_filter = ("status", "theme")
    readonly_fields = ("status", "merged_into", "deputy_votes", "deputy_against", "deputy_abstain")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "owner_unit", "status", "budget", "spent")
    list_filter = ("status", "theme")
    readonly_fields = ("status", "progress_set", "carried_into")


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "due_on", "done_at", "warned_at", "overdue_at")
    readonly_fields = ("clock", "done_at", "warned_at", "overdue_at")


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("milestone", "unit", "level", "due_at", "created_at")
    list_filter = ("level",)
