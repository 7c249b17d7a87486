from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("tables/<slug:key>/", views.table_view, name="table"),
    path("tables/<slug:key>/export/", views.table_export, name="table_export"),
    path("tables/<slug:key>/submit/", views.submit, name="submit"),
    path("submissions/", views.submission_list, name="submission_list"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/export/", views.submission_export, name="submission_export"),
    path("submissions/<int:pk>/accept/", views.submission_accept, name="submission_accept"),
    path("submissions/<int:pk>/return/", views.submission_return, name="submission_return"),
    path("submissions/<int:pk>/resubmit/", views.submission_resubmit, name="submission_resubmit"),
    path("seal/", views.seal, name="seal"),
    path("seal/image/", views.seal_image, name="seal_image"),
]
