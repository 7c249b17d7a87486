"""API pagination: page numbers for browsing, with a bounded page size."""

from rest_framework.pagination import PageNumberPagination

from accounts.pagination import EstimatedCountPaginator


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    # A million-row list is not counted exactly on every call (see accounts.pagination).
    django_paginator_class = EstimatedCountPaginator
