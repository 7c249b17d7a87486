"""Bytes transferred by the ledger and the dashboard, first view (empty cache) and repeat view,
as headless Chromium sees them (CDP Network.loadingFinished encodedDataLength: headers and
compressed bodies). The app runs as in production: gunicorn, DEBUG off, collectstatic with
the manifest (hashed names, gzip/brotli copies). Targets: ledger ≤ 120 KB and dashboard ≤
350 KB on first view, ≤ 15 KB on a repeat view.

Needs Chromium (/usr/bin/chromium or CHROMIUM_PATH) and Playwright; skipped without them.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import override_settings

from .common import NO_DEMO_DATA, data_size, demo_user

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PAGES = (
    ("county", "ledger", "/enterprises/", 120),
    ("city", "ledger", "/enterprises/", 120),
    ("county", "dashboard", "/reports/dashboard/", 350),
    ("city", "dashboard", "/reports/dashboard/", 350),
)
REPEAT_TARGET_KB = 15


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The server runs with DEBUG off, which refuses the development key: its own key, with which
# the sessions below are signed too.
SERVER_SECRET_KEY = "bench-transfer-" + "k3Jq9vX2pL7wZ0rT5yB8nM4cF6hD1sGaE3uI9oP2qR7tY5wX0zV8"


def session_for(username):
    """A database session signed in as the demo user (the server shares the database)."""
    user = demo_user(username)
    with override_settings(SECRET_KEY=SERVER_SECRET_KEY):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
    return store.session_key


def start_server(static_root, port):
    env = {
        **os.environ,
        "DEBUG": "0",
        "STATIC_MANIFEST": "1",
        "STATIC_ROOT": str(static_root),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": SERVER_SECRET_KEY,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def transferred(page, cdp, url):
    """KB the browser received loading `url` (every request the page makes)."""
    sizes = {}
    cdp.on("Network.loadingFinished", lambda event: sizes.update({event["requestId"]: event}))
    sizes.clear()
    response = page.goto(url, wait_until="networkidle")
    if page.url != url or response is None or response.status != 200:
        raise RuntimeError(f"{url} ended at {page.url} ({response and response.status})")
    return sum(event["encodedDataLength"] for event in sizes.values()) / 1024, len(sizes)


def run(report):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("  Playwright not installed: skipped")
        return
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        print("  no Chromium: skipped")
        return
    if demo_user("county") is None:
        print(NO_DEMO_DATA)
        return
    # Database work before Playwright's event loop starts (Django refuses it inside).
    sessions = {username: session_for(username) for username, *_ in PAGES}
    size = data_size()
    port = free_port()
    with tempfile.TemporaryDirectory() as static_root:
        server = start_server(static_root, port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                for username, label, path, target_kb in PAGES:
                    first, repeat = measure(browser, port, sessions[username], path)
                    report.add(
                        f"{username}: {label} first view, KB transferred [{first[1]} requests]",
                        size,
                        round(first[0], 1),
                        None,
                        f"≤ {target_kb}",
                    )
                    report.add(
                        f"{username}: {label} repeat view, KB transferred [{repeat[1]} requests]",
                        size,
                        round(repeat[0], 1),
                        None,
                        f"≤ {REPEAT_TARGET_KB}",
                    )
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


def measure(browser, port, session_key, path):
    """((KB, requests) first view, (KB, requests) repeat view) of `path` in a fresh context."""
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_key,
                "url": f"http://127.0.0.1:{port}/",
            }
        ]
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    url = f"http://127.0.0.1:{port}{path}"
    first = transferred(page, cdp, url)
    repeat = transferred(page, cdp, url)
    context.close()
    return first, repeat
