from django.contrib import admin

from autopost.clips.models import Clip


@admin.register(Clip)
class ClipAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "owner", "status", "size", "duration", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "owner__email")
    readonly_fields = ("storage_key", "size", "sha256", "duration", "width", "height", "video_codec", "container")
