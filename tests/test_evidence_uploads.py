"""Evidence photos: images only, judged by content with Pillow, size-limited, stored under
MEDIA_ROOT with random names in dated folders whatever name the client sent."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts import uploads
from accounts.refusals import Refused
from accounts.uploads import EvidenceUploadTo, evidence_storage_name, validate_evidence_image
from rectification import workflow
from tests.factories.rectification import image_bytes, in_progress_case, photo

TODAY = timezone.localdate()


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP"])
def test_real_images_are_accepted_and_get_their_true_extension(image_format):
    upload = SimpleUploadedFile("whatever.txt", image_bytes(image_format))
    validate_evidence_image(upload)
    assert upload.evidence_extension == {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[image_format]


def test_text_named_like_a_photo_is_refused():
    upload = SimpleUploadedFile("现场.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="不是有效的图片"):
        validate_evidence_image(upload)


def test_gif_is_refused_by_format():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="GIF")
    with pytest.raises(ValidationError, match="格式不支持"):
        validate_evidence_image(SimpleUploadedFile("a.png", buffer.getvalue()))


def test_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_EVIDENCE_BYTES", 100)
    with pytest.raises(ValidationError, match="不能超过 10 MB"):
        validate_evidence_image(
            SimpleUploadedFile("a.png", image_bytes(size=(64, 64)) + b"\0" * 200)
        )


def test_huge_pixel_count_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_EVIDENCE_PIXELS", 50)
    with pytest.raises(ValidationError, match="尺寸过大"):
        validate_evidence_image(SimpleUploadedFile("a.png", image_bytes(size=(10, 10))))


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="空的"):
        validate_evidence_image(SimpleUploadedFile("a.png", b""))


def test_storage_names_are_random_dated_and_cannot_traverse():
    first = evidence_storage_name("evidence", "../../etc/passwd", today=datetime.date(2024, 5, 20))
    second = evidence_storage_name("evidence", "../../etc/passwd", today=datetime.date(2024, 5, 20))
    assert first != second
    assert re.fullmatch(r"evidence/2024/05/20/[0-9a-f]{32}\.jpg", first)
    assert ".." not in first
    assert EvidenceUploadTo("inspections")(None, "x.PNG").startswith(
        f"inspections/{TODAY:%Y/%m/%d}/"
    )
    assert EvidenceUploadTo("inspections")(None, "x.PNG").endswith(".png")


@pytest.mark.django_db
def test_saved_photo_is_stored_under_a_dated_uuid_name(area, stored_names):
    case = in_progress_case(area)
    step = case.steps.first()
    upload = SimpleUploadedFile("../../逃逸.exe", image_bytes("JPEG"))
    (saved,) = workflow.add_step_photos(step, by=area["users"]["clerk"], photos=[upload])
    assert re.fullmatch(rf"evidence/{TODAY:%Y/%m/%d}/[0-9a-f]{{32}}\.jpg", saved.image.name)
    assert stored_names() == [saved.image.name]


@pytest.mark.django_db
def test_a_bad_photo_among_good_ones_saves_none(area):
    case = in_progress_case(area)
    step = case.steps.first()
    bad = SimpleUploadedFile("b.png", b"GIF89a but not really")
    with pytest.raises(Refused, match="未能上传"):
        workflow.add_step_photos(step, by=area["users"]["clerk"], photos=[photo(), bad])
    assert step.photos.count() == 0
    assert not case.events.filter(action="add_photo").exists()
