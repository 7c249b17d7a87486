from rest_framework.routers import DefaultRouter

from .views import CampaignViewSet, CaseViewSet

router = DefaultRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("campaigns", CampaignViewSet, basename="campaign")

urlpatterns = router.urls
