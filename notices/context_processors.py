"""The bell: the signed-in user's unread notice count on every page (one small query)."""

from .models import Notification


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: the template evaluates it only where the bell is drawn.
    return {
        "unread_notification_count": lambda: Notification.objects.for_user(user).unread().count()
    }
