"""/healthz answers 200 while the database answers, 503 when it does not; where an object store
is configured it says whether the store answers (degraded, not down, when it does not), within
its 2 s timeout."""

import http.server
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection

from accounts.storage import HEALTH_TIMEOUT_S
from config.settings import object_storage


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(client, django_db_blocker, tmp_path):
    with django_db_blocker.unblock():
        original = dict(connection.settings_dict)
        # Django keeps an in-memory SQLite test database open across close(); set the live
        # handle aside instead of closing it, and put it back afterwards.
        live_handle = connection.connection
        connection.connection = None
        if connection.vendor == "postgresql":
            connection.settings_dict["PORT"] = "1"  # nothing listens there
            connection.settings_dict["OPTIONS"] = {**original["OPTIONS"], "connect_timeout": 2}
        else:
            connection.settings_dict["NAME"] = str(tmp_path / "missing-dir" / "db.sqlite3")
        try:
            response = client.get("/healthz")
        finally:
            if connection.connection is not None:
                connection.connection.close()
            connection.connection = live_handle
            connection.settings_dict.clear()
            connection.settings_dict.update(original)
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


class BucketAnswers(http.server.BaseHTTPRequestHandler):
    """An S3 endpoint that answers HEAD bucket with 200 (or waits first, when `delay`)."""

    delay = 0

    def do_HEAD(self):
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def s3_endpoint(delay=0):
    handler = type("Handler", (BucketAnswers,), {"delay": delay})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def use_store(settings, endpoint):
    environment = {
        "QINGLING_S3_BUCKET": "qingling",
        "QINGLING_S3_ENDPOINT_URL": endpoint,
        "QINGLING_S3_ACCESS_KEY_ID": "key",
        "QINGLING_S3_SECRET_ACCESS_KEY": "secret",
        "QINGLING_S3_REGION": "us-east-1",
        "QINGLING_S3_ADDRESSING_STYLE": "path",
    }
    settings.STORAGES = {**settings.STORAGES, "default": object_storage("media", environment)}


@pytest.mark.django_db
def test_healthz_says_the_configured_object_store_answers(client, settings):
    with s3_endpoint() as endpoint:
        use_store(settings, endpoint)
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "object_store": "ok"}


@pytest.mark.django_db
def test_healthz_is_degraded_not_down_when_the_object_store_does_not_answer(client, settings):
    use_store(settings, "http://127.0.0.1:9")  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "object_store": "unavailable",
    }


@pytest.mark.django_db
def test_healthz_gives_up_on_a_silent_object_store_within_its_timeout(client, settings):
    with s3_endpoint(delay=HEALTH_TIMEOUT_S + 3) as endpoint:
        use_store(settings, endpoint)
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert response.json()["object_store"] == "unavailable"
    assert elapsed < HEALTH_TIMEOUT_S + 1.5
