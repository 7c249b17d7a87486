"""API pagination: page numbers for browsing, with a bounded page size; past the first
numbered pages `next` carries a cursor (?cursor=) instead of a page number, so a deep page
costs what page 1 does (accounts.pagination.KeysetPaginator)."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from accounts.pagination import KeysetPaginator


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # A million-row list is not counted exactly on every call (see accounts.pagination).
    django_paginator_class = KeysetPaginator

    def paginate_queryset(self, queryset, request, view=None):
        if "cursor" not in request.query_params:
            rows = super().paginate_queryset(queryset, request, view)
            if rows is not None:
                self.page.paginator.with_cursor(self.page)
            return rows
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        self.page = self.django_paginator_class(queryset, page_size).page_from(request.query_params)
        return list(self.page)

    def get_next_link(self):
        cursor = getattr(self.page, "next_cursor", None)
        if cursor:
            url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
            return replace_query_param(url, "cursor", cursor)
        if getattr(self.page, "by_cursor", False) or not self.page.has_next():
            return None
        return super().get_next_link()

    def get_previous_link(self):
        if getattr(self.page, "by_cursor", False):
            # Back to the first page: a cursor leads forward only.
            url = remove_query_param(self.request.build_absolute_uri(), "cursor")
            return remove_query_param(url, self.page_query_param)
        return super().get_previous_link()
