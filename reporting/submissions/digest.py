"""The digest of a frozen table and the short verification code printed on its export.

Version 2 (sheet_digest) is SHA-256 over a canonical JSON of every cell of the printed
sheet, row by row (reporting.submissions.printed builds that sheet). Version 1
(compute_digest), which submissions made before it keep, is SHA-256 over the identifying
fields and the data cells only. Cell values are normalised the same way when the table is
frozen and when an uploaded spreadsheet is read back, so an unchanged file recomputes to
the same digest and a file with one number changed does not.
"""

import datetime
import hashlib
import json
import re
from decimal import Decimal

CODE_PATTERN = re.compile(r"\b([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{4})\b")


def canonical_cell(value):
    """The one normal form of a cell value: int for whole numbers, ISO text for dates, else text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        return int(value) if value == int(value) else format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def canonical_row(values):
    return [canonical_cell(value) for value in values]


def compute_digest(identity, rows, totals):
    """SHA-256 (hex) of the identifying fields plus the rows and totals, in canonical JSON."""
    payload = {
        "identity": identity,
        "rows": [canonical_row(row) for row in rows],
        "totals": canonical_row(totals) if totals else None,
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sheet_digest(identity, sheet):
    """SHA-256 (hex) of the identifying fields (which a period or version not printed on the
    sheet still tells apart) and the printed sheet, a list of rows of cell texts (version 2)."""
    payload = {"digest_version": 2, "identity": identity, "sheet": sheet}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verification_code(digest):
    """The first 16 hex digits of the digest, upper-case, in four groups: ABCD-EF12-3456-7890."""
    head = digest[:16].upper()
    return "-".join(head[index : index + 4] for index in range(0, 16, 4))


def normalise_code(text):
    """Accept a code typed with spaces, lower case or without dashes; None when it cannot be one."""
    compact = re.sub(r"[\s\-－—]", "", text or "").upper()
    if not re.fullmatch(r"[0-9A-F]{16}", compact):
        return None
    return verification_code(compact.lower())


def find_code(text):
    match = CODE_PATTERN.search((text or "").upper())
    return "-".join(match.groups()) if match else None
