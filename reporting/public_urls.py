"""Public pages (no login), mounted at the site root: /verify/ and /public/."""

from django.urls import path

from . import public_views

app_name = "public"

urlpatterns = [
    path("verify/", public_views.verify, name="verify"),
    path("public/", public_views.public_list, name="public_list"),
]
