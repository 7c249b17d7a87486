"""Two web nodes and a worker share PostgreSQL, Redis and the object store: a photo uploaded
through one node downloads through the other, still behind the area check there, and an
export a worker wrote downloads through either.

Real processes on loopback: two gunicorn nodes and a Celery worker, started here on the test
database (a transactional test, so they see its rows) with their own key prefix in the
bucket, and killed — process group and all — when the test ends. It runs in CI's SeaweedFS
step (PostgreSQL + Redis + S3) and is skipped elsewhere, with the reason.
"""

import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from http.cookiejar import CookieJar
from urllib.parse import urlencode, urlparse

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from accounts.models import User
from config.settings import object_storage
from inspections.models import InspectionPhoto
from reporting.models import ExportJob
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.rectification import image_bytes
from tests.factories.reporting import enterprises
from tests.factories.services import free_port

pytestmark = [pytest.mark.object_store, pytest.mark.django_db(transaction=True)]

STARTUP_SECONDS = 90
EXPORT_SECONDS = 90


def missing_services(settings):
    missing = []
    if connection.vendor != "postgresql":
        missing.append("PostgreSQL（DATABASE_URL）")
    if not settings.REDIS_URL:
        missing.append("Redis（REDIS_URL）")
    if not settings.S3_STORAGE:
        missing.append("对象存储（QINGLING_S3_BUCKET）")
    return missing


def database_url(settings):
    database = settings.DATABASES["default"]
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return (
        f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}"
    )


