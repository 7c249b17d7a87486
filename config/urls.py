from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("notices/", include("notices.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("cases/", include("rectification.urls")),
    path("inspections/", include("inspections.urls")),
    path("tips/", include("inspections.public_urls")),  # public tip pages, no login
    path("power/", include("metering.urls")),
    path("map/", include("maps.urls")),
    path("reports/", include("reporting.urls")),
    # /verify/ and /public/: open to anyone, no login
    path("", include("reporting.public_urls")),
]
