from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("power-alerts", views.PowerAlertViewSet, basename="power-alert")
router.register("power-imports", views.ConsumptionImportViewSet, basename="power-import")

urlpatterns = router.urls
