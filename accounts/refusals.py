"""The one refusal of the whole project, and the two places that answer it.

A service that will not do what it was asked raises `Refused` with the Chinese sentence the
user reads and, where one input is to blame, that input's field name. Nothing has been
written when it is raised (services raise before or inside their transaction). Pages show it
with `show_refusal`; the API answers it with `api_exception_handler` (a 400, or the subclass's
status_code, with the message on its field), so no view catches refusals one kind at a time.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError

NON_FIELD = "non_field_errors"


class Refused(Exception):
    """A change the rules refuse; `message` is shown as is, `field` names the input at fault.

    Subclass only where a caller must tell one kind from another (a duplicate credit code
    that the form offers to open, a stale edit that asks for a reload).
    """

    # The API's status; a subclass may say 409 (a stale edit) or 503 (a service down).
    status_code = 400

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field

    def details(self):
        """What a caller needs beyond the sentence (ids of the records in the way); typed data."""
        return {}

    def as_response_data(self):
        """The body of the API's 400: the sentence as `detail` and on its field, plus details."""
        return {"detail": self.message, self.field or NON_FIELD: [self.message], **self.details()}


def refusal_from_form(form):
    """A form's errors as one refusal: every message, each after its field's label."""
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        parts.append(f"{label}：{'、'.join(errors)}" if label else "、".join(errors))
    first = next(iter(form.errors), None)
    field = first if first in form.fields else None
    return Refused("；".join(parts), field=field)


def refusal_messages(refusal):
    """{field or None: [messages]} of a refusal, of a model's ValidationError, or of the Chinese
    reason a service gave for PermissionDenied / Http404."""
    if isinstance(refusal, Refused):
        return {refusal.field: [refusal.message]}
    if isinstance(refusal, ValidationError):
        if hasattr(refusal, "error_dict"):
            return {field: list(messages) for field, messages in refusal.message_dict.items()}
        return {None: list(refusal.messages)}
    return {None: [str(refusal)]}


def show_refusal(request, refusal, form=None):
    """Show a refusal on a page: on the form's own field where it has one (else on the form),
    or, without a form, as a message above the page."""
    for field, texts in refusal_messages(refusal).items():
        for text in texts:
            if form is not None:
                form.add_error(field if field in form.fields else None, text)
            else:
                messages.error(request, text)


def _chinese(text):
    return any("\u4e00" <= character <= "\u9fff" for character in text)


def api_exception_handler(exc, context):
    """DRF's handler, plus: a `Refused` is a 400 with its message on its field, and a service's
    own Chinese reason for a 403 or 404 is kept (Django's generic English texts are not)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from rest_framework import exceptions
    from rest_framework.response import Response
    from rest_framework.views import exception_handler

    if isinstance(exc, Refused):
        return Response(exc.as_response_data(), status=exc.status_code)
    if isinstance(exc, PermissionDenied) and _chinese(str(exc)):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, Http404) and _chinese(str(exc)):
        exc = exceptions.NotFound(str(exc))
    return exception_handler(exc, context)
