from rest_framework.routers import DefaultRouter

from .accountability import AccountabilityActionViewSet, AccountabilityViewSet
from .exports import ExportJobViewSet
from .submissions import ReportTableViewSet, SubmissionViewSet

router = DefaultRouter()
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("report-tables", ReportTableViewSet, basename="report-table")
router.register("export-jobs", ExportJobViewSet, basename="export-job")
router.register(
    "accountability-actions", AccountabilityActionViewSet, basename="accountability-action"
)
router.register("accountability", AccountabilityViewSet, basename="accountability")

urlpatterns = router.urls
