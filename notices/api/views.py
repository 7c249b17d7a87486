"""/api/notifications/: the signed-in user's own notices (?unread=1), one or all marked read."""

from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import Notification
from ..notifications import mark_read
from .serializers import NotificationSerializer


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        queryset = Notification.objects.for_user(self.request.user)
        if self.request.query_params.get("unread") in {"1", "true"}:
            queryset = queryset.unread()
        return queryset

    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = self.get_object()
        mark_read(request.user, [notice.pk])
        notice.refresh_from_db()
        return Response(NotificationSerializer(notice).data)

    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": mark_read(request.user)})
