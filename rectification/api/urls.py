from rest_framework.routers import DefaultRouter

from .views import CampaignViewSet, CaseViewSet, UrgingViewSet

router = DefaultRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("urgings", UrgingViewSet, basename="urging")

urlpatterns = router.urls
