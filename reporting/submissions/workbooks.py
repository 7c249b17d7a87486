"""From a table to a workbook, and from a workbook or a code back to the submission it claims to be.

A submission's export is built only from its frozen snapshot, so later ledger edits
never change it. A draft export (before submitting) is computed live and carries no code.
/verify/ compares an uploaded file with the sheet the submission's digest covers: the whole
printed sheet for version 2, the data cells for version 1 (printed.py says which is which).
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

from accounts.sheets import FIRST_HEADER_ROW, XLSX_CONTENT_TYPE, ExcelReport, header_depth

from ..models import Submission
from .digest import compute_digest, normalise_code, sheet_digest
from .printed import (
    DIGEST_VERSION,
    expected_sheet,
    first_difference,
    printed_details,
    snapshot_columns,
    snapshot_report,
    text_row,
)
from .reading import UnreadableWorkbook, read_report, read_sheet
from .services import snapshot_identity

__all__ = ["snapshot_columns"]  # re-exported for the submission pages


def open_seal(organisation):
    if organisation is None or not organisation.seal:
        return None
    try:
        return organisation.seal.open("rb")
    except (OSError, ValueError):
        # A seal file missing from storage leaves the space for a wet stamp rather than failing.
        return None


def submission_report(submission):
    """The stamped export, from the snapshot; a version-1 snapshot, which records nothing
    printed beside the table, takes the date, filler, phone and signer from the submission."""
    organisation = submission.organisation
    fallback = None
    if "printed" not in submission.snapshot:
        fallback = printed_details(
            timezone.localdate(submission.submitted_at),
            submission.submitted_by.display_name,
            submission.submitted_by.phone or organisation.contact_phone,
            submission.signed_by.display_name,
        )
    return snapshot_report(
        submission.snapshot,
        verification_code=submission.verification_code,
        seal=open_seal(organisation),
        fallback=fallback,
    )


def draft_report(table, region, period, organisation, user):
    """The live numbers in the same layout, for checking before submitting."""
    data = table.freeze(region, period)
    return ExcelReport(
        title=table.title_for(region),
        columns=table.columns_for(region),
        rows=data.rows,
        totals=data.totals,
        notes=tuple(table.notes),
        unit_label=table.unit_label_for(region),
        unit_name=organisation.name if organisation else region.name,
        report_date=timezone.localdate(),
        # A draft is never stamped: only a submitted, code-carrying table gets the seal.
        seal=None,
        filled_by=user.display_name,
        phone=user.phone,
        sheet_title=region.name,
    )


def export_filename(title, period_label, suffix=""):
    return f"{title}_{period_label}{suffix}.xlsx"


def xlsx_response(content, filename):
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    # RFC 5987: the Chinese file name survives every browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@dataclass
class Verdict:
    """What /verify/ says: whether the code (and the file's numbers) match a submission."""

    ok: bool
    message: str
    submission: Submission | None = None
    file_checked: bool = False
    warning: str = ""


def find_submission(code):
    return (
        Submission.objects.select_related("organisation", "region", "signed_by")
        .filter(verification_code=code)
        .first()
    )


def superseded_warning(submission):
    """A matching file may still be an outdated version: say which one counts."""
    if submission.state != Submission.State.RETURNED:
        return ""
    later = (
        Submission.objects.filter(
            table_key=submission.table_key, region=submission.region, period=submission.period
        )
        .order_by("-version")
        .first()
    )
    if later is not None and later.version > submission.version:
        return f"注意：该版本已被退回，现以第{later.version}版为准。"
    return "注意：该版本已被退回，尚未重新报送。"


def verdict(ok, message, submission, file_checked=False):
    warning = superseded_warning(submission) if ok else ""
    return Verdict(ok, message, submission, file_checked, warning)


def verify_code(text):
    code = normalise_code(text)
    if code is None:
        return Verdict(False, "验证码格式不正确：应为16位数字或字母A–F，如 1A2B-3C4D-5E6F-7A8B。")
    submission = find_submission(code)
    if submission is None:
        return Verdict(False, f"验证码 {code} 不对应任何已报送的报表，该文件可能不是系统导出的。")
    return verdict(True, "验证码有效，对应以下已报送的报表。", submission)


CHANGED = (
    "文件与报送时冻结的报表不一致（{where}）：该文件在报送后被改动过，请以系统中的报送件为准。"
)


def verify_upload(upload):
    """Read the code from the file's footer, then compare the file with what the
    submission's digest covers, naming the first cell that differs."""
    if not upload.name.lower().endswith(".xlsx"):
        return Verdict(False, "请上传 .xlsx 格式的报表文件。")
    try:
        sheet = read_sheet(upload)
    except UnreadableWorkbook as error:
        return Verdict(False, str(error))
    if sheet.code is None:
        return Verdict(
            False, "文件中没有找到验证码，该文件不是系统导出的报送件（或是未报送的草稿）。"
        )
    submission = find_submission(sheet.code)
    if submission is None:
        return Verdict(
            False, f"文件中的验证码 {sheet.code} 不对应任何已报送的报表，该文件可能被改动过。"
        )
    if submission.snapshot.get("digest_version", 1) < DIGEST_VERSION:
        return verify_numbers(upload, submission)
    snapshot = submission.snapshot
    expected = expected_sheet(snapshot)
    if sheet_digest(snapshot_identity(snapshot), expected) != submission.digest:
        # The stored snapshot no longer hashes to its own digest: nothing to compare against.
        return Verdict(False, "系统中该报送件的冻结数据校验失败，请联系系统管理员。", submission)
    where = first_difference(expected, sheet.rows, code=submission.verification_code)
    if where is None and sheet.other_sheets:
        where = f"此文件多了工作表“{sheet.other_sheets[0]}”"
    if where is not None:
        return Verdict(False, CHANGED.format(where=where), submission, file_checked=True)
    return verdict(True, "文件与报送的报表完全一致。", submission, file_checked=True)


def verify_numbers(upload, submission):
    """Version 1: the digest covers the identifying fields (from the snapshot) and the data
    cells read from the file, as it always has."""
    snapshot = submission.snapshot
    columns = snapshot_columns(snapshot)
    depth = header_depth(columns)
    try:
        content = read_report(upload, column_count=len(columns), depth=depth)
    except UnreadableWorkbook as error:
        return Verdict(False, str(error))
    digest = compute_digest(snapshot_identity(snapshot), content.rows, content.totals)
    if digest != submission.digest:
        frozen = snapshot["rows"] + ([snapshot["totals"]] if snapshot["totals"] else [])
        expected = [text_row(row) for row in frozen]
        actual = content.rows + ([content.totals] if content.totals else [])
        where = first_difference(expected, actual, first_row=FIRST_HEADER_ROW + depth)
        return Verdict(
            False,
            CHANGED.format(where=where or "数字与冻结数据不符"),
            submission,
            file_checked=True,
        )
    return verdict(True, "文件与报送的报表完全一致。", submission, file_checked=True)
