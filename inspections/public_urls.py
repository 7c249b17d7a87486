"""The public tip pages under /tips/ (no login)."""

from django.urls import path

from .views import public

app_name = "tips"

urlpatterns = [
    path("", public.tip_file, name="file"),
    path("done/", public.tip_done, name="done"),
    path("lookup/", public.tip_lookup, name="lookup"),
]
