"""Django admin for field work. The reporter's name and contact are left out of the tip admin:
they belong to the office handling the tip, which sees them in the app."""

from django.contrib import admin

from .models import Inspection, SpotCheckRound, SupervisionTransfer, Team, TeamMember, Tip


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "out_on"]
    list_filter = ["out_on"]
    inlines = [TeamMemberInline]
    raw_id_fields = ["organisation", "created_by"]
    readonly_fields = ["member_count"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.count_members()


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["inspected_on", "inspection_type", "result", "township", "team"]
    list_filter = ["inspection_type", "result"]
    raw_id_fields = [
        "organisation",
        "team",
        "enterprise",
        "township",
        "tip",
        "spot_check_round",
        "created_by",
    ]
    list_select_related = ["township", "team"]


@admin.register(SpotCheckRound)
class SpotCheckRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "period_start", "period_end", "target_share"]
    raw_id_fields = ["county", "organisation", "created_by"]


@admin.register(SupervisionTransfer)
class SupervisionTransferAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "township", "requirement", "transferred_on", "status"]
    list_filter = ["requirement", "status"]
    raw_id_fields = [
        "enterprise",
        "township",
        "found_by",
        "inspection",
        "completed_by",
        "created_by",
    ]


@admin.register(Tip)
class TipAdmin(admin.ModelAdmin):
    list_display = ["receipt_number", "channel", "received_at", "state", "reward"]
    list_filter = ["state", "channel", "reward"]
    exclude = ["reporter_name", "reporter_contact"]
    readonly_fields = ["receipt_number"]
    raw_id_fields = ["county", "township", "assigned_organisation", "enterprise", "created_by"]
