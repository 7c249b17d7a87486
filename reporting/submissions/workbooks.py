"""From a table to a workbook, and from a workbook or a code back to the submission it claims to be.

A submission's export is built only from its frozen snapshot, so later ledger edits
never change it. A draft export (before submitting) is computed live and carries no code.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

from accounts.sheets import XLSX_CONTENT_TYPE, Column, ExcelReport, header_depth

from ..models import Submission
from .digest import compute_digest, normalise_code
from .reading import UnreadableWorkbook, read_report
from .services import snapshot_identity


def snapshot_columns(snapshot):
    return [Column(**column) for column in snapshot["columns"]]


def open_seal(organisation):
    if organisation is None or not organisation.seal:
        return None
    try:
        return organisation.seal.open("rb")
    except (OSError, ValueError):
        # A seal file missing from storage leaves the space for a wet stamp rather than failing.
        return None


def submission_report(submission):
    snapshot = submission.snapshot
    organisation = submission.organisation
    return ExcelReport(
        title=snapshot["title"],
        columns=snapshot_columns(snapshot),
        rows=snapshot["rows"],
        totals=snapshot["totals"],
        notes=tuple(snapshot["notes"]),
        unit_label=snapshot["unit_label"],
        unit_name=snapshot["unit_name"],
        report_date=timezone.localdate(submission.submitted_at),
        seal=open_seal(organisation),
        verification_code=submission.verification_code,
        signer_name=submission.signed_by.display_name,
        filled_by=submission.submitted_by.display_name,
        phone=submission.submitted_by.phone or organisation.contact_phone,
        sheet_title=snapshot["region_name"],
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


def verify_upload(upload):
    """Read the code from the file's footer, then recompute the digest from the file's own numbers."""
    if not upload.name.lower().endswith(".xlsx"):
        return Verdict(False, "请上传 .xlsx 格式的报表文件。")
    try:
        first = read_report(upload, column_count=64, depth=1)
    except UnreadableWorkbook as error:
        return Verdict(False, str(error))
    if first.code is None:
        return Verdict(
            False, "文件中没有找到验证码，该文件不是系统导出的报送件（或是未报送的草稿）。"
        )
    submission = find_submission(first.code)
    if submission is None:
        return Verdict(
            False, f"文件中的验证码 {first.code} 不对应任何已报送的报表，该文件可能被改动过。"
        )
    snapshot = submission.snapshot
    columns = snapshot_columns(snapshot)
    content = read_report(upload, column_count=len(columns), depth=header_depth(columns))
    digest = compute_digest(snapshot_identity(snapshot), content.rows, content.totals)
    if digest != submission.digest:
        return Verdict(
            False,
            "文件中的数字与报送时冻结的数据不一致：该文件在报送后被改动过，请以系统中的报送件为准。",
            submission,
            file_checked=True,
        )
    return verdict(True, "文件与报送的报表完全一致。", submission, file_checked=True)
