"""The production settings path: `check --deploy` clean from the environment, development unchanged."""

import json
import os
import subprocess
import sys
from pathlib import Path

from config import settings as config_settings

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Jq9-vX2pL7wZ0rT5yB8nM4cF6hD1sG-aE3uI9oP2qR7tY5wX0zV8bN4mK6jH",
    "ALLOWED_HOSTS": "qingling.example.cn",
    "QINGLING_HTTPS": "1",
    "EMAIL_HOST": "smtp.example.cn",
}


def run_manage(*args, extra_env=None):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QINGLING_", "EMAIL_"))
    }
    # The browser tests' conftest allows async-unsafe calls in this process; production does not.
    for name in ("SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def read_settings(names, extra_env):
    code = f"import json; from django.conf import settings; print(json.dumps([getattr(settings, n, None) for n in {names!r}]))"
    result = run_manage("shell", "-c", code, extra_env=extra_env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_environment_passes_check_deploy_at_warning_level():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", extra_env=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_check_deploy_names_what_is_missing():
    env = {
        key: value
        for key, value in PRODUCTION.items()
        if key not in {"QINGLING_HTTPS", "EMAIL_HOST"}
    }
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", extra_env=env)

    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016", "mail.E001"):
        assert check in result.stdout + result.stderr


def test_https_turns_on_redirect_hsts_and_secure_cookies():
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
    ]
    assert read_settings(names, PRODUCTION) == [True, 31536000, True, True, True, True, None]


def test_proxy_ssl_header_is_trusted_only_when_asked():
    values = read_settings(
        ["SECURE_PROXY_SSL_HEADER"], {**PRODUCTION, "QINGLING_PROXY_SSL_HEADER": "1"}
    )

    assert values == [["HTTP_X_FORWARDED_PROTO", "https"]]


def test_mail_goes_to_smtp_when_email_host_is_set():
    (mailers,) = read_settings(["MAILERS"], PRODUCTION)

    assert mailers["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailers["default"]["OPTIONS"]["host"] == "smtp.example.cn"


def test_development_defaults_serve_plain_http_with_console_mail():
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "MAILERS",
    ]
    values = read_settings(names, {"DEBUG": "1"})

    assert values[:4] == [False, 0, False, False]
    assert values[4]["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_runserver_never_keeps_postgresql_connections(monkeypatch):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "60")

    database = config_settings.database_from_url(
        "postgres://postgres@127.0.0.1:5432/qingling",
        argv=["manage.py", "runserver", "127.0.0.1:8000"],
    )

    assert database["CONN_MAX_AGE"] == 0


def test_gunicorn_and_workers_keep_connections_for_the_configured_age(monkeypatch):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "90")

    for argv in (
        ["gunicorn", "config.wsgi"],
        ["celery", "-A", "config", "worker"],
        ["manage.py", "migrate"],
    ):
        database = config_settings.database_from_url(
            "postgres://postgres@127.0.0.1:5432/qingling", argv=argv
        )
        assert database["CONN_MAX_AGE"] == 90
        assert database["CONN_HEALTH_CHECKS"] is True
