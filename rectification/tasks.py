"""Celery tasks of the rectification app: the daily reminder job (beat runs it every morning;
`manage.py send_reminders` runs the same function for cron-only installs)."""

import datetime

from celery import shared_task
from django.db import DatabaseError

from .reminders import send_due_reminders


@shared_task(
    name="rectification.send_reminders",
    acks_late=True,
    autoretry_for=(DatabaseError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def send_reminders(today=None):
    """`today` as ISO date (tests and catch-up runs); the notices are idempotent per day."""
    day = datetime.date.fromisoformat(today) if today else None
    return send_due_reminders(day)
