"""Content checks for uploaded images: a file is judged by what Pillow reads, not by its name."""

from django.core.exceptions import ValidationError

from .uploads import image_outline

MAX_SEAL_BYTES = 2 * 1024 * 1024
# A seal is printed 4.2 cm wide: 2000 × 2000 is already 1200 dpi. A tiny PNG declaring a huge
# canvas would otherwise be unpacked into memory by every export that prints the seal.
MAX_SEAL_PIXELS = 4000 * 4000


def validate_png_image(upload):
    if upload.size and upload.size > MAX_SEAL_BYTES:
        raise ValidationError("公章图片不能超过 2 MB。")
    image_format, width, height = image_outline(
        upload, "公章文件不是有效的图片，请上传 PNG 格式的公章图片。"
    )
    if image_format != "PNG":
        raise ValidationError("公章图片必须是 PNG 格式（支持透明背景）。")
    if width * height > MAX_SEAL_PIXELS:
        raise ValidationError("公章图片尺寸过大（超过 4000×4000 像素），请缩小后重新上传。")
