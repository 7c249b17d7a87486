"""The one place that limits what a user may see to the region subtree under their organisation.

Every view, API endpoint and export goes through `scope_to_area` (usually as
`Model.objects.visible_to(user)`), and fetches single objects with
`get_visible_or_404`, so an object outside the user's area answers 404 — it is
never shown, and its existence is not confirmed.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from .paths import ancestor_paths


def scope_to_area(queryset, user, path_field=None):
    if user is None or not user.is_authenticated:
        return queryset.none()
    path_field = path_field or queryset.model.area_path_field
    area_path = user.area_path
    if area_path is None:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": area_path})


def scope_to_area_and_above(queryset, user, path_field):
    """Rows placed inside the user's area or at a place above it (their county's departments,
    the city's campaign), never at a sibling's: what a user works with but does not own."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    area_path = user.area_path
    if area_path is None:
        return queryset
    return queryset.filter(
        Q(**{f"{path_field}__startswith": area_path})
        | Q(**{f"{path_field}__in": ancestor_paths(area_path)})
    )


def get_visible_or_404(queryset, user, **lookup):
    return get_object_or_404(scope_to_area(queryset, user), **lookup)


def covers(outer_path, inner_path):
    """Whether the place at `outer_path` covers the place at `inner_path` (itself or anything
    under it): one path prefix. None as `outer_path` is everywhere (an administrator's area,
    a campaign without region). The one test of "region A covers region B" for objects in hand,
    as the `__startswith` filters above are for querysets."""
    return outer_path is None or (inner_path or "").startswith(outer_path)


def in_area(user, path):
    """Whether a region path lies inside the user's area: the test for one object already in
    hand, as `visible_to` is for a queryset."""
    if user is None or not user.is_authenticated:
        return False
    return covers(user.area_path, path)


def ensure_in_area(user, path):
    """Refuse (404) a region path outside the user's area, e.g. a township chosen in a form."""
    if not in_area(user, path):
        raise Http404("不在您的管辖范围内。")


class AreaScopedMixin:
    """For class-based views and DRF viewsets: the base queryset is limited to the user's area."""

    def get_queryset(self):
        return scope_to_area(super().get_queryset(), self.request.user)
