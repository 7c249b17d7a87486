"""Keeps each case's copy of its enterprise's region path current, so area scoping of cases
stays right when a ledger row is moved to another village or township."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from enterprises.models import Enterprise

from .models import Case


@receiver(post_save, sender=Enterprise, dispatch_uid="rectification_case_region_path")
def follow_enterprise_region(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    Case.objects.filter(enterprise=instance).exclude(region_path=instance.region_path).update(
        region_path=instance.region_path
    )
