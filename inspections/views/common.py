"""Helpers every page module of the app shares: pagination, refusals onto forms, role gates."""

from django.core.exceptions import PermissionDenied

from accounts.pagination import KeysetPaginator

from ..services.common import can

PAGE_SIZE = 50


def paginate(request, queryset, per_page=PAGE_SIZE):
    paginator = KeysetPaginator(queryset, per_page)
    page = paginator.page_from(request.GET)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    return page, query.urlencode()


def require(user, roles, message):
    if not can(user, roles):
        raise PermissionDenied(message)
