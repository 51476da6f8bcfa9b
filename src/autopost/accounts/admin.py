from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from autopost.accounts.models import ApiToken, User


@admin.register(User)
class AutopostUserAdmin(UserAdmin):
    list_display = ("email", "plan", "is_active", "is_staff")
    fieldsets = UserAdmin.fieldsets + (("autopost", {"fields": ("plan",)}),)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at")
    readonly_fields = ("prefix", "token_hash")
