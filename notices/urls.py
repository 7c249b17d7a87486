from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("read/", views.notification_mark_read, name="notification_mark_read"),
]
