from autopost.notifications.service import unread_count


def unread_notifications(request):
    """The header's badge on every page: one indexed count for a signed-in user, none otherwise."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications_count": 0}
    return {"unread_notifications_count": unread_count(user)}