class Node:
    """One process of the cluster, in its own process group, its output in a log file."""

    def __init__(self, name, command, env, log_dir):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=env["QINGLING_BASE_DIR"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-3000:]

    def check_alive(self):
        if self.process.poll() is not None:
            pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{self.output()}")

    def stop(self):
        if self.process.poll() is None:
            # SIGQUIT: gunicorn's and Celery's quick shutdown; nothing here is left to finish.
            os.killpg(self.process.pid, signal.SIGQUIT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self.log.close()


class Browser:
    """A cookie-keeping HTTP client for the nodes (one cookie jar: the nodes share a host)."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), None)

    def request(self, url, data=None, headers=None, method=None):
        request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def log_in(self, node, username):
        status, _, _ = self.request(f"{node}/accounts/login/")
        assert status == 200
        form = {
            "username": username,
            "password": TEST_PASSWORD,
            "csrfmiddlewaretoken": self.cookie("csrftoken"),
        }
        status, _, body = self.request(f"{node}/accounts/login/", urlencode(form).encode())
        assert status == 200 and self.cookie("sessionid"), body.decode()[:500]

    def post_api(self, url, *, json_body=None, multipart=None):
        headers = {"X-CSRFToken": self.cookie("csrftoken"), "Accept": "application/json"}
        if multipart is not None:
            data = encode_multipart(BOUNDARY, multipart)
            headers["Content-Type"] = MULTIPART_CONTENT
        else:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        status, _, body = self.request(url, data, headers, method="POST")
        return status, json.loads(body or b"null")


def wait_until_up(nodes, url):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for node in nodes:
            node.check_alive()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {STARTUP_SECONDS} s")


@pytest.fixture(scope="module")
def running_cluster(django_db_setup, tmp_path_factory):
    """Two gunicorn nodes and a Celery worker on the test database and Redis, with a key
    prefix of the store of their own; started once for this module's tests."""
    from django.conf import settings

    missing = missing_services(settings)
    if missing:
        message = "两节点测试需要 " + "、".join(missing) + "：只在 CI 的 SeaweedFS 步骤中执行。"
        if os.environ.get("QINGLING_REQUIRE_S3"):
            pytest.fail(message)
        pytest.skip(message)
    run = uuid.uuid4().hex[:10]
    env = {
        **os.environ,
        "DATABASE_URL": database_url(settings),
        "REDIS_URL": settings.REDIS_URL,
        "QINGLING_S3_PREFIX": f"tests/two-nodes-{run}/",
        "QINGLING_EXPORT_QUEUE": f"qingling-two-nodes-{run}",
        "SECRET_KEY": f"two-nodes-{uuid.uuid4().hex}",
        "DEBUG": "0",
        "QINGLING_BASE_DIR": str(settings.BASE_DIR),
    }
    storages_setting = {
        **settings.STORAGES,
        "default": object_storage("media", env),
        "exports": object_storage("exports", env),
    }
    log_dir = tmp_path_factory.mktemp("two-nodes")
    ports = [free_port(), free_port()]
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1"]
    nodes = [
        Node(
            f"web-{index}",
            [*gunicorn, "--threads", "2", "--bind", f"127.0.0.1:{port}"],
            env,
            log_dir,
        )
        for index, port in enumerate(ports)
    ]
    nodes.append(
        Node(
            "worker",
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"),
                *("-Q", env["QINGLING_EXPORT_QUEUE"], "-n", f"two-nodes-{run}@%h"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"),
            ],
            env,
            log_dir,
        )
    )
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            wait_until_up(nodes, f"{url}/healthz")
        yield {"a": urls[0], "b": urls[1], "nodes": nodes, "STORAGES": storages_setting}
    finally:
        for node in nodes:
            node.stop()


@pytest.fixture
def cluster(running_cluster, settings, transactional_db):
    """The running cluster, this test's process on the nodes' key prefix (emptied after)."""
    settings.STORAGES = running_cluster["STORAGES"]
    shared = [storages["default"], storages["exports"]]
    yield running_cluster
    for storage in shared:
        storage.delete_everything()


def usable_on_the_nodes(user):
    """The factories' fast test hash is unknown to the nodes (production hashers): give the
    user the nodes' default hash of the same password."""
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(pk=user.pk).update(password=hasher.encode(TEST_PASSWORD, hasher.salt()))


def test_a_photo_uploaded_on_one_node_downloads_on_the_other_behind_the_area_check(area, cluster):
    clerk, outsider = area["users"]["clerk"], area["users"]["clerk_b1"]
    usable_on_the_nodes(clerk)
    usable_on_the_nodes(outsider)
    node_a, node_b = cluster["a"], cluster["b"]
    browser = Browser()
    browser.log_in(node_a, clerk.username)
    upload = SimpleUploadedFile("现场.jpg", image_bytes("JPEG", size=(64, 48)), "image/jpeg")
    status, body = browser.post_api(
        f"{node_a}/api/inspections/",
        multipart={
            "inspection_type": "patrol",
            "inspected_on": timezone.localdate().isoformat(),
            "result": "no_problem",
            "team_name": "第一执法组",
            "member_names": ["张三"],
            "township": area["township_a1"].code,
            "place": "村东头",
            "photos": [upload],
        },
    )
    assert status == 201, body
    (photo,) = body["photos"]
    photo_url = photo["url"]
    assert urlparse(photo_url).netloc == urlparse(node_a).netloc
    path = urlparse(photo_url).path

    status, headers, on_b = browser.request(f"{node_b}{path}")
    assert status == 200
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Disposition"].startswith("inline")
    stored = InspectionPhoto.objects.get()
    with stored.image.open("rb") as handle:
        assert on_b == handle.read()
    assert browser.request(f"{node_a}{path}")[2] == on_b
    assert Image.open(io.BytesIO(on_b)).size == (64, 48)

    other = Browser()
    other.log_in(node_b, outsider.username)
    assert other.request(f"{node_b}{path}")[0] == 404


def test_an_export_written_by_the_worker_downloads_through_the_other_node(area, cluster):
    clerk = area["users"]["clerk"]
    usable_on_the_nodes(clerk)
    enterprises(area["township_a1"], 3)
    node_a, node_b = cluster["a"], cluster["b"]
    browser = Browser()
    browser.log_in(node_a, clerk.username)
    status, body = browser.post_api(f"{node_a}/api/export-jobs/", json_body={"kind": "ledger"})
    assert status == 201, body
    job_id = body["id"]

    deadline = time.monotonic() + EXPORT_SECONDS
    while time.monotonic() < deadline:
        for node in cluster["nodes"]:
            node.check_alive()
        status, _, detail = browser.request(f"{node_b}/api/export-jobs/{job_id}/")
        state = json.loads(detail)["state"]
        if state in ("done", "failed"):
            break
        time.sleep(0.5)
    assert state == "done", json.loads(detail).get("error") or cluster["nodes"][2].output()

    status, headers, workbook = browser.request(f"{node_b}/api/export-jobs/{job_id}/download/")
    assert status == 200
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Disposition"].startswith("attachment")
    job = ExportJob.objects.get(pk=job_id)
    with job.file.open("rb") as handle:
        assert workbook == handle.read()
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert sheet["A1"].value == "甲县小散乱污企业排查台账"
    assert [sheet.cell(row, 1).value for row in range(5, 8)] == [1, 2, 3]
