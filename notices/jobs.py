"""The registry of daily jobs: each app registers the reminder job it owns from its
AppConfig.ready() (rectification: case deadlines; inspections: waiting tips; reporting: report
deadlines), so this app runs them all without importing any of them. The one Celery task
(`notices.tasks.run_daily_jobs`, one beat entry) and `manage.py send_reminders` both call `run`.

A job is `func(today)` (`today` a date, or None for the local date) returning how many notices
it sent: a number, or {kind: number}. Every job is idempotent per day (notify_once), so running
them again — a retry, a catch-up, cron and beat both — sends nothing twice.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from .notifications import gathering

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    func: object


@dataclass(frozen=True)
class Outcome:
    job: Job
    sent: object = None
    error: Exception | None = None

    @property
    def count(self):
        """The number of new notices, whatever shape the job reported them in."""
        if self.sent is None:
            return 0
        if isinstance(self.sent, Mapping):
            return sum(self.sent.values())
        return int(self.sent)


_jobs = {}


def register(name, func, label):
    """Add (or replace) the daily job `name`; `label` is its Chinese name in the command's output."""
    _jobs[name] = Job(name, label, func)


def unregister(name):
    _jobs.pop(name, None)


def registered():
    return list(_jobs.values())


def run(today=None, names=None):
    """Run every registered job (or those named) in registration order; a job that fails is
    logged and reported in its Outcome, and the others still run.

    Each job runs in one transaction with its notices gathered (notifications.gathering): a
    person its reminders reach many times gets one digest per kind. A job that fails leaves
    nothing behind, so its retry sends what it had not."""
    outcomes = []
    for job in registered():
        if names is not None and job.name not in names:
            continue
        try:
            with transaction.atomic(), gathering():
                sent = job.func(today)
        except Exception as error:
            logger.exception("daily job %s failed", job.name)
            outcomes.append(Outcome(job, error=error))
        else:
            outcomes.append(Outcome(job, sent=sent))
    return outcomes
