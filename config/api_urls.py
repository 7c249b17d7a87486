"""/api/: each app contributes its own router; the OpenAPI schema and its browsable docs live here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP refuses inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("auth/", include("rest_framework.urls")),
    path("", include("accounts.api.urls")),
    path("", include("notices.api.urls")),
    path("", include("enterprises.api.urls")),
    path("", include("rectification.api.urls")),
    path("", include("inspections.api.urls")),
    path("", include("metering.api.urls")),
    path("", include("maps.api.urls")),
    path("", include("reporting.api.urls")),
]
