"""Celery tasks of the reporting app: long exports (queued by reporting.export_jobs.request_*_export).
The daily report reminders run in notices.tasks.run_daily_jobs with the other daily jobs."""

from celery import shared_task

from .export_jobs import run_export


@shared_task(name="reporting.run_export_job", acks_late=True)
def run_export_job(job_id):
    """Build one ExportJob's workbook; a redelivered task finds the job taken and does nothing."""
    return run_export(job_id)
