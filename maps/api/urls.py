from django.urls import path

from . import views

urlpatterns = [
    path("map/", views.MapView.as_view(), name="map-view"),
    path("map/boundaries/", views.BoundariesView.as_view(), name="map-boundaries"),
    path("map/cards/<str:kind>/<int:pk>/", views.CardView.as_view(), name="map-card"),
]
