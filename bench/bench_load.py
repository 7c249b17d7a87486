"""64 concurrent signed-in users on loopback hitting the ledger, the case list and the
dashboard of a gunicorn with 2 workers, started (on a free port) and stopped by the benchmark,
with the daily reminder pass running beside them (BENCH_LOAD_REMINDERS=0 leaves it out): the
users keep going until the pass ends. Targets: 0 errors, p95 ≤ 2 s, the pass ≤ 60 s;
throughput is reported."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

from .common import NO_DEMO_DATA, data_size, demo_user
from .load import run_load

USERS = 64
# Each user opens each page once: bounded, so the run ends in minutes even when the queue is long.
REQUESTS_PER_USER = 3
PATHS = ["/enterprises/", "/cases/", "/reports/dashboard/"]
# Roles that may open all three pages.
USERNAMES = ["county", "leader", "city"]
ROOT = Path(__file__).resolve().parent.parent
REMINDERS_TIMEOUT_S = 600


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def session_cookies(count, secret_key):
    """One fresh session per simulated user, signed with the server's secret key."""
    cookies = []
    with override_settings(SECRET_KEY=secret_key):
        for number in range(count):
            client = Client()
            client.force_login(demo_user(USERNAMES[number % len(USERNAMES)]))
            cookies.append(
                f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            )
    return cookies


def wait_until_up(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def reminder_figures(process):
    """The reminder pass's JSON line, or None (said why) when it failed."""
    try:
        output, _ = process.communicate(timeout=REMINDERS_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        print(f"  the reminder pass beside the load took over {REMINDERS_TIMEOUT_S} s")
        return None
    lines = (output or "").strip().splitlines()
    if process.returncode != 0 or not lines:
        print(f"  the reminder pass beside the load failed (exit {process.returncode})")
        return None
    return json.loads(lines[-1])


def run(report):
    if demo_user("county") is None:
        print(NO_DEMO_DATA)
        return
    port = free_port()
    secret_key = settings.SECRET_KEY
    if secret_key == getattr(settings, "DEFAULT_SECRET_KEY", None) or "insecure" in secret_key:
        secret_key = secrets.token_urlsafe(40)
    environment = {**os.environ, "SECRET_KEY": secret_key, "DEBUG": "0", "LOG_LEVEL": "ERROR"}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        wait_until_up(port, process)
        cookies = session_cookies(USERS, secret_key)
        # One warm-up round so both workers have loaded code and opened connections.
        run_load(port, cookies[:4], PATHS, len(PATHS))
        # The daily reminder pass (rolled back) runs beside the load, and the users keep
        # going until it ends, so the whole pass is timed under load; BENCH_LOAD_REMINDERS=0
        # leaves it out (the quick load alone).
        reminders = None
        if os.environ.get("BENCH_LOAD_REMINDERS", "1") == "1":
            reminders = subprocess.Popen(
                [sys.executable, "-m", "bench.bench_reminders"],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
        # Never longer than the pass may take to be read (a hung pass ends the load too).
        deadline = time.monotonic() + REMINDERS_TIMEOUT_S

        def keep_going():
            return reminders.poll() is None and time.monotonic() < deadline

        figures = run_load(
            port, cookies, PATHS, REQUESTS_PER_USER, keep_going if reminders is not None else None
        )
        if reminders is not None:
            figures["reminders"] = reminder_figures(reminders)
    finally:
        process.terminate()
        process.wait(timeout=30)
    for problem in figures["first_errors"]:
        print(f"  error: {problem}")
    size = data_size()
    beside = ", beside the reminder pass" if "reminders" in figures else ""
    what = (
        f"{USERS} users × ≥ {REQUESTS_PER_USER} GETs (ledger, case list, dashboard{beside}), "
        "gunicorn 2 workers"
    )
    report.add(f"{what}: errors", size, figures["errors"], None, "0")
    report.add(f"{what}: throughput, requests/s", size, figures["throughput_per_s"])
    report.add(f"{what}: p95 ms (p50 {figures['p50_ms']})", size, figures["p95_ms"], None, "≤ 2000")
    report.add(f"{what}: requests", size, figures["requests"])
    if figures.get("reminders"):
        reminders = figures["reminders"]
        report.add(
            f"daily reminder pass beside the load, s [{reminders['notices']:,} notices]",
            size,
            reminders["seconds"],
            None,
            "≤ 60",
        )
