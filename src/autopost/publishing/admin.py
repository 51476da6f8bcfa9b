from django.contrib import admin

from autopost.publishing.models import Publication, PublicationEvent


class PublicationEventInline(admin.TabularInline):
    model = PublicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "from_status", "to_status", "reason", "message", "attempt")


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Read-only: state changes go through the publish service, never through a form."""

    list_display = ("id", "clip", "platform", "status", "attempts", "next_attempt_at", "published_at")
    list_filter = ("platform", "status")
    search_fields = ("clip__title", "remote_id")
    inlines = [PublicationEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
