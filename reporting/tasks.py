"""Celery tasks of the reporting app, where Celery's autodiscovery looks for them: the long
export (defined beside the job it runs, reporting.exports.jobs) and the check for exports whose
worker died (beat, every few minutes). The daily report reminders run in
notices.tasks.run_daily_jobs with the other daily jobs."""

from celery import shared_task

from .exports.jobs import fail_stale_jobs, run_export_job

__all__ = ["fail_stale_export_jobs", "run_export_job"]


@shared_task(name="reporting.fail_stale_export_jobs")
def fail_stale_export_jobs():
    """Mark failed every export whose worker died, so its 重新生成 shows within minutes even
    when nobody is watching its page."""
    return fail_stale_jobs()
