from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")

urlpatterns = router.urls
