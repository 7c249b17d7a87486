from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("ledger-imports", views.LedgerImportViewSet, basename="ledger-import")

# The problem-rows file is named like a file (no trailing slash), which a router cannot route.
urlpatterns = [
    *router.urls,
    path(
        "ledger-imports/<str:token>/problems.xlsx",
        views.LedgerImportViewSet.as_view({"get": "problems"}),
        name="ledger-import-problems",
    ),
]
