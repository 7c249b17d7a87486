"""Celery tasks of the reporting app, where Celery's autodiscovery looks for them: the long
export (defined beside the job it runs, reporting.exports.jobs) and the sweep of exports whose
worker or queue message was lost (beat, every QINGLING_EXPORT_SWEEP_SECONDS). The daily report
reminders run in notices.tasks.run_daily_jobs with the other daily jobs."""

from celery import shared_task

from .exports.jobs import run_export_job, sweep_jobs

__all__ = ["run_export_job", "sweep_export_jobs"]


@shared_task(name="reporting.sweep_export_jobs")
def sweep_export_jobs():
    """Resume (or fail, with 重新生成) every export whose worker died and send again every
    queued export whose message was lost, even when nobody is watching its page."""
    return sweep_jobs()
