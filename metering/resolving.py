"""Finding the inspection a user names to resolve an alert: one of their area's, else 404."""

from django.apps import apps

from accounts.scoping import get_visible_or_404


def inspection_for_alert(inspection_id, user):
    # inspections is to this app's left: importing it is allowed; by the registry it stays lazy.
    Inspection = apps.get_model("inspections", "Inspection")
    return get_visible_or_404(Inspection.objects.all(), user, pk=inspection_id)
