"""Uploads for every app that takes them: case evidence, inspection and tip photos, the
accountability notices' scans, and the unpacked-size check of uploaded workbooks.

A photo is judged by what Pillow reads from its bytes, never by its file name: only JPEG, PNG
and WebP images up to MAX_EVIDENCE_BYTES (10 MB) and MAX_EVIDENCE_PIXELS are accepted. Stored
names are random (uuid4) under a dated folder with the extension of the real format, so two
uploads never collide and no client-supplied name reaches the file system.

A photo is stored re-encoded, never as sent: its orientation is applied to the pixels and every
piece of metadata (EXIF with GPS and maker notes, XMP, ICC profile, text chunks) is left
behind, so a tip photo cannot tell where the informant stood. The position and time the
camera recorded are read first (PhotoFacts), for the records that keep them.
"""

import datetime
import io
import struct
import uuid
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Bounds decompression bombs: a small file that would expand to a huge bitmap.
MAX_EVIDENCE_PIXELS = 50_000_000
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def image_outline(upload, not_an_image):
    """(format, width, height) of an uploaded image as Pillow reads its header, without
    decoding the pixels; `not_an_image` is the Chinese refusal for anything else. The upload
    is left at the position it was."""
    source = getattr(upload, "file", upload)
    position = source.tell() if hasattr(source, "tell") else 0
    try:
        source.seek(0)
        with Image.open(source) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise ValidationError(not_an_image) from error
    finally:
        source.seek(position)
    return image_format, width, height


def validate_evidence_image(upload):
    """Raise a Chinese ValidationError unless `upload` is a JPEG/PNG/WebP image within the limits.

    On success the detected extension is remembered on the upload (`evidence_extension`), so
    the storage name follows the content, not the name the client sent.
    """
    if upload is None:
        raise ValidationError("请选择要上传的照片。")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_EVIDENCE_BYTES:
        raise ValidationError("照片不能超过 10 MB，请压缩后重新上传。")
    if size == 0:
        raise ValidationError("上传的文件是空的，请重新选择照片。")
    image_format, width, height = image_outline(
        upload, "上传的文件不是有效的图片，请上传 JPG、PNG 或 WebP 格式的照片。"
    )
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError("照片格式不支持，请上传 JPG、PNG 或 WebP 格式的照片。")
    if width * height > MAX_EVIDENCE_PIXELS:
        raise ValidationError("照片尺寸过大（超过 5000 万像素），请缩小后重新上传。")
    upload.evidence_extension = ALLOWED_FORMATS[image_format]
    return upload


def evidence_storage_name(prefix, filename="", today=None):
    """`<prefix>/YYYY/MM/DD/<uuid4>.<ext>`: the extension comes from the checked content when
    known, else from a whitelisted suffix of `filename`, else "jpg"."""
    today = today or timezone.localdate()
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    extension = suffix if suffix in {"jpg", "jpeg", "png", "webp"} else "jpg"
    return f"{prefix}/{today:%Y/%m/%d}/{uuid.uuid4().hex}.{extension}"


def seal_upload_to(instance, filename):
    """`seals/YYYY/MM/DD/<uuid4>.png`: a seal is checked to be a PNG, and its name must not be
    the uploader's (seals/我的公章.png was guessable)."""
    return evidence_storage_name("seals", "seal.png")


@deconstructible
class EvidenceUploadTo:
    """An `upload_to` for ImageFields: `EvidenceUploadTo("inspections")`."""

    def __init__(self, prefix):
        self.prefix = prefix

    def __call__(self, instance, filename):
        return evidence_storage_name(self.prefix, filename)

    def __eq__(self, other):
        return isinstance(other, EvidenceUploadTo) and other.prefix == self.prefix

    def __hash__(self):
        return hash(self.prefix)


def name_upload_by_content(upload):
    """Give a validated upload the name of its real format, before the storage names it."""
    extension = getattr(upload, "evidence_extension", None)
    if extension:
        upload.name = f"photo.{extension}"
    return upload


def prepare_photo(upload):
    """Validate one uploaded photo and return it re-encoded without metadata (a ContentFile
    named by its real format, with the camera's position and time as `.facts`); raises
    ValidationError. Store the returned file, never the upload."""
    validate_evidence_image(upload)
    return strip_photo(upload)


