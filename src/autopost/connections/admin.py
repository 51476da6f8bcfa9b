import json
import re

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from autopost.connections.models import PlatformConnection

# Option and checkpoint keys whose values are never shown, even though the secrets proper live in
# the encrypted columns: a platform adapter may one day keep something sensitive next to them.
SECRET_KEY_PATTERN = re.compile(r"token|secret|pass|session|cookie|csrf|key|auth|sig|credential", re.I)
REDACTED = "••••••"


def redact_secrets(value):
    """A copy of ``value`` with every secret-looking key's value replaced, at any depth."""
    if isinstance(value, dict):
        return {
            key: REDACTED if SECRET_KEY_PATTERN.search(str(key)) else redact_secrets(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_secrets(item) for item in value]
    return value


def as_pre(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(redact_secrets(value or {}), ensure_ascii=False, indent=2))


@admin.register(PlatformConnection)
class PlatformConnectionAdmin(admin.ModelAdmin):
    """Read-only: connecting, renewing and disconnecting go through the connection service.

    The encrypted columns are not among the fields at all, so no page can render them.
    """

    list_display = ("id", "owner", "platform", "target_name", "status", "expires_at", "updated_at")
    list_filter = ("platform", "status")
    search_fields = ("owner__email", "target_name", "target_id", "account_name")
    list_select_related = ("owner",)
    fieldsets = (
        (None, {"fields": ("owner", "platform", "status", "status_reason")}),
        (_("Account and target"), {"fields": (
            "account_id", "account_name", "target_id", "target_name", "target_url",
        )}),
        (_("Credentials"), {"fields": ("has_refresh_token", "expires_at", "settings")}),
        (_("Dates"), {"fields": ("created_at", "updated_at")}),
    )
    readonly_fields = ("has_refresh_token", "settings")

    @admin.display(boolean=True, description=_("refresh token stored"))
    def has_refresh_token(self, obj):
        return bool(obj.refresh_token_enc)

    @admin.display(description=_("options"))
    def settings(self, obj):
        return as_pre(obj.options)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would drop its publications without cancelling their jobs; disconnect instead.
        return False
