"""The one place that limits what a user may see to the region subtree under their organisation.

Every view, API endpoint and export goes through `scope_to_area` (usually as
`Model.objects.visible_to(user)`), and fetches single objects with
`get_visible_or_404`, so an object outside the user's area answers 404 — it is
never shown, and its existence is not confirmed.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404


def scope_to_area(queryset, user, path_field=None):
    if user is None or not user.is_authenticated:
        return queryset.none()
    path_field = path_field or queryset.model.area_path_field
    area_path = user.area_path
    if area_path is None:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": area_path})


def get_visible_or_404(queryset, user, **lookup):
    return get_object_or_404(scope_to_area(queryset, user), **lookup)


def ensure_in_area(user, path):
    """Refuse (404) a region path outside the user's area, e.g. a township chosen in a form."""
    area_path = user.area_path
    if area_path is not None and not (path or "").startswith(area_path):
        raise Http404("不在您的管辖范围内。")


class AreaScopedMixin:
    """For class-based views and DRF viewsets: the base queryset is limited to the user's area."""

    def get_queryset(self):
        return scope_to_area(super().get_queryset(), self.request.user)
