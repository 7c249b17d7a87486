"""The one Celery task of the daily jobs: beat runs it every morning (one entry in
config/settings.py); `manage.py send_reminders` runs the same jobs for cron-only installs."""

import datetime

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import DatabaseError

from . import jobs

# A database or broker hiccup is worth another try; a bug in a job is not.
TRANSIENT_ERRORS = (DatabaseError, ConnectionError)
MAX_RETRY_DELAY = 600


@shared_task(name="notices.run_daily_jobs", bind=True, acks_late=True, max_retries=5)
def run_daily_jobs(self, today=None, only=None, done=None):
    """Run every registered daily job; `today` as ISO date for tests and catch-up runs.
    Returns {"sent": {job: its result}, "failed": [job]}.

    Jobs that failed on a transient error are retried alone (`only`), with exponential backoff,
    carrying what the others sent (`done`); a job that failed otherwise is logged and left."""
    day = datetime.date.fromisoformat(today) if today else None
    outcomes = jobs.run(day, names=only)
    sent = dict(done or {})
    sent.update({o.job.name: o.sent for o in outcomes if o.error is None})
    transient = [o for o in outcomes if isinstance(o.error, TRANSIENT_ERRORS)]
    if transient:
        raise self.retry(
            kwargs={"today": today, "only": [o.job.name for o in transient], "done": sent},
            exc=transient[0].error,
            countdown=get_exponential_backoff_interval(
                factor=1, retries=self.request.retries, maximum=MAX_RETRY_DELAY, full_jitter=True
            ),
        )
    return {"sent": sent, "failed": [o.job.name for o in outcomes if o.error is not None]}
