"""Photo uploads for inspections and tips follow exactly the rules of case evidence
(`rectification.evidence`): content-checked JPEG/PNG/WebP within its size limit, stored under
random names. Tip photos come from anonymous members of the public, so fewer are accepted."""

from rectification.evidence import (
    MAX_EVIDENCE_BYTES,
    EvidenceUploadTo,
    name_upload_by_content,
    validate_evidence_image,
)

MAX_PHOTO_BYTES = MAX_EVIDENCE_BYTES
MAX_INSPECTION_PHOTOS = 9
MAX_TIP_PHOTOS = 3

validate_photo = validate_evidence_image
inspection_photo_name = EvidenceUploadTo("inspections")
tip_photo_name = EvidenceUploadTo("tips")


def prepare_photo(upload):
    """Validate one uploaded photo and name it by its real format; raises ValidationError."""
    validate_photo(upload)
    return name_upload_by_content(upload)
