"""Celery tasks of the reporting app: the daily report-deadline reminders (beat runs it each
morning) and long exports (queued by reporting.export_jobs.request_*_export)."""

import datetime

from celery import shared_task
from django.db import DatabaseError

from .export_jobs import run_export
from .reminders import send_report_reminders


@shared_task(
    name="reporting.send_report_reminders",
    acks_late=True,
    autoretry_for=(DatabaseError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def report_reminders(today=None):
    """`today` as ISO date (tests and catch-up runs); notices are idempotent per deadline."""
    return send_report_reminders(datetime.date.fromisoformat(today) if today else None)


@shared_task(name="reporting.run_export_job", acks_late=True)
def run_export_job(job_id):
    """Build one ExportJob's workbook; a redelivered task finds the job taken and does nothing."""
    return run_export(job_id)
