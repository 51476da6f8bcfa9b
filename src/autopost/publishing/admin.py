from django.contrib import admin, messages
from django.db.models import BooleanField, ExpressionWrapper
from django.utils.translation import gettext, gettext_lazy as _

from autopost.connections.admin import as_pre
from autopost.publishing import service, watchdog
from autopost.publishing.errors import ServiceError
from autopost.publishing.models import Publication, PublicationEvent


class PublicationEventInline(admin.TabularInline):
    model = PublicationEvent
    extra = 0
    fields = ("created_at", "from_status", "to_status", "reason", "message", "attempt")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UnclaimedFilter(admin.SimpleListFilter):
    title = _("watchdog")
    parameter_name = "unclaimed"

    def lookups(self, request, model_admin):
        return [("yes", _("Unclaimed (delayed)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return watchdog.unclaimed(queryset)
        return queryset


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Read-only: state changes go through the publish service (the retry and cancel actions),
    never through a form."""

    list_display = (
        "id", "clip", "owner", "platform", "status", "delayed", "attempts", "next_attempt_at",
        "last_error_code", "published_at",
    )
    list_filter = ("status", "platform", UnclaimedFilter)
    search_fields = ("=id", "clip__title", "clip__owner__email", "remote_id", "last_error_code")
    list_select_related = ("clip__owner", "connection")
    date_hierarchy = "created_at"
    inlines = [PublicationEventInline]
    actions = ["retry", "cancel"]
    fieldsets = (
        (None, {"fields": ("clip", "connection", "platform", "status", "delayed")}),
        (_("Schedule"), {"fields": ("scheduled_at", "next_attempt_at", "enqueued_at", "job_id")}),
        (_("Attempts"), {"fields": (
            "attempts", "lease_until", "last_error_code", "last_error_message", "progress",
        )}),
        (_("Result"), {"fields": (
            "published_at", "remote_id", "remote_url", "views", "likes", "comments", "reposts",
            "stats_updated_at",
        )}),
        (_("Dates"), {"fields": ("created_at", "updated_at")}),
    )
    readonly_fields = ("delayed", "progress")

    @admin.display(description=_("owner"), ordering="clip__owner__email")
    def owner(self, obj):
        return obj.clip.owner

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            is_delayed=ExpressionWrapper(watchdog.unclaimed_q(), output_field=BooleanField())
        )

    @admin.display(boolean=True, description=_("delayed"), ordering="is_delayed")
    def delayed(self, obj):
        return obj.is_delayed

    @admin.display(description=_("checkpoint"))
    def progress(self, obj):
        return as_pre(obj.checkpoint)

    # --- actions: through the publish service, as the owner would ----------------------------
    def has_operate_permission(self, request):
        return request.user.has_perm("publishing.change_publication")

    @admin.action(description=_("Retry selected failed publications"), permissions=["operate"])
    def retry(self, request, queryset):
        self._apply(request, queryset, service.retry_publication)

    @admin.action(description=_("Cancel selected publications"), permissions=["operate"])
    def cancel(self, request, queryset):
        self._apply(request, queryset, service.cancel_publication)

    def _apply(self, request, queryset, operation):
        done = 0
        for publication in queryset.select_related("clip__owner"):
            try:
                operation(publication.clip.owner, publication.pk)
            except ServiceError as exc:
                self.message_user(request, f"#{publication.pk}: {exc.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                gettext("Publications changed: %(count)d.") % {"count": done},
                messages.SUCCESS,
            )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
