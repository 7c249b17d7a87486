"""Celery tasks of the reporting app, where Celery's autodiscovery looks for them: the long
export (defined beside the job it runs, reporting.exports.jobs). The daily report reminders
run in notices.tasks.run_daily_jobs with the other daily jobs."""

from .exports.jobs import run_export_job

__all__ = ["run_export_job"]
