from django.urls import path

from notices.views import moved_permanently

from . import views

app_name = "rectification"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_propose, name="case_propose"),
    path("bulk-close/", views.case_bulk_close, name="case_bulk_close"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("urgings/", views.urging_list, name="urging_list"),
    # The notices moved to /notices/; old bookmarks and open pages still find them.
    path("notifications/", moved_permanently("notices:notification_list")),
    path("notifications/read/", moved_permanently("notices:notification_mark_read")),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/steps/<int:step_pk>/confirm/", views.step_confirm, name="step_confirm"),
    path("<int:pk>/steps/<int:step_pk>/photos/", views.step_photos, name="step_photos"),
    path("<int:pk>/photos/<int:photo_pk>/", views.evidence_photo, name="evidence_photo"),
    path("<int:pk>/<slug:action>/", views.case_action, name="case_action"),
]
