from django.urls import path

from .views import accountability, dashboard, exports, submissions

app_name = "reporting"

urlpatterns = [
    path("", submissions.index, name="index"),
    path("tables/<slug:key>/", submissions.table_view, name="table"),
    path("tables/<slug:key>/export/", submissions.table_export, name="table_export"),
    path("tables/<slug:key>/submit/", submissions.submit, name="submit"),
    path("submissions/", submissions.submission_list, name="submission_list"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/export/", submissions.submission_export, name="submission_export"),
    path("submissions/<int:pk>/accept/", submissions.submission_accept, name="submission_accept"),
    path("submissions/<int:pk>/return/", submissions.submission_return, name="submission_return"),
    path(
        "submissions/<int:pk>/resubmit/",
        submissions.submission_resubmit,
        name="submission_resubmit",
    ),
    path("seal/", submissions.seal, name="seal"),
    path("seal/image/", submissions.seal_image, name="seal_image"),
    path("exports/", exports.export_list, name="export_list"),
    path("exports/start/", exports.export_start, name="export_start"),
    path("exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/status/", exports.export_status, name="export_status"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("exports/<int:pk>/retry/", exports.export_retry, name="export_retry"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("accountability/", accountability.ledger, name="accountability"),
    path(
        "accountability/export.xlsx",
        accountability.ledger_export,
        name="accountability_export",
    ),
    path(
        "accountability/units/<int:pk>/",
        accountability.unit_history,
        name="accountability_unit",
    ),
    path(
        "accountability/actions/<int:pk>/notice/",
        accountability.notice,
        name="accountability_notice",
    ),
]
