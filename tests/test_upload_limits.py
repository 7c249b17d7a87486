"""Every upload has a byte limit, and every packed one an unpacked limit, refused at once in
Chinese with nothing saved: ledger imports (.xlsx / .xls / .csv), /verify/ workbooks, seals,
accountability notices and photos (tips, evidence, inspections)."""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from accounts import uploads, validators
from accounts.refusals import Refused
from accounts.uploads import check_zip_size
from enterprises.imports import sources
from enterprises.imports.reading import LedgerFileError, parse_workbook
from enterprises.models import ImportBatch
from inspections.models import InspectionPhoto, TipPhoto
from reporting.accountability import services as accountability
from reporting.models import AccountabilityAction
from reporting.submissions import forms as verify_forms
from reporting.submissions.workbooks import verify_upload
from tests.factories.inspections import record_patrol
from tests.factories.photos import phone_photo
from tests.factories.rectification import in_progress_case

MB = 1024 * 1024


@pytest.fixture(scope="module")
def zip_bomb():
    """What the audit sent: an .xlsx under 0.55 MB whose one sheet unpacks to 160 MB."""
    buffer = io.BytesIO()
    chunk = (b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 25_000)[:MB]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(160):
                sheet.write(chunk)
    content = buffer.getvalue()
    assert len(content) < 0.55 * MB
    return content


def test_the_zip_bomb_really_unpacks_to_160_mb(zip_bomb):
    assert check_zip_size(io.BytesIO(zip_bomb), 200 * MB, "x") >= 160 * MB


def test_one_helper_refuses_a_zip_unpacking_past_its_limit_and_rewinds():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", b"\0" * 2048)
    buffer.seek(5)
    with pytest.raises(ValidationError, match="太大了"):
        check_zip_size(buffer, 2047, "太大了")
    assert buffer.tell() == 5
    assert check_zip_size(buffer, 2048, "太大了") == 2048


@pytest.mark.django_db
def test_a_zip_bomb_ledger_is_refused_at_once_on_the_import_page(area, client_for, zip_bomb):
    client = client_for(area["users"]["clerk"])
    started = time.monotonic()
    response = client.post(
        reverse("enterprises:import"), {"file": SimpleUploadedFile("台账.xlsx", zip_bomb)}
    )
    assert time.monotonic() - started < 5  # unchecked, openpyxl spent 30–47 s on it
    assert "文件解压后超过 50 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_a_zip_bomb_ledger_is_refused_by_the_import_api(area, zip_bomb):
    client = APIClient()
    client.force_authenticate(area["users"]["clerk"])
    response = client.post(
        "/api/ledger-imports/",
        {"file": SimpleUploadedFile("台账.xlsx", zip_bomb)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "文件解压后超过 50 MB" in str(response.json())
    assert not ImportBatch.objects.exists()


def test_the_import_reads_no_workbook_past_the_unpacked_limit(monkeypatch, zip_bomb):
    def must_not_open(*args, **kwargs):
        raise AssertionError("the workbook was opened before its size was checked")

    monkeypatch.setattr(sources, "load_workbook", must_not_open)
    with pytest.raises(LedgerFileError, match="解压后超过"):
        parse_workbook(SimpleUploadedFile("台账.xlsx", zip_bomb), township=None)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * (5 * MB)),
        ("台账.csv", "序号,企业名称\n".encode() + b"1,x\n" * (5 * MB // 4)),
    ],
    ids=["xls", "csv"],
)
def test_xls_and_csv_ledgers_keep_the_5_mb_byte_limit(name, content):
    with pytest.raises(LedgerFileError, match=r"文件太大.*最多导入 5 MB"):
        parse_workbook(SimpleUploadedFile(name, content), township=None)


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_by_verify(zip_bomb):
    verdict = verify_upload(SimpleUploadedFile("报表.xlsx", zip_bomb))
    assert not verdict.ok
    assert "文件内容过大" in verdict.message


def test_verify_refuses_a_workbook_over_10_mb(monkeypatch):
    monkeypatch.setattr(verify_forms, "MAX_VERIFY_UPLOAD_BYTES", 100)
    form = verify_forms.VerifyFileForm(
        files={"workbook": SimpleUploadedFile("报表.xlsx", b"PK\x03\x04" + b"\0" * 200)}
    )
    assert not form.is_valid()
    assert "文件不能超过 10 MB" in form.errors["workbook"][0]


def png(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGBA", size).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (png() + b"\0" * (2 * MB), "不能超过 2 MB"),
        (png((4001, 4000)), "尺寸过大"),
        (b"not a png", "不是有效的图片"),
    ],
    ids=["over-2-mb", "over-4000x4000", "not-an-image"],
)
def test_a_seal_has_a_byte_and_a_pixel_limit(area, content, message):
    unit = area["orgs"]["county_office"]
    unit.seal = SimpleUploadedFile("我的公章.png", content)
    with pytest.raises(ValidationError, match=message):
        unit.full_clean()


