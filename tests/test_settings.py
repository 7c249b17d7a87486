"""Configuration from the environment: DATABASE_URL parsing and the production secret guard."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import settings as qingling_settings


def test_no_database_url_means_the_embedded_sqlite_file():
    database = qingling_settings.database_from_url("")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert str(database["NAME"]).endswith("db.sqlite3")


def test_postgres_url_is_translated_for_psycopg2():
    database = qingling_settings.database_from_url(
        "postgres://qing:p%40ss@db.example:6543/qingling?sslmode=require"
    )
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        "qingling",
        "qing",
        "p@ss",
    )
    assert (database["HOST"], database["PORT"]) == ("db.example", "6543")
    assert database["OPTIONS"] == {"sslmode": "require", "options": "-c jit=off"}


def test_postgres_sessions_run_without_jit_unless_the_url_says_otherwise():
    given = qingling_settings.database_from_url(
        "postgres://q@db/qingling?options=-c%20work_mem%3D8MB"
    )
    assert given["OPTIONS"] == {"options": "-c work_mem=8MB"}


@pytest.mark.django_db
def test_the_postgresql_connection_has_jit_off():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_sqlite_url_keeps_absolute_and_relative_paths():
    assert qingling_settings.database_from_url("sqlite:////srv/qingling/db.sqlite3")["NAME"] == (
        "/srv/qingling/db.sqlite3"
    )
    assert (
        qingling_settings.database_from_url("sqlite:///data/db.sqlite3")["NAME"]
        == "data/db.sqlite3"
    )


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured):
        qingling_settings.database_from_url("mysql://root@localhost/x")


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.setattr(qingling_settings, "DEBUG", False)
    monkeypatch.setattr(qingling_settings, "SECRET_KEY", qingling_settings.DEFAULT_SECRET_KEY)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        qingling_settings.assert_production_ready()


def test_production_starts_with_a_real_secret(monkeypatch):
    monkeypatch.setattr(qingling_settings, "DEBUG", False)
    monkeypatch.setattr(qingling_settings, "SECRET_KEY", "a-real-secret-from-the-environment")
    qingling_settings.assert_production_ready()


def test_debug_allows_the_default_secret_for_local_work(monkeypatch):
    monkeypatch.setattr(qingling_settings, "DEBUG", True)
    monkeypatch.setattr(qingling_settings, "SECRET_KEY", qingling_settings.DEFAULT_SECRET_KEY)
    qingling_settings.assert_production_ready()


def test_chinese_locale_and_shanghai_time(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_tasks_run_eagerly_without_redis(monkeypatch):
    assert qingling_settings.CELERY_TASK_ALWAYS_EAGER is (not qingling_settings.REDIS_URL)
