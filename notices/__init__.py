"""Notices to people and the daily reminder jobs: the Notification and Reminder models, notify_once
and its channels (in-app, e-mail), the bell, the list page and /api/notifications/, and the
registry of daily jobs the apps to the right fill in (one Celery task and `manage.py
send_reminders` run them all). Depends on accounts only."""
