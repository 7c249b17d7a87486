from django.contrib import admin

from .models import ConsumptionBatch, MeteringSettings, PowerAlert


@admin.register(MeteringSettings)
class MeteringSettingsAdmin(admin.ModelAdmin):
    """The rules' thresholds: one row (the defaults until an administrator changes them)."""

    list_display = ["__str__", "monthly_threshold_kwh", "daily_threshold_kwh", "baseline_share"]

    def has_add_permission(self, request):
        return not MeteringSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsumptionBatch)
class ConsumptionBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "area", "owner", "state", "row_count", "error_count", "created_at"]
    readonly_fields = [field.name for field in ConsumptionBatch._meta.fields]


@admin.register(PowerAlert)
class PowerAlertAdmin(admin.ModelAdmin):
    """Read-only: an alert's state moves only through metering.alerts."""

    list_display = ["enterprise", "rule", "period_month", "kwh", "state"]
    list_filter = ["rule", "state"]
    raw_id_fields = ["enterprise"]
    readonly_fields = [field.name for field in PowerAlert._meta.fields]
