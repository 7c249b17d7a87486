from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone

from .models import ApiToken, CalendarDay, Organisation, Region, User, api_token_lifetime


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
