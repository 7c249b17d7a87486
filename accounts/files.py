"""Serving a stored file once its view has checked that the user may see the owning object.

Files are opened through the field's storage (never a filesystem path), so the same code
serves them from the local disk and from the object store (accounts.storage). The answer is
streamed — or, on S3 with QINGLING_S3_SIGNED_REDIRECT, a redirect to a URL signed for a few
seconds — never sniffed, and named safely: images show inline, documents (PDF, workbooks)
download as attachments.
"""

import mimetypes
import posixpath

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from .storage import StorageUnavailable, is_object_storage

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
UNAVAILABLE_MESSAGE = "文件存储暂时无法访问，请稍后重试。"


def serve_stored_file(field_file, title=None, *, filename=None):
    """The answer for `field_file` (a FieldFile), 404 when nothing is stored or it is gone,
    503 when the object store does not answer.

    `filename` names the download whole; else `title` does (the stored extension is kept);
    without either the stored, random name is used — never the uploader's."""
    if not field_file:
        raise Http404("文件不存在。")
    # The stored name is random (accounts.uploads); its extension follows the checked content.
    stored = posixpath.basename(field_file.name)
    content_type = mimetypes.guess_type(filename or stored)[0] or "application/octet-stream"
    as_attachment = content_type not in INLINE_TYPES
    filename = filename or (f"{title}{posixpath.splitext(stored)[1]}" if title else stored)
    storage = field_file.storage
    try:
        if is_object_storage(storage) and settings.QINGLING_S3_SIGNED_REDIRECT:
            response = signed_redirect(
                storage, field_file.name, content_type, as_attachment, filename
            )
        else:
            response = streamed(storage, field_file.name, content_type, as_attachment, filename)
    except StorageUnavailable:
        return HttpResponse(
            UNAVAILABLE_MESSAGE, status=503, content_type="text/plain; charset=utf-8"
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def streamed(storage, name, content_type, as_attachment, filename):
    try:
        if is_object_storage(storage):
            handle, size = storage.open_stream(name)
        else:
            handle, size = storage.open(name, "rb"), None
    except StorageUnavailable:
        raise
    except OSError as error:
        raise Http404("文件已不存在。") from error
    response = FileResponse(
        handle, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
    if size is not None:
        response["Content-Length"] = str(size)
    return response


def signed_redirect(storage, name, content_type, as_attachment, filename):
    """A redirect to the object itself, signed for QINGLING_S3_SIGNED_SECONDS: the store
    answers with the app's type and disposition, so the browser treats it as if streamed."""
    disposition = content_disposition_header(as_attachment, filename)
    url = storage.signed_url(
        name,
        expire=settings.QINGLING_S3_SIGNED_SECONDS,
        content_type=content_type,
        content_disposition=disposition,
    )
    if url is None:
        raise Http404("文件已不存在。")
    response = HttpResponseRedirect(url)
    # The link is for this user, now: no cache may keep the redirect for the next one.
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = disposition
    return response
