"""Files on an S3-compatible object store: the settings that choose it, a store that does not
answer, and — where QINGLING_S3_BUCKET names one (CI's SeaweedFS step) — that objects are
private, that a file is streamed whole, and that the signed-redirect mode sends the browser
to a short-lived URL only after the area check."""

import os
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.urls import reverse
from django.utils import timezone

from accounts.storage import ObjectStorage, is_object_storage
from config.settings import object_storage
from inspections.models import Inspection, InspectionPhoto
from rectification.models import CaseStep, EvidencePhoto
from tests.factories.inspections import image_upload
from tests.factories.rectification import CaseFactory, image_bytes, new_enterprise

STORE_ENVIRONMENT = {
    "QINGLING_S3_BUCKET": "qingling",
    "QINGLING_S3_ENDPOINT_URL": "http://127.0.0.1:9",
    "QINGLING_S3_ACCESS_KEY_ID": "key",
    "QINGLING_S3_SECRET_ACCESS_KEY": "secret",
    "QINGLING_S3_REGION": "us-east-1",
    "QINGLING_S3_ADDRESSING_STYLE": "path",
    "QINGLING_S3_PREFIX": "qingling/",
}


@pytest.fixture
def object_store(settings):
    """The configured store; skipped where none is (the plain SQLite and PostgreSQL runs),
    failed where CI asks for one (QINGLING_REQUIRE_S3) and it is not configured."""
    if not settings.S3_STORAGE:
        if os.environ.get("QINGLING_REQUIRE_S3"):
            pytest.fail("CI 的对象存储步骤要求 QINGLING_S3_BUCKET，但没有设置。")
        pytest.skip("没有设置 QINGLING_S3_BUCKET：对象存储测试只在 CI 的 SeaweedFS 步骤中执行。")
    return default_storage


def stored_photo(area, township="township_a1"):
    case = CaseFactory(enterprise=new_enterprise(area, township))
    step = CaseStep.objects.create(case=case, kind="shutdown", name="断电")
    photo = EvidencePhoto(step=step)
    photo.image.save("现场.png", ContentFile(image_bytes()), save=True)
    return reverse("rectification:evidence_photo", args=[case.pk, photo.pk]), photo


def test_the_store_is_chosen_by_the_environment_with_private_objects():
    entry = object_storage("media", STORE_ENVIRONMENT)
    assert entry["BACKEND"] == "accounts.storage.ObjectStorage"
    options = entry["OPTIONS"]
    assert options["bucket_name"] == "qingling"
    assert options["location"] == "qingling/media"
    assert options["endpoint_url"] == "http://127.0.0.1:9"
    assert options["querystring_auth"] is True and options["querystring_expire"] == 60
    storage = ObjectStorage(**options)
    assert storage.default_acl is None and storage.file_overwrite is False
    assert is_object_storage(storage)


def test_without_a_bucket_files_stay_on_the_local_disk(settings):
    if settings.S3_STORAGE:
        pytest.skip("本次运行配置了对象存储。")
    assert not is_object_storage(default_storage)
    assert not is_object_storage(storages["exports"])
    assert not settings.QINGLING_S3_SIGNED_REDIRECT


@pytest.mark.django_db
def test_a_store_that_does_not_answer_is_a_503_with_a_message(area, client_for, settings):
    url, _photo = stored_photo(area)
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    settings.STORAGES = {**settings.STORAGES, "default": object_storage("media", STORE_ENVIRONMENT)}
    response = client_for(area["users"]["clerk"]).get(url)
    assert response.status_code == 503
    assert "文件存储暂时无法访问" in response.content.decode()
    outsider = client_for(area["users"]["clerk_b1"]).get(url)
    assert outsider.status_code == 404


@pytest.mark.django_db
def test_a_photo_the_store_cannot_take_is_a_503_and_saves_nothing(area, api_for, settings):
    settings.STORAGES = {**settings.STORAGES, "default": object_storage("media", STORE_ENVIRONMENT)}
    response = api_for(area["users"]["clerk"]).post(
        "/api/inspections/",
        {
            "inspection_type": "patrol",
            "inspected_on": timezone.localdate().isoformat(),
            "result": "no_problem",
            "team_name": "第一执法组",
            "member_names": ["张三"],
            "township": area["township_a1"].code,
            "place": "村东头",
            "photos": [image_upload()],
        },
        format="multipart",
    )
    assert response.status_code == 503
    assert "文件存储暂时无法访问，文件未能保存" in response.json()["detail"]
    assert not Inspection.objects.exists() and not InspectionPhoto.objects.exists()


def test_the_configured_store_answers(object_store):
    # Fails, not skips, when the store is configured but down: every file test depends on it.
    name = object_store.save("probe/probe.txt", ContentFile(b"qingling"))
    try:
        with object_store.open(name, "rb") as handle:
            assert handle.read() == b"qingling"
    finally:
        object_store.delete(name)
    assert not object_store.exists(name)


def test_objects_cannot_be_read_without_the_key(object_store):
    name = object_store.save("probe/private.txt", ContentFile(b"secret"))
    unsigned = object_store.url(name).split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=5)
    assert refused.value.code == 403


@pytest.mark.django_db
def test_a_photo_is_streamed_from_the_store_whole(area, client_for, object_store):
    url, _photo = stored_photo(area)
    response = client_for(area["users"]["clerk"]).get(url)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(image_bytes()))
    assert b"".join(response.streaming_content) == image_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")


@pytest.mark.django_db
def test_the_signed_redirect_comes_after_the_area_check_and_expires_soon(
    area, client_for, object_store, settings
):
    settings.QINGLING_S3_SIGNED_REDIRECT = True
    settings.QINGLING_S3_SIGNED_SECONDS = 30
    url, _photo = stored_photo(area)
    assert client_for(area["users"]["clerk_b1"]).get(url).status_code == 404
    response = client_for(area["users"]["clerk"]).get(url)
    assert response.status_code == 302
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "private, no-store"
    target = response["Location"]
    assert parse_qs(urlparse(target).query)["X-Amz-Expires"] == ["30"]
    with urllib.request.urlopen(target, timeout=5) as answer:
        assert answer.read() == image_bytes()
        assert answer.headers["Content-Type"] == "image/png"
        assert answer.headers["Content-Disposition"].startswith("inline")


@pytest.mark.django_db
def test_a_file_gone_from_the_store_is_a_404_in_both_modes(
    area, client_for, object_store, settings
):
    url, photo = stored_photo(area)
    object_store.delete(photo.image.name)
    client = client_for(area["users"]["clerk"])
    assert client.get(url).status_code == 404
    settings.QINGLING_S3_SIGNED_REDIRECT = True
    assert client.get(url).status_code == 404
