from django.contrib import admin

from autopost.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """A record of what owners were told; nothing here is edited."""

    list_display = ("id", "owner", "kind", "title", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("owner__email", "title")
    list_select_related = ("owner",)
    raw_id_fields = ("publication", "connection")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
