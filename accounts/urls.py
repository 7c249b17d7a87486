from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.QinglingLoginView.as_view(), name="login"),
    path("logout/", views.QinglingLogoutView.as_view(), name="logout"),
    path("password/", views.OwnPasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        views.OwnPasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("organisations/<int:pk>/seal/", views.organisation_seal, name="organisation_seal"),
    path("done/", views.done, name="done"),
    path("regions/", views.region_list, name="region_list"),
    path("place-options/", views.place_options, name="place_options"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
]
