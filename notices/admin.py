"""Admin: notices and the ledger of reminders sent, to read when someone asks what went out."""

from django.contrib import admin

from .models import Notification, Reminder


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "unread", "created_at"]
    list_filter = ["kind", "unread"]
    raw_id_fields = ["recipient", "organisation", "reminder"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "due_date", "created_at"]
    search_fields = ["key"]
