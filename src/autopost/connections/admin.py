from django.contrib import admin

from autopost.connections.models import PlatformConnection


@admin.register(PlatformConnection)
class PlatformConnectionAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "platform", "target_name", "status", "expires_at", "updated_at")
    list_filter = ("platform", "status")
    search_fields = ("owner__email", "target_name", "target_id", "account_name")
    # Secrets are never rendered, not even encrypted.
    exclude = ("access_token_enc", "refresh_token_enc")
    readonly_fields = ("owner", "platform", "account_id", "target_id", "created_at", "updated_at")
