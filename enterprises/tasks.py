"""Housekeeping for the ledger: previews of Excel imports nobody confirmed are dropped after a week."""

import datetime

from celery import shared_task
from django.utils import timezone

from .models import ImportBatch

STALE_PREVIEW_AGE = datetime.timedelta(days=7)


@shared_task
def purge_stale_import_previews():
    """Delete unconfirmed import previews older than a week; committed batches are kept."""
    cutoff = timezone.now() - STALE_PREVIEW_AGE
    deleted, _ = ImportBatch.objects.filter(
        state=ImportBatch.State.PREVIEW, created_at__lt=cutoff
    ).delete()
    return deleted
