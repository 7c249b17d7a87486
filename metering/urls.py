from django.urls import path

from . import views

app_name = "metering"

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("upload/<str:token>/", views.preview, name="preview"),
    path("upload/<str:token>/commit/", views.commit, name="commit"),
    path("unmatched/", views.unmatched, name="unmatched"),
    path("unmatched/link/", views.link, name="link"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/arrange/", views.arrange, name="arrange"),
    path("alerts/<int:pk>/resolve/", views.resolve, name="resolve"),
]
