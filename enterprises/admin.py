"""Django admin for the ledger (administrators only), with the change history of each row."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Enterprise, ImportBatch


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "township", "enterprise_type", "permit_status", "reported_on"]
    list_filter = ["enterprise_type", "permit_status", "source", "sector"]
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
