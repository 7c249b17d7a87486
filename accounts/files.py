"""Serving a stored file once its view has checked that the user may see the owning object.

Files are opened through the field's storage (never a filesystem path), so an object-store
backend drops in; the answer is streamed, never sniffed, and named safely: images show inline,
documents (PDF, workbooks) download as attachments.
"""

import mimetypes
import posixpath

from django.http import FileResponse, Http404

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


def serve_stored_file(field_file, title=None):
    """A FileResponse for `field_file` (a FieldFile), 404 when nothing is stored or it is gone.

    `title` names the download (the stored extension is kept); without it the stored,
    random name is used — never the uploader's."""
    if not field_file:
        raise Http404("文件不存在。")
    try:
        handle = field_file.open("rb")
    except OSError as error:
        raise Http404("文件已不存在。") from error
    # The stored name is random (accounts.uploads); its extension follows the checked content.
    stored = posixpath.basename(field_file.name)
    content_type = mimetypes.guess_type(stored)[0] or "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=content_type not in INLINE_TYPES,
        filename=f"{title}{posixpath.splitext(stored)[1]}" if title else stored,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