def test_a_seal_declaring_a_decompression_bomb_canvas_is_refused_not_a_crash(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)
    with pytest.raises(ValidationError, match="不是有效的图片"):
        validators.validate_png_image(SimpleUploadedFile("公章.png", png((8, 8))))


@pytest.mark.django_db
def test_an_accountability_notice_over_10_mb_is_refused_by_the_api(area, monkeypatch):
    monkeypatch.setattr(accountability, "MAX_NOTICE_BYTES", 100)
    client = APIClient()
    client.force_authenticate(area["users"]["county"])
    response = client.post(
        "/api/accountability-actions/",
        {
            "organisation": area["orgs"]["township_a1"].pk,
            "kind": "reminder",
            "taken_on": "2026-11-30",
            "reason": "提醒",
            "notice": SimpleUploadedFile("通知.pdf", b"%PDF-" + b"0" * 200),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "不能超过 10 MB" in str(response.json())
    assert not AccountabilityAction.objects.exists()


@pytest.fixture
def tiny_photo_limits(monkeypatch):
    """10 MB and 50 million pixels scaled down, so a test photo crosses them."""
    monkeypatch.setattr(uploads, "MAX_EVIDENCE_BYTES", 500)


@pytest.mark.django_db
def test_a_tip_photo_over_the_limit_is_refused_and_nothing_saved(area, client, tiny_photo_limits):
    response = client.post(
        "/tips/",
        {
            "county": area["county_a"].pk,
            "place": "甲一村东头废弃仓库",
            "content": "仓库里有人夜里熔炼废铝，烟很呛。",
            "photos": [phone_photo(size=(400, 400))],
        },
    )
    assert response.status_code == 200
    assert "不能超过 10 MB" in response.content.decode()
    assert not TipPhoto.objects.exists()


@pytest.mark.django_db
def test_an_evidence_photo_over_the_limit_is_refused(area, client_for, tiny_photo_limits):
    case = in_progress_case(area)
    step = case.steps.get(name="断电")
    response = client_for(area["users"]["power_officer"]).post(
        f"/api/cases/{case.pk}/steps/{step.pk}/photos/",
        {"photos": [phone_photo(size=(400, 400))]},
    )
    assert response.status_code == 400
    assert "不能超过 10 MB" in str(response.json())
    assert not step.photos.exists()


@pytest.mark.django_db
def test_at_most_nine_evidence_photos_go_up_at_once(area, client_for):
    case = in_progress_case(area)
    step = case.steps.get(name="断电")
    response = client_for(area["users"]["power_officer"]).post(
        f"/api/cases/{case.pk}/steps/{step.pk}/photos/",
        {"photos": [phone_photo(f"{n}.jpg") for n in range(10)]},
    )
    assert response.status_code == 400
    assert "每次最多上传 9 张照片" in str(response.json())
    assert not step.photos.exists()


@pytest.mark.django_db
def test_an_inspection_photo_past_the_pixel_limit_is_refused(area, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_EVIDENCE_PIXELS", 100)
    with pytest.raises(Refused, match="尺寸过大"):
        record_patrol(area, photos=[phone_photo()])
    assert not InspectionPhoto.objects.exists()
