from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("submissions", views.SubmissionViewSet, basename="submission")
router.register("report-tables", views.ReportTableViewSet, basename="report-table")

urlpatterns = router.urls
