from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("tips", views.TipViewSet, basename="tip")
router.register(
    "supervision-transfers", views.SupervisionTransferViewSet, basename="supervision-transfer"
)

router.register("spot-check-rounds", views.SpotCheckRoundViewSet, basename="spot-check-round")

urlpatterns = [
    path("spot-check-coverage/", views.spot_check_coverage_view, name="spot-check-coverage"),
    *router.urls,
]
