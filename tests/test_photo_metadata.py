"""Photos are stored re-encoded without any metadata — no EXIF (GPS, phone model, maker
notes), no XMP, no ICC profile, no text chunks — in their own format, with the orientation
applied to the pixels. Evidence and inspection photos keep where and when the camera says they
were taken in the record; a public tip photo keeps nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms

from accounts.uploads import prepare_photo
from inspections.models import TipPhoto
from rectification import workflow
from tests.factories.inspections import record_patrol
from tests.factories.photos import MAKER_NOTE, PHONE_MODEL, phone_exif, phone_photo, two_tone
from tests.factories.rectification import in_progress_case

HARBIN = (Decimal("45.760000"), Decimal("126.630000"))
TAKEN_AT = datetime.datetime(2026, 11, 30, 6, 5, 9, tzinfo=datetime.UTC)
METADATA_MARKERS = (b"Exif", b"xmpmeta", b"ICC_PROFILE", b"iCCP", PHONE_MODEL.encode(), MAKER_NOTE)


def assert_clean(stored_file, image_format, displayed_size=(20, 40)):
    """`stored_file` holds no metadata and shows the photo upright: red on top (the sensor's
    left half, turned by the Orientation=6 flag), blue below, at the displayed size."""
    stored_file.open("rb")
    data = stored_file.read()
    stored_file.close()
    for marker in METADATA_MARKERS:
        assert marker not in data, marker
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == image_format
        assert image.size == displayed_size
        assert not image.getexif()
        assert "icc_profile" not in image.info
        assert "xmp" not in image.info and "XML:com.adobe.xmp" not in image.info
        top = image.convert("RGB").getpixel((displayed_size[0] // 2, 2))
        bottom = image.convert("RGB").getpixel((displayed_size[0] // 2, displayed_size[1] - 3))
    assert top[0] > 200 and top[2] < 50
    assert bottom[2] > 200 and bottom[0] < 50


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_the_upload_itself_carries_the_metadata_the_stored_copy_must_lose(image_format):
    sent = phone_photo(image_format=image_format, orientation=6).read()
    assert PHONE_MODEL.encode() in sent
    with Image.open(io.BytesIO(sent)) as image:
        assert image.size == (40, 20)
        assert image.getexif().get_ifd(0x8825)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("image_format", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")]
)
def test_a_public_tip_photo_is_stored_without_gps_model_or_any_metadata(
    area, client, empty_cache, image_format, extension
):
    upload = phone_photo(f"现场.{extension}", image_format, orientation=6)
    response = client.post(
        "/tips/",
        {
            "county": area["county_a"].pk,
            "township": area["township_a1"].pk,
            "place": "甲一村东头废弃仓库",
            "content": "仓库里有人夜里熔炼废铝，烟很呛。",
            "photos": [upload],
        },
    )
    assert response.status_code == 302
    (stored,) = TipPhoto.objects.all()
    assert stored.image.name.endswith(f".{extension}")
    assert_clean(stored.image, image_format)


@pytest.mark.django_db
def test_evidence_photo_is_stripped_and_keeps_its_gps_and_time_in_the_record(area, client_for):
    case = in_progress_case(area)
    step = case.steps.get(name="断电")
    client = client_for(area["users"]["power_officer"])
    response = client.post(
        f"/api/cases/{case.pk}/steps/{step.pk}/photos/",
        {"photos": [phone_photo("断电.jpg", orientation=6)]},
    )
    assert response.status_code == 201, response.json()
    (saved,) = step.photos.all()
    assert_clean(saved.image, "JPEG")
    assert (saved.latitude, saved.longitude) == HARBIN
    assert saved.taken_at == TAKEN_AT


@pytest.mark.django_db
def test_evidence_photo_without_exif_is_stored_with_no_facts(area):
    case = in_progress_case(area)
    step = case.steps.first()
    plain = phone_photo("a.png", "PNG", gps=False)
    (saved,) = workflow.add_step_photos(step, by=area["users"]["clerk"], photos=[plain])
    assert saved.latitude is None and saved.longitude is None
    assert saved.taken_at == TAKEN_AT


@pytest.mark.django_db
def test_inspection_photo_is_stripped_and_its_gps_fills_an_inspection_without_one(area):
    inspection = record_patrol(area, photos=[phone_photo(orientation=6)])
    (saved,) = inspection.photos.all()
    assert_clean(saved.image, "JPEG")
    assert (saved.latitude, saved.longitude) == HARBIN
    assert saved.taken_at == TAKEN_AT
    inspection.refresh_from_db()
    assert (inspection.latitude, inspection.longitude) == HARBIN


@pytest.mark.django_db
def test_a_typed_inspection_position_is_kept_over_the_photos(area):
    typed = (Decimal("45.700000"), Decimal("126.500000"))
    inspection = record_patrol(
        area,
        latitude=typed[0],
        longitude=typed[1],
        photos=[phone_photo("门口.webp", "WEBP", orientation=6)],
    )
    inspection.refresh_from_db()
    assert (inspection.latitude, inspection.longitude) == typed
    (saved,) = inspection.photos.all()
    assert (saved.latitude, saved.longitude) == HARBIN
    assert_clean(saved.image, "WEBP")


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_every_orientation_is_applied_to_the_pixels(orientation):
    cleaned = prepare_photo(phone_photo(orientation=orientation))
    with Image.open(cleaned) as image:
        assert image.size == ((20, 40) if orientation in (6, 8) else (40, 20))
        assert not image.getexif()


def test_a_photo_without_gps_has_no_position_and_a_damaged_gps_is_ignored():
    assert prepare_photo(phone_photo(gps=False)).facts.latitude is None
    exif = phone_exif()
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (1.0,),
    }
    buffer = io.BytesIO()
    two_tone().save(buffer, "JPEG", exif=exif.tobytes())
    facts = prepare_photo(SimpleUploadedFile("a.jpg", buffer.getvalue())).facts
    assert (facts.latitude, facts.longitude) == (None, None)
    assert facts.taken_at == TAKEN_AT


def test_a_colour_profile_that_cannot_be_applied_is_dropped_and_the_photo_kept():
    buffer = io.BytesIO()
    wide = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG", icc_profile=wide)
    cleaned = prepare_photo(SimpleUploadedFile("a.png", buffer.getvalue()))
    with Image.open(cleaned) as image:
        assert "icc_profile" not in image.info
        assert image.size == (8, 8)


# 2026-11-30 06:05:09 UTC is 14:05 in Asia/Shanghai, the site's time zone.
SHOWN_FACTS = ("拍摄时间 2026-11-30 14:05", "拍摄位置 45.760000, 126.630000")


@pytest.mark.django_db
def test_the_case_page_and_api_show_where_and_when_each_step_photo_was_taken(area, client_for):
    case = in_progress_case(area)
    step = case.steps.get(name="断电")
    clerk = area["users"]["clerk"]
    workflow.add_step_photos(
        step, by=clerk, photos=[phone_photo("断电.jpg"), phone_photo("b.png", "PNG", gps=False)]
    )
    client = client_for(clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    for fact in SHOWN_FACTS:
        assert fact in page
    assert page.count("拍摄位置") == 1  # the photo without GPS shows its time only
    body = client.get(f"/api/cases/{case.pk}/").json()
    photos = {p["id"]: p for s in body["steps"] for p in s["photos"]}
    with_gps, without = (photos[photo.pk] for photo in step.photos.order_by("pk"))
    assert (with_gps["latitude"], with_gps["longitude"]) == ("45.760000", "126.630000")
    assert with_gps["taken_at"] == "2026-11-30T14:05:09+08:00"
    assert without["latitude"] is None and without["taken_at"] == with_gps["taken_at"]


@pytest.mark.django_db
def test_the_inspection_page_and_api_show_where_and_when_each_photo_was_taken(area, client_for):
    inspection = record_patrol(area, photos=[phone_photo()])
    client = client_for(area["users"]["clerk"])
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert all(fact in page for fact in SHOWN_FACTS)
    (photo,) = client.get(f"/api/inspections/{inspection.pk}/").json()["photos"]
    assert photo["url"].endswith(f"/inspections/{inspection.pk}/photos/{photo['id']}/")
    assert (photo["latitude"], photo["longitude"], photo["taken_at"]) == (
        "45.760000",
        "126.630000",
        "2026-11-30T14:05:09+08:00",
    )
