import posixpath

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils import timezone

from .models import ApiToken, CalendarDay, Organisation, Region, User, api_token_lifetime


class StoredFileLink:
    """What the admin's file input shows of a stored file: its name, linked to `url`."""

    def __init__(self, name, url):
        self.name = name
        self.url = url

    def __str__(self):
        return self.name


class CheckedFileWidget(AdminFileWidget):
    """The admin's file input whose link goes through the app's file view (area checked,
    never sniffed) — /media/ is served by nothing, and a storage URL would skip the check.
    Without `view_url` no link is shown."""

    view_url = None

    def format_value(self, value):
        value = super().format_value(value)
        if value is None or self.view_url is None:
            return None
        return StoredFileLink(posixpath.basename(value.name), self.view_url)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "township_kind", "parent"]
    list_filter = ["level", "township_kind"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department", "region", "contact_person"]
    list_filter = ["kind", "department"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["region"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "seal":
            kwargs["widget"] = CheckedFileWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "seal" in form.base_fields:
            widget = form.base_fields["seal"].widget
            widget.view_url = reverse("accounts:organisation_seal", args=[obj.pk])
        return form


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "organisation__kind"]
    search_fields = ["username", "full_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("清零", {"fields": ("full_name", "phone", "organisation", "role")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("清零", {"fields": ("full_name", "organisation", "role")}),
    )


admin.site.site_header = "清零 · 散乱污整治管理后台"
admin.site.site_title = "清零管理后台"
admin.site.index_title = "系统管理"


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Issuing a token: choose the user (and a purpose); the key is shown once, on save. To
    revoke one, delete it or move its expiry into the past."""

    list_display = ["user", "name", "prefix", "created_at", "expires_at"]
    search_fields = ["user__username", "user__full_name", "name", "prefix"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created_at"]

    def get_fields(self, request, obj=None):
        return (
            ["user", "name"]
            if obj is None
            else ["user", "name", "prefix", "created_at", "expires_at"]
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "prefix", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        token, key = ApiToken.issue(obj.user, name=obj.name)
        obj.pk, obj.prefix, obj.digest = token.pk, token.prefix, token.digest
        obj.created_at, obj.expires_at = token.created_at, token.expires_at
        days = api_token_lifetime().days
        messages.warning(
            request,
            f"新令牌（只显示这一次，请立即复制保存）：{key} —— 有效期 {days} 天，"
            f"至 {timezone.localtime(token.expires_at):%Y-%m-%d}。",
        )
        return None
