"""Staff pages of field work under /inspections/."""

from django.urls import path

from .views import inspections, spot_checks, supervision, tips

app_name = "inspections"

urlpatterns = [
    path("", inspections.inspection_list, name="inspection_list"),
    path(
        "<int:pk>/photos/<int:photo_pk>/",
        inspections.inspection_photo,
        name="inspection_photo",
    ),
    path("new/", inspections.inspection_create, name="inspection_create"),
    path("<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("enterprise-options/", inspections.enterprise_options, name="enterprise_options"),
    path("spot-checks/coverage/", spot_checks.coverage, name="coverage"),
    path("spot-checks/", spot_checks.round_list, name="round_list"),
    path("spot-checks/new/", spot_checks.round_create, name="round_create"),
    path("spot-checks/<int:pk>/", spot_checks.round_detail, name="round_detail"),
    path("spot-checks/<int:pk>/redraw/", spot_checks.round_redraw, name="round_redraw"),
    path("supervision/", supervision.transfer_list, name="transfer_list"),
    path("supervision/export.xlsx", supervision.transfer_export, name="transfer_export"),
    path("supervision/new/", supervision.transfer_create, name="transfer_create"),
    path("supervision/<int:pk>/", supervision.transfer_detail, name="transfer_detail"),
    path("tips/", tips.tip_list, name="tip_list"),
    path("tips/new/", tips.tip_create, name="tip_create"),
    path("tips/export.xlsx", tips.tip_export, name="tip_export"),
    path("tips/<int:pk>/", tips.tip_detail, name="tip_detail"),
    path("tips/<int:pk>/photos/<int:photo_pk>/", tips.tip_photo, name="tip_photo"),
]
