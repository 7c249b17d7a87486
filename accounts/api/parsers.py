"""The API's parsers: DRF's own, with every text cleaned (accounts.cleaning) and a JSON body
that is not an object refused with a 400 before any view sees it.

They are the project's DEFAULT_PARSER_CLASSES; a view that names its own parser_classes
takes them from here (tests/test_hostile_input.py walks the URL conf to hold every API view
to that).
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from accounts.cleaning import clean_data

NOT_AN_OBJECT = "请求内容必须是一个 JSON 对象（{…}），不能是列表、字符串或数字。"


class CleaningParser:
    """Mixin: the parsed body with every string cleaned."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        if isinstance(parsed, parsers.DataAndFiles):
            return parsers.DataAndFiles(clean_data(parsed.data), parsed.files)
        return clean_data(parsed)


class JSONParser(CleaningParser, parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        if not isinstance(parsed, dict):
            raise ParseError(NOT_AN_OBJECT)
        return parsed


class FormParser(CleaningParser, parsers.FormParser):
    pass


class MultiPartParser(CleaningParser, parsers.MultiPartParser):
    pass
