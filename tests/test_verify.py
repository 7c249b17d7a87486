"""/verify/: anyone can check a code or an uploaded file; a doctored spreadsheet is caught."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accounts.sheets import report_bytes
from reporting.submissions import services
from reporting.submissions.workbooks import (
    submission_report,
    verify_code,
    verify_upload,
)
from tests.factories.reporting import (
    county_survey_draft,
    enterprises,
    mixed_ledger,
    submit_ledger,
    submit_survey,
)


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
