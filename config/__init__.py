"""Project configuration: settings, URL routing, WSGI/ASGI entry points and Celery wiring."""

from .celery import app as celery_app

__all__ = ("celery_app",)
