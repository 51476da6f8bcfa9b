from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from autopost.accounts.models import ApiToken, User


class AutopostUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "plan")


class AutopostUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class AutopostUserAdmin(UserAdmin):
    """People sign in with their e-mail; the username column only mirrors it."""

    form = AutopostUserChangeForm
    add_form = AutopostUserCreationForm
    list_display = ("email", "plan", "is_active", "is_staff", "date_joined", "last_login")
    list_filter = ("plan", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password", "plan")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (_("Permissions"), {"fields": (
            "is_active", "is_staff", "is_superuser", "groups", "user_permissions",
        )}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": (
            "email", "plan", "usable_password", "password1", "password2",
        )}),
    )
    readonly_fields = ("last_login", "date_joined")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by ``autopost createuser --api-token`` (the raw value is shown once there);
    here they can only be looked at and revoked (deleted)."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at")
    search_fields = ("prefix", "name", "user__email")
    list_select_related = ("user",)
    fields = ("prefix", "name", "user", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
