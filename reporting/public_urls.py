"""Public pages (no login), mounted at the site root: /verify/ and /public/."""

from django.urls import path

from .views import public

app_name = "public"

urlpatterns = [
    path("verify/", public.verify, name="verify"),
    path("public/", public.public_list, name="public_list"),
]
