"""Long exports: a ledger or a report table built by a Celery worker (jobs.py), with
progress, a private file (outside MEDIA_ROOT, or under exports/ in the object store) and a
download only for the requester."""
