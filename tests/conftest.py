import pytest

from config.celery import app as celery_app


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def dashboards_computed_every_time(settings):
    """Dashboards are cached only where a test says so (tests/test_dashboard_cache.py), so a
    run with Redis counts the same queries as one without."""
    settings.DASHBOARD_CACHE = False


@pytest.fixture(autouse=True)
def eager_celery_unless_broker(request):
    """Tests run Celery tasks in-process, except those marked `broker`, which use the real worker."""
    if request.node.get_closest_marker("broker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def statutory_calendar(request):
    """The holiday calendar is loaded by a data migration; a transactional test's flush empties
    it for the tests after it. Put it back for every database test that finds it gone."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False) or (marker.args and marker.args[0])
    request.getfixturevalue("transactional_db" if transactional else "db")
    from accounts.data.holidays import exceptions
    from accounts.models import CalendarDay

    if not CalendarDay.objects.exists():
        CalendarDay.objects.bulk_create(
            CalendarDay(date=day, is_working_day=working, name=name)
            for day, working, name in exceptions()
        )


STORED_ALIASES = ("default", "exports")


@pytest.fixture(autouse=True)
def temporary_media(settings, tmp_path):
    """Uploads, seals and finished exports go to a throw-away MEDIA_ROOT, never the project's
    media/. On an object store (QINGLING_S3_BUCKET, CI's SeaweedFS step) each test gets its own
    key prefix instead, emptied afterwards, so no test sees another's files; a store that does
    not answer fails the test. A test that looks at the saved files uses `stored_names`."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if not settings.S3_STORAGE:
        yield settings.MEDIA_ROOT
        return
    import uuid

    from django.core.files.storage import storages

    prefix = f"tests/{uuid.uuid4().hex}/"
    configured = dict(settings.STORAGES)
    for alias in STORED_ALIASES:
        entry = configured[alias]
        options = {**entry["OPTIONS"], "location": prefix + entry["OPTIONS"]["location"]}
        configured[alias] = {**entry, "OPTIONS": options}
    settings.STORAGES = configured
    # Taken now: a test may point STORAGES elsewhere (at a worker's), its own prefix is emptied.
    own = [storages[alias] for alias in STORED_ALIASES]
    yield settings.MEDIA_ROOT
    for storage in own:
        storage.delete_everything()


def walk_storage(storage, folder=""):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a file system storage that never stored anything
        return []
    names = [f"{folder}{name}" for name in files]
    for child in folders:
        names += walk_storage(storage, f"{folder}{child}/")
    return names


@pytest.fixture
def stored_names():
    """stored_names(alias="default"): the name of every file in that storage (this test's
    own MEDIA_ROOT or key prefix), read through the storage API, sorted."""
    from django.core.files.storage import storages

    def names(alias="default"):
        return sorted(walk_storage(storages[alias]))

    return names


@pytest.fixture
def run_together():
    """run_together(*actions): start every action at the same instant, each in
    its own thread and database connection, and return what became of each — "done" or the
    refusal's message. PostgreSQL only (SQLite locks the whole file, so two transactions never
    contend for one row there); the test needs transactional_db so the threads see its rows."""
    import threading

    from django.db import connection, connections

    from accounts.refusals import Refused

    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite 锁整个数据库文件，无法演示两个并发事务争用同一行；该测试只在 PostgreSQL 上运行。"
        )

    def run(*actions):
        barrier = threading.Barrier(len(actions))
        outcomes = [None] * len(actions)

        def worker(index, action):
            try:
                barrier.wait()
                action()
                outcomes[index] = "done"
            except Refused as refusal:
                outcomes[index] = refusal.message
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(actions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        return outcomes

    return run


@pytest.fixture
def area(db):
    from tests.factories.accounts import build_area

    return build_area()


@pytest.fixture
def users(area):
    return area["users"]


@pytest.fixture
def api_for():
    """A DRF client authenticated as a given user."""
    from rest_framework.test import APIClient

    def login(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


@pytest.fixture
def client_for(client):
    """Log the test client in as a given user and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` on the REDIS_URL broker, pointed at the test database.

    Skipped without REDIS_URL (the SQLite run); CI's PostgreSQL run sets it, so the
    tasks really cross the broker there. Tests using it need `transactional_db` so
    the worker sees their rows.
    """
    import os
    import subprocess
    import sys
    import time
    import uuid

    from django.conf import settings

    if not settings.REDIS_URL:
        if os.environ.get("QINGLING_REQUIRE_BROKER"):
            pytest.fail("CI 的 PostgreSQL 运行要求 REDIS_URL，但没有设置。")
        pytest.skip(
            "没有设置 REDIS_URL：真实 Celery worker 测试只在 PostgreSQL + Redis 的 CI 运行中执行。"
        )
    database = settings.DATABASES["default"]
    env = dict(os.environ)
    if database["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{database['NAME']}"
    queue = f"qingling-test-{uuid.uuid4().hex[:8]}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Celery worker exited early with code {process.returncode}")
        replies = celery_app.control.ping(timeout=1.0, destination=None) or []
        if replies:
            break
    else:
        process.terminate()
        pytest.fail("Celery worker did not come up within 60 s")
    yield queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def private_redis():
    """A redis-server of this test alone (tests/factories/services.py), stopped at the end."""
    from tests.factories.services import PrivateRedis

    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_queue(private_redis, monkeypatch, settings):
    """The web side of a long export on the private Redis: export tasks published through a
    Celery app configured from the project's settings (its timeouts and retry limits), ledgers
    of more than two rows exported in the background. No worker here takes them; a test that
    needs one starts it as a subprocess."""
    from celery import Celery

    from reporting.exports import jobs as export_jobs

    app = Celery("web", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=private_redis.url, result_backend=private_redis.url, task_always_eager=False
    )

    @app.task(name="reporting.run_export_job")
    def task(job_id):
        """Never run in the test process."""

    monkeypatch.setattr(export_jobs, "run_export_job", task)
    settings.QINGLING_LONG_EXPORT_ROWS = 2
    yield private_redis
    app.close()
