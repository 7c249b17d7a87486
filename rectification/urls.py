from django.urls import path

from . import views

app_name = "rectification"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_propose, name="case_propose"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notification_mark_read, name="notification_mark_read"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/steps/<int:step_pk>/confirm/", views.step_confirm, name="step_confirm"),
    path("<int:pk>/steps/<int:step_pk>/photos/", views.step_photos, name="step_photos"),
    path("<int:pk>/<slug:action>/", views.case_action, name="case_action"),
]
