"""A trivial task that proves the Celery wiring: a worker on the broker answers it."""

from celery import shared_task


@shared_task(name="accounts.ping")
def ping(value="pong"):
    return value
