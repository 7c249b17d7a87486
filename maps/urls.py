from django.urls import path

from . import views

app_name = "maps"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("wall.pdf", views.wall_pdf, name="wall"),
]
