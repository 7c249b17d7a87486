"""The one text cleaner, and the two places where it meets every input.

Text pasted from Word or a spreadsheet carries control characters (Word's line break is
\\x0b) that no one typed on purpose and that the .xlsx format cannot hold. `clean_text`
keeps line breaks and tabs, turns \\r\\n, a lone \\r, \\x0b and \\x0c into \\n and drops the
rest of U+0000–U+001F and U+007F. It runs at the boundary, once per request, so no form,
serializer or service has to remember it: `CleanInputMiddleware` cleans the query string of
every request and the POST data of every Django view; the API's parsers
(accounts.api.parsers) clean every body DRF reads.
"""

import re

from django.http import QueryDict

# \t and \n are kept; everything else below U+0020, and DEL, is unwanted.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")


def clean_text(value):
    """`value` without control characters, its line breaks as \\n; a non-string is returned as is."""
    if value.__class__ is not str or not _UNWANTED.search(value):
        return value
    return _UNWANTED.sub("", _LINE_BREAKS.sub("\n", value))


def clean_data(data):
    """Every string in a parsed body (dicts and lists to any depth) cleaned."""
    if isinstance(data, QueryDict):
        return clean_querydict(data)
    if isinstance(data, dict):
        return {clean_text(key): clean_data(value) for key, value in data.items()}
    if isinstance(data, list):
        return [clean_data(value) for value in data]
    return clean_text(data)


def clean_querydict(data):
    """A QueryDict with every value cleaned; the same object when nothing needs it."""
    if not any(clean_text(v) is not v for _key, values in data.lists() for v in values):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(clean_text(key), [clean_text(value) for value in values])
    cleaned._mutable = data._mutable
    return cleaned


def is_api_view(view_func):
    from rest_framework.views import APIView

    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class CleanInputMiddleware:
    """Cleans request.GET always and request.POST for Django views (the HTML forms and the
    admin). API views are left to their parsers, which read the body themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.GET = clean_querydict(request.GET)
        if request.method == "POST" and not is_api_view(view_func):
            request.POST = clean_querydict(request.POST)
        return None
