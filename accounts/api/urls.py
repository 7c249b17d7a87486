from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("organisations", views.OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("me/", views.me, name="me"),
    path("todo/", views.todo, name="todo"),
    path("todo/<slug:key>/", views.todo_list, name="todo-list"),
    path("done/", views.done, name="done"),
    *router.urls,
]
