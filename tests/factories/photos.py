"""Photos as phones take them: EXIF with the maker, model, time and GPS point, a rotation flag,
maker notes, XMP and an ICC profile — everything a stored copy must not keep."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PHONE_MODEL = "iPhone 15 Pro Max"
MAKER_NOTE = b"Apple iOS\x00secret-serial-ABC123"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description exif:GPSLatitude="45,45.6N"/></rdf:RDF></x:xmpmeta>'
)
# 45°45'36" N, 126°37'48" E: a point in Harbin.
LATITUDE = (45.0, 45.0, 36.0)
LONGITUDE = (126.0, 37.0, 48.0)
TAKEN = "2026:11:30 14:05:09"


def phone_exif(orientation=1, gps=True):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = PHONE_MODEL
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = TAKEN
    exif[ExifTags.IFD.Exif] = {
        ExifTags.Base.DateTimeOriginal: TAKEN,
        ExifTags.Base.OffsetTimeOriginal: "+08:00",
        ExifTags.Base.MakerNote: MAKER_NOTE,
    }
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: LATITUDE,
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: LONGITUDE,
        }
    return exif


def two_tone(size=(40, 20)):
    """Left half red, right half blue: a rotation shows in where the red ends up."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    return image


def phone_photo(name="现场.jpg", image_format="JPEG", orientation=1, gps=True, size=(40, 20)):
    buffer = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    options = {"exif": phone_exif(orientation, gps).tobytes(), "icc_profile": icc}
    if image_format in ("JPEG", "WEBP"):
        options["xmp"] = XMP
    else:
        text = PngImagePlugin.PngInfo()
        text.add_itxt("XML:com.adobe.xmp", XMP.decode())
        text.add_text("Comment", PHONE_MODEL)
        options["pnginfo"] = text
    two_tone(size).save(buffer, format=image_format, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=CONTENT_TYPES[image_format])
