from django.urls import path

from . import accountability_views, dashboard_views, views, views_exports

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("tables/<slug:key>/", views.table_view, name="table"),
    path("tables/<slug:key>/export/", views.table_export, name="table_export"),
    path("tables/<slug:key>/submit/", views.submit, name="submit"),
    path("submissions/", views.submission_list, name="submission_list"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/export/", views.submission_export, name="submission_export"),
    path("submissions/<int:pk>/accept/", views.submission_accept, name="submission_accept"),
    path("submissions/<int:pk>/return/", views.submission_return, name="submission_return"),
    path("submissions/<int:pk>/resubmit/", views.submission_resubmit, name="submission_resubmit"),
    path("seal/", views.seal, name="seal"),
    path("seal/image/", views.seal_image, name="seal_image"),
    path("exports/", views_exports.export_list, name="export_list"),
    path("exports/start/", views_exports.export_start, name="export_start"),
    path("exports/<int:pk>/", views_exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", views_exports.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views_exports.export_download, name="export_download"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("accountability/", accountability_views.ledger, name="accountability"),
    path(
        "accountability/export.xlsx",
        accountability_views.ledger_export,
        name="accountability_export",
    ),
    path(
        "accountability/units/<int:pk>/",
        accountability_views.unit_history,
        name="accountability_unit",
    ),
    path(
        "accountability/actions/<int:pk>/notice/",
        accountability_views.notice,
        name="accountability_notice",
    ),
]
