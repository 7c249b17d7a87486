"""Admin: closure-checklist variants and campaigns are data an administrator edits here.
Cases are read here, never moved: state changes go through the workflow."""

from django.contrib import admin

from .models import (
    Campaign,
    CampaignPhase,
    Case,
    CaseEvent,
    ChecklistStep,
    ClosureChecklist,
    DeadlineExtension,
)


class ChecklistStepInline(admin.TabularInline):
    model = ChecklistStep
    extra = 1


@admin.register(ClosureChecklist)
class ClosureChecklistAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    inlines = [ChecklistStepInline]


class CampaignPhaseInline(admin.TabularInline):
    model = CampaignPhase
    extra = 1


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "region", "closure_checklist", "is_active"]
    list_filter = ["year", "is_active"]
    inlines = [CampaignPhaseInline]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "action",
        "from_state",
        "to_state",
        "actor",
        "created_at",
        "comment",
        "inspection_label",
    ]
    fields = readonly_fields


class DeadlineExtensionInline(admin.TabularInline):
    model = DeadlineExtension
    extra = 0
    can_delete = False
    readonly_fields = ["previous_deadline", "new_deadline", "reason", "approver", "requested_by"]
    fields = readonly_fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "enterprise", "campaign", "disposal", "state", "deadline"]
    list_filter = ["state", "disposal", "is_relapse", "is_quasi"]
    search_fields = ["number", "enterprise__name"]
    list_select_related = ["enterprise", "campaign"]
    raw_id_fields = ["enterprise", "responsible_unit", "responsible_user", "created_by"]
    readonly_fields = ["state", "version", "region_path", "closed_on"]
    inlines = [DeadlineExtensionInline, CaseEventInline]
