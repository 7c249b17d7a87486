"""/verify/: anyone can check a code or an uploaded file; a doctored spreadsheet is caught."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accounts.sheets import report_bytes
from reporting.models import Submission
from reporting.submissions import services
from reporting.submissions.digest import compute_digest, verification_code
from reporting.submissions.workbooks import (
    submission_report,
    verify_code,
    verify_upload,
)
from tests.factories.reporting import (
    county_survey_draft,
    enterprises,
    give_seal,
    mixed_ledger,
    submit_ledger,
    submit_survey,
)


def open_sheet(content):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def as_upload(content, name="报表.xlsx"):
    return SimpleUploadedFile(name, content)


def doctored(content, cell, value):
    workbook = load_workbook(io.BytesIO(content))
    workbook.worksheets[0][cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_exported_submission_verifies(area):
    mixed_ledger(area)
    submission = submit_survey(area)
    verdict = verify_upload(as_upload(report_bytes(submission_report(submission))))
    assert verdict.ok and verdict.file_checked
    assert verdict.submission == submission


def test_changing_one_number_in_the_file_is_caught(area):
    mixed_ledger(area)
    content = report_bytes(submission_report(submit_survey(area)))
    verdict = verify_upload(as_upload(doctored(content, "C6", 2)))  # 甲一镇 问题总数 3 → 2
    assert not verdict.ok and verdict.file_checked
    assert "不一致" in verdict.message


def test_changing_a_total_is_caught(area):
    mixed_ledger(area)
    content = report_bytes(submission_report(submit_survey(area)))
    assert not verify_upload(as_upload(doctored(content, "C8", 40))).ok


def test_changing_a_name_in_the_ledger_is_caught(area):
    enterprises(area["township_a1"], 2)
    content = report_bytes(submission_report(submit_ledger(area)))
    assert verify_upload(as_upload(content)).ok
    assert not verify_upload(as_upload(doctored(content, "C5", "别的企业"))).ok


def test_deleting_a_row_is_caught(area):
    enterprises(area["township_a1"], 2)
    content = report_bytes(submission_report(submit_ledger(area)))
    workbook = load_workbook(io.BytesIO(content))
    workbook.worksheets[0].delete_rows(6)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert not verify_upload(as_upload(buffer.getvalue())).ok


def test_a_file_claiming_another_submissions_code_is_caught(area):
    mixed_ledger(area)
    survey = submit_survey(area)
    ledger = submit_ledger(area)
    content = report_bytes(submission_report(ledger))
    workbook = load_workbook(io.BytesIO(content))
    workbook.worksheets[0].oddFooter.center.text = f"验证码：{survey.verification_code}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    verdict = verify_upload(as_upload(buffer.getvalue()))
    assert not verdict.ok


def test_each_version_verifies_with_its_own_code(area):
    users = area["users"]
    first = submit_ledger(area)
    services.return_submission(first, by=users["county"], reason="重报")
    enterprises(area["township_a1"], 1)
    second = services.resubmit(first, by=users["clerk"], signed_by=users["head"])
    old = verify_upload(as_upload(report_bytes(submission_report(first))))
    assert old.ok and old.submission == first
    assert old.warning == "注意：该版本已被退回，现以第2版为准。"
    new = verify_upload(as_upload(report_bytes(submission_report(second))))
    assert new.ok and new.submission == second and new.warning == ""


def test_a_draft_export_has_no_code_to_verify(area):
    report = county_survey_draft(area)
    verdict = verify_upload(as_upload(report_bytes(report)))
    assert not verdict.ok and "没有找到验证码" in verdict.message


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(area):
    assert "无法读取" in verify_upload(as_upload(b"not a zip at all")).message
    assert ".xlsx" in verify_upload(as_upload(b"x", name="报表.xls")).message


def test_a_code_typed_in_lower_case_without_dashes_is_found(area):
    submission = submit_ledger(area)
    verdict = verify_code(submission.verification_code.replace("-", "").lower())
    assert verdict.ok and verdict.submission == submission


def test_an_unknown_or_malformed_code_is_refused(area):
    assert "不对应任何" in verify_code("0000-0000-0000-0000").message
    assert "格式不正确" in verify_code("hello").message


def test_the_verify_page_needs_no_login_and_shows_the_submission(client, area):
    submission = submit_ledger(area)
    response = client.post("/verify/", {"code-code": submission.verification_code})
    page = response.content.decode()
    assert response.status_code == 200
    assert "一致" in page and "甲一镇政府" in page and "2024年3月" in page and "第1版" in page


def test_the_verify_page_accepts_a_code_in_the_query_string(client, area):
    submission = submit_ledger(area)
    page = client.get(f"/verify/?code={submission.verification_code}").content.decode()
    assert "验证码有效" in page


def test_the_verify_page_checks_an_uploaded_file(client, area):
    mixed_ledger(area)
    content = report_bytes(submission_report(submit_survey(area)))
    good = client.post("/verify/", {"file-workbook": as_upload(content)}).content.decode()
    assert "文件与报送的报表完全一致" in good
    bad = client.post(
        "/verify/", {"file-workbook": as_upload(doctored(content, "D6", 9))}
    ).content.decode()
    assert "被改动过" in bad and "✘ 不一致" in bad


def test_the_verify_page_says_what_is_wrong_with_an_empty_code(client, db):
    page = client.post("/verify/", {"code-code": ""}).content.decode()
    assert "请输入报表上的验证码" in page


def test_a_zip_that_unpacks_to_too_much_is_refused(area, monkeypatch):
    import zipfile

    from reporting.submissions import reading as excel

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.bin", b"\0" * (2 * 1024 * 1024))
    monkeypatch.setattr(excel, "MAX_UNPACKED_BYTES", 1024 * 1024)
    verdict = verify_upload(as_upload(buffer.getvalue()))
    assert not verdict.ok and "过大" in verdict.message


# The whole sheet a person reads is covered, and the first difference is named.


def resaved(content, change=None):
    workbook = load_workbook(io.BytesIO(content))
    if change is not None:
        change(workbook.worksheets[0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def survey_file(area):
    mixed_ledger(area)
    return report_bytes(submission_report(submit_survey(area)))


def test_a_changed_number_is_named_by_its_row_column_and_both_values(area):
    verdict = verify_upload(as_upload(doctored(survey_file(area), "C6", 2)))
    assert not verdict.ok
    assert "第 6 行 C 列：报送时为 3，此文件为 2" in verdict.message


@pytest.mark.parametrize(
    ("cell", "value", "where"),
    [
        ("A1", "甲县“散乱污”问题摸底情况汇总表（修订）", "第 1 行 A 列"),
        ("A2", "填报单位：别的单位（盖章）", "第 2 行 A 列"),
        ("A3", "日期：2020年1月1日", "第 3 行 A 列"),
        ("D4", "行业", "第 4 行 D 列"),
        ("F5", "农林", "第 5 行 F 列"),
        ("A9", "注：1. 此表随便填。", "第 9 行 A 列"),
        ("A13", "主要负责同志签字：张三", "第 13 行 A 列"),
    ],
)
def test_a_changed_title_unit_date_header_or_note_is_caught(area, cell, value, where):
    verdict = verify_upload(as_upload(doctored(survey_file(area), cell, value)))
    assert not verdict.ok and verdict.file_checked
    assert where in verdict.message


def test_a_row_added_below_the_totals_is_caught(area):
    def add_row(ws):
        ws.insert_rows(9)
        ws["A9"], ws["C9"] = "补报", 5

    verdict = verify_upload(as_upload(resaved(survey_file(area), add_row)))
    assert not verdict.ok and "第 9 行 A 列：报送时为 注：1." in verdict.message


def test_anything_written_anywhere_on_the_sheet_is_caught(area):
    verdict = verify_upload(as_upload(doctored(survey_file(area), "Z40", "另附说明")))
    assert not verdict.ok and "第 40 行 Z 列：报送时为空，此文件为 另附说明" in verdict.message


def test_a_second_sheet_added_to_the_file_is_caught(area):
    workbook = load_workbook(io.BytesIO(survey_file(area)))
    workbook.create_sheet("补充")["A1"] = "另报数字"
    buffer = io.BytesIO()
    workbook.save(buffer)
    verdict = verify_upload(as_upload(buffer.getvalue()))
    assert not verdict.ok and "补充" in verdict.message


def test_an_openpyxl_load_and_save_round_trip_still_verifies(area):
    assert verify_upload(as_upload(resaved(survey_file(area)))).ok


def test_numbers_as_decimals_trailing_spaces_and_empty_text_still_verify(area):
    def resave_like_another_program(ws):
        ws["C6"] = 3.0
        ws["B6"] = "甲一镇  "
        ws["P6"], ws["P7"] = "", "   "  # empty text and spaces beside the table

    assert verify_upload(as_upload(resaved(survey_file(area), resave_like_another_program))).ok


def test_dates_stored_as_datetimes_or_serial_numbers_still_verify(area):
    enterprises(area["township_a1"], 2)
    content = report_bytes(submission_report(submit_ledger(area)))
    assert open_sheet(content)["J5"].value == "2024-03-10"

    def as_datetime(ws):
        ws["J5"] = datetime.datetime(2024, 3, 10)
        ws["J5"].number_format = "yyyy-mm-dd"
        ws["J6"] = 45361  # the serial of 2024-03-10
        ws["J6"].number_format = "yyyy-mm-dd"

    assert verify_upload(as_upload(resaved(content, as_datetime))).ok

    def another_day(ws):
        ws["J5"] = datetime.datetime(2024, 3, 11)

    verdict = verify_upload(as_upload(resaved(content, another_day)))
    assert "第 5 行 J 列：报送时为 2024-03-10，此文件为 2024-03-11" in verdict.message


def test_the_code_line_must_carry_the_files_own_code(area):
    content = survey_file(area)
    ws = open_sheet(content)
    verdict = verify_upload(
        as_upload(doctored(content, "A14", ws["A14"].value.replace("-", "—", 1)))
    )
    assert not verdict.ok and "第 14 行 A 列" in verdict.message


def test_a_seal_on_the_file_does_not_change_what_is_verified(area):
    give_seal(area["orgs"]["county_office"])
    assert verify_upload(as_upload(survey_file(area))).ok


def test_a_submission_export_downloaded_after_the_user_changed_phone_still_verifies(area):
    submission = submit_ledger(area)
    clerk = area["users"]["clerk"]
    clerk.phone, clerk.full_name = "13900000000", "改名后"
    clerk.save()
    submission.refresh_from_db()
    assert verify_upload(as_upload(report_bytes(submission_report(submission)))).ok


def as_version_one(submission):
    """A submission as it was stored before whole-sheet digests: snapshot without the
    printed frame, digest over identity and numbers."""
    snapshot = dict(submission.snapshot)
    for key in ("digest_version", "printed", "frame"):
        snapshot.pop(key)
    digest = compute_digest(
        services.snapshot_identity(snapshot), snapshot["rows"], snapshot["totals"]
    )
    Submission.objects.filter(pk=submission.pk).update(
        snapshot=snapshot, digest=digest, verification_code=verification_code(digest)
    )
    submission.refresh_from_db()
    return submission


def test_a_version_one_submission_still_verifies_as_before(area):
    mixed_ledger(area)
    old = as_version_one(submit_survey(area))
    content = report_bytes(submission_report(old))
    assert verify_upload(as_upload(content)).ok
    assert verify_upload(as_upload(resaved(content))).ok
    changed = verify_upload(as_upload(doctored(content, "C6", 2)))
    assert not changed.ok and "第 6 行 C 列：报送时为 3，此文件为 2" in changed.message
    # Version 1 never covered the title; an old file keeps the verdict it always had.
    assert verify_upload(as_upload(doctored(content, "A1", "别的标题"))).ok


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice 未安装")
def test_a_file_re_saved_by_libreoffice_still_verifies(area, tmp_path):
    enterprises(area["township_a1"], 3)
    give_seal(area["orgs"]["township_a1"])
    source = tmp_path / "报表.xlsx"
    source.write_bytes(report_bytes(submission_report(submit_ledger(area))))
    out = tmp_path / "out"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    resaved_file = (out / "报表.xlsx").read_bytes()
    assert resaved_file != source.read_bytes()
    verdict = verify_upload(as_upload(resaved_file))
    assert verdict.ok, verdict.message
