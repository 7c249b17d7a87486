"""The public tip page /tips/: no login, photos checked, throttled per address, a receipt number
that finds the published outcome — and nothing about the reporter on the public side."""

import re

import pytest
from django.core.cache import cache

from inspections.models import Tip, TipChannel, TipPhoto, TipState
from inspections.services.tips import new_receipt_number
from tests.factories.inspections import (
    TipFactory,
    fake_image_upload,
    image_upload,
    tip_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_anyone_can_file_a_tip_and_gets_a_receipt_number(area, client):
    response = client.post("/tips/", tip_data(area, photos=[image_upload()]), follow=True)
    tip = Tip.objects.get()
    assert tip.channel == TipChannel.ONLINE
    assert tip.state == TipState.RECEIVED
    assert tip.region_path == area["township_a1"].path
    assert tip.photos.count() == 1
    assert re.fullmatch(r"JB\d{8}[2-9A-HJ-NP-Z]{8}", tip.receipt_number)
    assert tip.receipt_number in response.content.decode()
    assert tip.events.get().action == "received"


def test_receipt_numbers_are_random_not_sequential():
    numbers = {new_receipt_number() for _ in range(200)}
    assert len(numbers) == 200
    assert len({number[10:] for number in numbers}) == 200


def test_missing_content_is_refused_in_chinese(area, client):
    response = client.post("/tips/", tip_data(area, content=""))
    assert response.status_code == 200
    assert "请写明举报内容" in response.content.decode()
    assert not Tip.objects.exists()


def test_township_of_another_county_is_refused(area, client):
    response = client.post("/tips/", tip_data(area, township=area["township_b1"].pk))
    assert "不属于甲县" in response.content.decode()
    assert not Tip.objects.exists()


def test_a_fake_photo_is_refused_and_nothing_saved(area, client):
    response = client.post("/tips/", tip_data(area, photos=[fake_image_upload()]))
    assert "不是有效的图片" in response.content.decode()
    assert not Tip.objects.exists() and not TipPhoto.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(area, client, settings, monkeypatch):
    from accounts import uploads

    monkeypatch.setattr(uploads, "MAX_EVIDENCE_BYTES", 100)
    response = client.post("/tips/", tip_data(area, photos=[image_upload(size=(64, 64))]))
    assert "不能超过" in response.content.decode()
    assert not Tip.objects.exists()


def test_more_than_three_photos_are_refused(area, client):
    photos = [image_upload(f"{n}.jpg") for n in range(4)]
    response = client.post("/tips/", tip_data(area, photos=photos))
    assert "最多上传 3 张照片" in response.content.decode()
    assert not Tip.objects.exists()


def test_a_reward_claim_needs_a_contact(area, client):
    response = client.post("/tips/", tip_data(area, reward="on", reporter_contact=""))
    assert "联系方式" in response.content.decode()
    assert not Tip.objects.exists()


def test_filing_is_throttled_per_address(area, client, settings):
    settings.QINGLING_TIP_FILE_RATE = (5, 3600)
    for _ in range(5):
        assert client.post("/tips/", tip_data(area)).status_code == 302
    response = client.post("/tips/", tip_data(area))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Tip.objects.count() == 5
    # Another address is not affected.
    assert client.post("/tips/", tip_data(area), REMOTE_ADDR="10.1.2.3").status_code == 302


def test_lookup_shows_progress_then_the_published_outcome_and_never_the_reporter(area, client):
    tip = TipFactory(
        county=area["county_a"], reporter_name="王举报", reporter_contact="13800001111"
    )
    page = client.get(f"/tips/lookup/?receipt_number={tip.receipt_number.lower()}").content.decode()
    assert "正在办理" in page
    Tip.objects.filter(pk=tip.pk).update(
        state=TipState.PUBLISHED, outcome="经核查，已依法关停取缔。"
    )
    page = client.get(f"/tips/lookup/?receipt_number={tip.receipt_number}").content.decode()
    assert "经核查，已依法关停取缔。" in page
    for private in ("王举报", "13800001111", tip.content):
        assert private not in page


def test_lookup_of_an_unknown_receipt_says_so(client, db):
    page = client.get("/tips/lookup/?receipt_number=JB20240101XXXXXXXX").content.decode()
    assert "没有找到这个受理编号" in page


def test_lookups_are_throttled(area, client, settings):
    settings.QINGLING_TIP_LOOKUP_RATE = (3, 3600)
    for _ in range(3):
        assert client.get("/tips/lookup/?receipt_number=JB1").status_code == 200
    response = client.get("/tips/lookup/?receipt_number=JB1")
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()
