from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from autopost.clips.models import Clip


@admin.register(Clip)
class ClipAdmin(admin.ModelAdmin):
    """Title and description can be corrected; the file and what was probed from it cannot."""

    list_display = ("id", "title", "owner", "status", "size", "duration", "publication_count", "created_at")
    list_filter = ("status", "container")
    search_fields = ("=id", "title", "owner__email", "sha256")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    fields = (
        "owner", "title", "description", "status", "status_message", "original_filename",
        "storage_key", "content_type", "size", "sha256", "duration", "width", "height",
        "video_codec", "container", "created_at",
    )
    readonly_fields = tuple(name for name in fields if name not in ("title", "description"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(publication_count=Count("publications"))

    @admin.display(description=_("publications"), ordering="publication_count")
    def publication_count(self, obj):
        return obj.publication_count

    def has_add_permission(self, request):
        return False  # clips arrive through the upload API, which stores and probes the file

    def has_delete_permission(self, request, obj=None):
        # Deleting would drop its publications (live ones too) without cancelling their jobs.
        return False
