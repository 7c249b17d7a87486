"""No exported workbook holds a live formula or breaks on a control character: text that
begins like a formula (= + - @) is written as text shown as typed, and control characters
stored before the input was cleaned are dropped at write time (IllegalCharacterError never)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.sheets import Column, ExcelReport, report_bytes
from inspections.models import TipState
from rectification.models import CaseState
from reporting.models import ExportJob
from reporting.tables import all_tables
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import SupervisionTransferFactory, TipFactory
from tests.factories.ledger_files import ledger_file, ledger_row, response_bytes, uploaded
from tests.factories.rectification import CaseFactory
from tests.factories.reporting import submit_ledger

pytestmark = pytest.mark.django_db
HOSTILE_NAME = '=HYPERLINK("http://example.invalid","点我")'
CONTROL_CHARACTERS = [chr(code) for code in range(32) if chr(code) not in "\t\n"] + ["\x7f"]


@pytest.fixture
def hostile_data(area):
    """Rows as they may already be stored: saved by factories, so not through the cleaner."""
    enterprise = EnterpriseFactory(
        township=area["township_a1"],
        name=HOSTILE_NAME,
        scale="+5人",
        raw_materials="@SUM(1)",
        village_group="-1+1\x0b第二行\x01\x1b",
    )
    CaseFactory(
        enterprise=enterprise,
        state=CaseState.IN_PROGRESS,
        responsible_person="=1+1\x0b",
        responsible_unit=area["orgs"]["township_a1"],
        deadline=timezone.localdate() - datetime.timedelta(days=5),
    )
    TipFactory(
        county=area["county_a"],
        township=area["township_a1"],
        place="=cmd|' /C calc'!A0\x0b",
        content="@举报\x0b内容",
        state=TipState.RECEIVED,
    )
    return enterprise


def workbook_texts(content):
    """Every cell's text, after asserting that no cell is a formula or holds a control character."""
    workbook = load_workbook(io.BytesIO(content))
    texts = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not any(c in cell.value for c in CONTROL_CHARACTERS), cell.coordinate
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, (cell.coordinate, cell.value)
                    texts.append(cell.value)
    return texts


def body(response):
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_ledger_export_shows_a_formula_like_name_as_typed(area, client_for, hostile_data):
    texts = workbook_texts(
        body(client_for(area["users"]["clerk"]).get(reverse("enterprises:export")))
    )
    assert HOSTILE_NAME in texts
    assert "+5人" in texts and "@SUM(1)" in texts
    assert any(text.startswith("-1+1\n第二行") for text in texts)


def test_every_registry_table_exports_without_a_formula(area, client_for, hostile_data):
    client = client_for(area["users"]["county"])
    exported = 0
    for table in all_tables():
        response = client.get(reverse("reporting:table_export", args=[table.key]))
        if response.status_code == 200:
            workbook_texts(body(response))
            exported += 1
    assert exported == len(all_tables())


def test_the_tip_export_writes_a_formula_like_place_as_text(area, client_for, hostile_data):
    response = client_for(area["users"]["county"]).get(reverse("inspections:tip_export"))
    texts = workbook_texts(body(response))
    assert "=cmd|' /C calc'!A0\n" in texts
    assert "@举报\n内容" in texts


def test_the_accountability_export_writes_a_formula_like_person_as_text(
    area, client_for, hostile_data
):
    response = client_for(area["users"]["county"]).get(reverse("reporting:accountability_export"))
    texts = workbook_texts(body(response))
    assert any("=1+1" in text for text in texts)


def test_a_submission_export_with_formula_like_rows_has_no_formula(area, client_for, hostile_data):
    submission = submit_ledger(area)
    response = client_for(area["users"]["clerk"]).get(
        reverse("reporting:submission_export", args=[submission.pk])
    )
    assert HOSTILE_NAME in workbook_texts(body(response))


def test_the_problem_rows_file_keeps_a_formula_like_name_as_text(area):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(area["users"]["clerk"])
    # A "=" cell in an uploaded file is a formula (read as its cached value), so "@" stands in.
    content = ledger_file([ledger_row(1, "@SUM(2)", reported="2024年2月30日")])
    preview = client.post(
        "/api/ledger-imports/", {"file": uploaded(content)}, format="multipart"
    ).json()
    response = client.get(preview["problems_file"])
    assert "@SUM(2)" in workbook_texts(response_bytes(response))


def test_the_writer_escapes_title_notes_totals_and_rows_and_drops_control_characters():
    report = ExcelReport(
        title="=标题",
        columns=[Column("名称"), Column("数量", numeric=True)],
        rows=[["=A1*2", 3], ["\tTAB", 1], ["\r回车", 1], ["坏\x00字\x0b符", 2]],
        totals=["合计", 7],
        notes=("=注",),
        unit_name="@单位",
    )
    texts = workbook_texts(report_bytes(report))
    assert {"=标题", "=A1*2", "\tTAB", "坏字\n符", "注：=注"} <= set(texts)
    assert "\n回车" in texts


def test_the_supervision_list_as_attachment_2_writes_a_formula_like_person_as_text(
    area, client_for, hostile_data
):
    SupervisionTransferFactory(
        enterprise=hostile_data,
        responsible_person="=1+2\x0b王",
        found_by=area["orgs"]["county_office"],
    )
    response = client_for(area["users"]["county"]).get(reverse("inspections:transfer_export"))
    texts = workbook_texts(body(response))
    assert HOSTILE_NAME in texts
    assert "=1+2\n王" in texts


def test_a_long_export_job_file_has_no_formula(
    area, client_for, hostile_data, settings, django_capture_on_commit_callbacks
):
    settings.QINGLING_LONG_EXPORT_ROWS = 1
    EnterpriseFactory(township=area["township_a1"], name="=第二家")
    client = client_for(area["users"]["county"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:export_start"), {"kind": "ledger"})
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.DONE
    download = client.get(reverse("reporting:export_download", args=[job.pk]))
    assert {HOSTILE_NAME, "=第二家"} <= set(workbook_texts(body(download)))


def test_a_submission_with_formula_like_and_control_text_verifies_from_its_export(
    area, hostile_data
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reporting.submissions.workbooks import submission_report, verify_upload

    submission = submit_ledger(area)
    content = report_bytes(submission_report(submission))
    assert verify_upload(SimpleUploadedFile("报表.xlsx", content)).ok
