"""Side effects run after commit, and never undo the answer to work already committed.

A notice sent, a dashboard cache token replaced, a task queued: each one runs once the
change that caused it is committed (a worker or another process must find the rows), and
by then the change is done. If the side effect fails — Redis down, the mail server away —
the user must still be told their change was saved, so the failure is logged, not raised.
Every `transaction.on_commit` of the project goes through `after_commit`.
"""

import functools
import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def guarded(fn, description=None):
    """`fn` wrapped so that an exception is logged (with its traceback) and swallowed."""
    name = description or getattr(fn, "__qualname__", repr(fn))

    @functools.wraps(fn)
    def run():
        try:
            return fn()
        except Exception:
            logger.exception("side effect after commit failed: %s", name)
            return None

    return run


def after_commit(fn, description=None, using=None):
    """Run `fn()` once the current transaction commits (at once outside one); its failure is
    logged, never raised into the request that committed. Returns the callback registered (a
    caller may look for it among the connection's pending ones: still to run, or dropped by a
    rollback)."""
    callback = guarded(fn, description)
    transaction.on_commit(callback, using=using)
    return callback


def still_pending(callback, using=None):
    """Whether `callback` (returned by after_commit) waits for the current transaction to
    commit: False once it ran, or once a rollback dropped it."""
    connection = transaction.get_connection(using)
    return any(pending is callback for _, pending, *_ in connection.run_on_commit)