@dataclass(frozen=True)
class PhotoFacts:
    """What the camera recorded, read before the metadata is dropped; None when absent."""

    taken_at: datetime.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None

    def fields(self):
        """The photo model's fields (accounts.models.photo_of) for these facts."""
        return {"taken_at": self.taken_at, "latitude": self.latitude, "longitude": self.longitude}


# JPEG is re-encoded lossy: 90 keeps a photo's detail (a 证照, a meter reading) legible.
JPEG_QUALITY = 90
WEBP_QUALITY = 90
# Keys of Image.info a clean image keeps: they are pixels' meaning, not metadata.
KEPT_INFO = ("transparency",)


def strip_photo(upload):
    """Re-encode a validated photo in its own format, orientation applied, without metadata."""
    source = getattr(upload, "file", upload)
    source.seek(0)
    try:
        with Image.open(source) as image:
            image_format = image.format
            facts = read_facts(image)
            try:
                clean = ImageOps.exif_transpose(image)
            except (KeyError, TypeError, SyntaxError, struct.error):
                # A damaged EXIF block: the pixels as stored, still without the block.
                clean = image.copy()
            clean = to_srgb(clean, image.info.get("icc_profile"))
            clean.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
            output = io.BytesIO()
            save_clean(clean, image_format, output)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            "上传的文件不是有效的图片，请上传 JPG、PNG 或 WebP 格式的照片。"
        ) from error
    finally:
        source.seek(0)
    stripped = ContentFile(output.getvalue(), name=f"photo.{ALLOWED_FORMATS[image_format]}")
    stripped.evidence_extension = ALLOWED_FORMATS[image_format]
    stripped.facts = facts
    return stripped


def save_clean(image, image_format, output):
    if image_format == "JPEG":
        if image.mode not in ("L", "RGB", "CMYK"):
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif image_format == "WEBP":
        image.save(output, "WEBP", quality=WEBP_QUALITY)
    else:
        image.save(output, "PNG", optimize=True)


def to_srgb(image, icc_profile):
    """Bake an embedded colour profile (a phone's Display P3) into sRGB pixels, so dropping the
    profile keeps the colours; a profile Pillow cannot apply is simply dropped."""
    if not icc_profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def read_facts(image):
    """The GPS point and the time the photo was taken, from its EXIF, where they make sense."""
    try:
        exif = image.getexif()
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        details = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:  # a damaged EXIF block (any error Pillow raises) only means no facts
        return PhotoFacts()
    latitude = gps_degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
    longitude = gps_degrees(
        gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef)
    )
    if latitude is None or longitude is None or abs(latitude) > 90 or abs(longitude) > 180:
        latitude = longitude = None
    taken_at = exif_time(
        details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime),
        details.get(ExifTags.Base.OffsetTimeOriginal),
    )
    return PhotoFacts(taken_at=taken_at, latitude=latitude, longitude=longitude)


def gps_degrees(value, reference):
    """(degrees, minutes, seconds) rationals and "N"/"S"/"E"/"W" → signed degrees, 6 places."""
    try:
        degrees, minutes, seconds = (Decimal(str(float(part))) for part in value)
        result = degrees + minutes / 60 + seconds / 3600
    except (TypeError, ValueError, ZeroDivisionError, InvalidOperation):
        return None
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "ignore")
    if str(reference or "").strip().upper() in ("S", "W"):
        result = -result
    return result.quantize(Decimal("0.000001"))


def exif_time(value, offset):
    """EXIF "YYYY:MM:DD HH:MM:SS" (the camera's local time) → an aware datetime. Without an
    offset tag the camera is taken to be on the site's time zone (settings.TIME_ZONE)."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    try:
        moment = datetime.datetime.strptime(str(value).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    try:
        zone = datetime.datetime.strptime(str(offset).strip(), "%z").tzinfo if offset else None
    except ValueError:
        zone = None
    return moment.replace(tzinfo=zone) if zone else timezone.make_aware(moment)


def check_zip_size(upload, max_unpacked, message):
    """Refuse a zip file (an .xlsx) whose members would unpack to more than `max_unpacked`
    bytes, before anything decompresses it; raises ValidationError(message).

    The sizes come from the zip's central directory. They cannot understate the truth:
    Python's zipfile stops a member at its declared size and fails its CRC otherwise, so
    whatever reads the workbook later never unpacks more. zipfile.BadZipFile propagates
    for a file that is not a zip at all.
    """
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    finally:
        upload.seek(position)
    if unpacked > max_unpacked:
        raise ValidationError(message)
    return unpacked
