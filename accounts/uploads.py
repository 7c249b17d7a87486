"""Photo uploads for every app that takes them: case evidence, inspection and tip photos, the
accountability notices' scans.

A photo is judged by what Pillow reads from its bytes, never by its file name: only JPEG, PNG
and WebP images up to MAX_EVIDENCE_BYTES (10 MB) and MAX_EVIDENCE_PIXELS are accepted. Stored
names are random (uuid4) under a dated folder with the extension of the real format, so two
uploads never collide and no client-supplied name reaches the file system.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Bounds decompression bombs: a small file that would expand to a huge bitmap.
MAX_EVIDENCE_PIXELS = 50_000_000
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


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
        raise ValidationError(
            "上传的文件不是有效的图片，请上传 JPG、PNG 或 WebP 格式的照片。"
        ) from error
    finally:
        source.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError("照片格式不支持，请上传 JPG、PNG 或 WebP 格式的照片。")
    if width * height > MAX_EVIDENCE_PIXELS:
        raise ValidationError("照片尺寸过大（超过 5000 万像素），请缩小后重新上传。")
    upload.evidence_extension = ALLOWED_FORMATS[image_format]
    return upload


def evidence_storage_name(prefix, filename="", today=None):
    """`<prefix>/YYYY/MM/DD/<uuid4>.<ext>`: the extension comes from the checked content when
    known, else from a whitelisted suffix of `filename`, else "jpg"."""
    today = today or datetime.date.today()
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    extension = suffix if suffix in {"jpg", "jpeg", "png", "webp"} else "jpg"
    return f"{prefix}/{today:%Y/%m/%d}/{uuid.uuid4().hex}.{extension}"


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
    """Validate one uploaded photo and name it by its real format; raises ValidationError."""
    validate_evidence_image(upload)
    return name_upload_by_content(upload)
