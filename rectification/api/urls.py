from rest_framework.routers import DefaultRouter

from .views import CampaignViewSet, CaseViewSet, NotificationViewSet

router = DefaultRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls
