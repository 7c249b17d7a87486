"""Django admin for the ledger (administrators only), with the change history of each row."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import risk
from .models import Enterprise, ImportBatch, RiskSettings, RiskWeight


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "township",
        "enterprise_type",
        "permit_status",
        "reported_on",
        "risk_score",
        "risk_band",
    ]
    list_filter = ["enterprise_type", "permit_status", "source", "sector", "risk_band"]
    search_fields = ["name", "credit_code", "address"]
    list_select_related = ["township"]
    raw_id_fields = ["township", "village", "created_by"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "township", "owner", "state", "row_count", "created_at"]
    list_filter = ["state"]
    list_select_related = ["township", "owner"]
    exclude = ["rows"]
    raw_id_fields = ["township", "owner"]


class RiskWeightForm(forms.ModelForm):
    class Meta:
        model = RiskWeight
        fields = ["kind", "points", "cap"]
        widgets = {"kind": forms.Select()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds the registered sources deduct (enterprises.risk), with their defaults.
        self.fields["kind"].widget.choices = [
            (
                kind.key,
                f"{kind.label}（默认每{kind.unit} -{kind.points}"
                + (f"，最多 -{kind.cap}" if kind.cap is not None else "")
                + "）",
            )
            for kind in risk.registered_kinds()
        ]


class RiskWeightInline(admin.TabularInline):
    model = RiskWeight
    form = RiskWeightForm
    extra = 0


@admin.register(RiskSettings)
class RiskSettingsAdmin(admin.ModelAdmin):
    """The one settings row: weights over the registered defaults and the band thresholds.
    A change takes effect for all scores at the next nightly pass (or manage.py recompute_risk)."""

    list_display = ["__str__", "high_below", "low_from", "updated_at"]
    inlines = [RiskWeightInline]

    def has_add_permission(self, request):
        return not RiskSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
