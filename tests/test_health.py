"""/healthz answers 200 while the database answers, 503 when it does not."""

import pytest
from django.db import connection


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
