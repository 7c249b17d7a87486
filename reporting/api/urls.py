from rest_framework.routers import DefaultRouter

from . import views
from .accountability_views import AccountabilityActionViewSet, AccountabilityViewSet
from .export_views import ExportJobViewSet

router = DefaultRouter()
router.register("submissions", views.SubmissionViewSet, basename="submission")
router.register("report-tables", views.ReportTableViewSet, basename="report-table")
router.register("export-jobs", ExportJobViewSet, basename="export-job")
router.register(
    "accountability-actions", AccountabilityActionViewSet, basename="accountability-action"
)
router.register("accountability", AccountabilityViewSet, basename="accountability")

urlpatterns = router.urls
