"""Helpers every page module of the app shares: pagination, refusals onto forms, role gates."""

from django.core.exceptions import PermissionDenied

from accounts.pagination import EstimatedCountPaginator

from ..services.common import can

PAGE_SIZE = 50


def paginate(request, queryset, per_page=PAGE_SIZE):
    paginator = EstimatedCountPaginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def require(user, roles, message):
    if not can(user, roles):
        raise PermissionDenied(message)
