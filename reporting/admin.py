"""Submissions in Django admin: for looking only — states change through services.py."""

from django.contrib import admin

from .models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "period",
        "version",
        "state",
        "organisation",
        "submitted_at",
        "verification_code",
    ]
    list_filter = ["table_key", "state", "period"]
    search_fields = ["title", "verification_code", "organisation__name"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
