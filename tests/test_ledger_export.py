"""The ledger list's export is the 附件1 table of the filtered rows: title rows, columns, notes,
signature and code lines, A4 landscape, scoping; long ones go to the export jobs."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.ledger import LEDGER_COLUMNS
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("enterprises:export")


def workbook_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_export_has_the_attachment_1_layout(area, client_for):
    EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂", village=area["village_a1"])
    EnterpriseFactory(township=area["township_a1"], name="兴旺砖厂")
    sheet = workbook_of(client_for(area["users"]["clerk"]).get(EXPORT)).active
    # Seed 004 titles a township's ledger with its county's name; the township signs it.
    assert sheet["A1"].value == "甲县小散乱污企业排查台账"
    assert sheet["A2"].value == "镇（办）：甲一镇政府（盖章）"
    assert sheet["A3"].value.startswith("日期：")
    assert [cell.value for cell in sheet[4]] == LEDGER_COLUMNS
    assert [sheet.cell(row=5, column=1).value, sheet.cell(row=6, column=1).value] == [1, 2]
    names = {sheet.cell(row=5, column=3).value, sheet.cell(row=6, column=3).value}
    assert names == {"宏达铸造厂", "兴旺砖厂"}
    assert sheet.cell(row=5, column=10).value == datetime.datetime(2024, 3, 20)
    assert sheet["A7"].value.startswith("注：1. 此表各镇、办事处环保部门填报")
    assert sheet["A10"].value.startswith("　　4. 完成情况为报送时企业情况")
    assert sheet["A11"].value.startswith("主要负责同志签字：")
    assert sheet["A12"].value == "验证码：草稿，未报送"
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    assert {"A1:N1", "A2:N2", "A3:N3", "A7:N7", "A11:N11"} <= merged
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"
    assert sheet.print_title_rows == "$4:$4"


def test_export_follows_the_filters(area, client_for):
    EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    EnterpriseFactory(township=area["township_a2"], name="兴旺砖厂", enterprise_type="eight_small")
    client = client_for(area["users"]["county"])
    sheet = workbook_of(client.get(f"{EXPORT}?enterprise_type=eight_small")).active
    assert sheet["A1"].value == "甲县小散乱污企业排查台账"
    assert sheet["A2"].value == "填报单位：甲县整治办（盖章）"
    assert sheet.cell(row=5, column=3).value == "兴旺砖厂"
    assert sheet.cell(row=6, column=1).value.startswith("注")
    sheet = workbook_of(client.get(f"{EXPORT}?township={area['township_a1'].code}")).active
    # A county office exporting one township's ledger signs nothing for the township.
    assert sheet["A1"].value == "甲县小散乱污企业排查台账"
    assert sheet["A2"].value == "镇（办）：甲一镇（盖章）"
    assert sheet.cell(row=5, column=3).value == "宏达铸造厂"


def test_clerk_export_never_contains_other_townships(area, client_for):
    EnterpriseFactory(township=area["township_a1"], name="本镇企业")
    EnterpriseFactory(township=area["township_a2"], name="邻乡企业")
    sheet = workbook_of(client_for(area["users"]["clerk"]).get(EXPORT)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "本镇企业" in values
    assert "邻乡企业" not in values


def test_export_with_a_bad_filter_says_why_and_exports_nothing(area, client_for):
    response = client_for(area["users"]["clerk"]).get(f"{EXPORT}?reported_after=2024-13-45")
    assert response.status_code == 302
    follow = client_for(area["users"]["clerk"]).get(response["Location"])
    assert "筛选条件有误" in follow.content.decode()


def test_export_runs_a_fixed_number_of_queries(area, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(area["users"]["county"])
    EnterpriseFactory.create_batch(3, township=area["township_a1"])
    client.get(EXPORT)
    with CaptureQueriesContext(connection) as small:
        client.get(EXPORT)
    EnterpriseFactory.create_batch(30, township=area["township_a2"])
    with django_assert_num_queries(len(small)):
        workbook_of(client.get(EXPORT))


def test_data_cells_keep_their_borders_alignment_and_date_format(area, client_for):
    EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    sheet = workbook_of(client_for(area["users"]["clerk"]).get(EXPORT)).active
    number, name, reported_on = (sheet.cell(row=5, column=c) for c in (1, 3, 10))
    assert reported_on.number_format == "yyyy-mm-dd"
    assert name.number_format == "General"
    assert number.alignment.horizontal == "center"
    assert name.alignment.horizontal == "left"
    assert all(cell.border.left.style == "thin" for cell in (number, name, reported_on))


def test_rows_after_a_dated_case_keep_their_own_values_and_plain_empty_cells(area, client_for):
    from tests.factories.rectification import determined_case

    case = determined_case(area)
    EnterpriseFactory(township=area["township_a1"], name="兴旺砖厂")
    sheet = workbook_of(client_for(area["users"]["clerk"]).get(EXPORT)).active
    rows = {sheet.cell(row=r, column=3).value: r for r in (5, 6)}
    with_case, without_case = rows[case.enterprise.name], rows["兴旺砖厂"]
    requirement, deadline, completion = (sheet.cell(row=with_case, column=c) for c in (9, 11, 13))
    assert requirement.value == "限期拆除"
    assert deadline.value.date() == case.deadline
    assert deadline.number_format == "yyyy-mm-dd"
    assert completion.value == "正在拆除"
    empty = [sheet.cell(row=without_case, column=c) for c in (9, 11, 13)]
    assert [cell.value for cell in empty] == [None, None, None]
    assert [cell.number_format for cell in empty] == ["General"] * 3
    assert all(cell.border.left.style == "thin" for cell in empty)
    # The government layout centres only the 序号 column; an empty date keeps its column's style.
    assert empty[1].alignment.horizontal == "left"


def sheet_values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_list_export_and_the_attachment_1_report_of_the_same_rows_read_the_same(
    area, client_for
):
    from reporting.submissions.digest import canonical_row

    EnterpriseFactory(
        township=area["township_a1"], name="宏达铸造厂", reported_on=datetime.date(2024, 3, 2)
    )
    EnterpriseFactory(
        township=area["township_a1"], name="兴旺砖厂", reported_on=datetime.date(2024, 3, 9)
    )
    client = client_for(area["users"]["clerk"])
    listed = sheet_values(workbook_of(client.get(f"{EXPORT}?ordering=reported_on")).active)
    response = client.get(reverse("reporting:table_export", args=["ledger"]))
    assert response.status_code == 200
    reported = sheet_values(load_workbook(io.BytesIO(response.content)).active)
    # Title, 镇（办）, 日期 and the header row are the same text in the same places.
    assert listed[:4] == reported[:4]
    assert listed[0][0] == "甲县小散乱污企业排查台账"
    assert listed[3] == LEDGER_COLUMNS
    # The report's rows are frozen as text (dates in ISO form); the list's keep their types.
    data = slice(4, 6)
    assert [canonical_row(row) for row in listed[data]] == [
        canonical_row(row) for row in reported[data]
    ]
    assert [row[2] for row in listed[data]] == ["宏达铸造厂", "兴旺砖厂"]
    assert listed[6:10] == reported[6:10]  # the 注 notes
    assert listed[6][0].startswith("注：1. 此表各镇、办事处环保部门填报")


def test_a_long_filtered_ledger_is_sent_to_the_export_jobs_with_its_filters(
    area, client_for, settings
):
    settings.QINGLING_LONG_EXPORT_ROWS = 1
    EnterpriseFactory.create_batch(2, township=area["township_a1"], sector="industry")
    client = client_for(area["users"]["county"])
    response = client.get(f"{EXPORT}?sector=industry")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('reporting:export_list')}?sector=industry"
    page = client.get(response["Location"]).content.decode()
    assert "筛选结果共 2 家，台账较长，将在后台生成" in page
    assert '<option value="industry" selected>' in page
    settings.QINGLING_LONG_EXPORT_ROWS = 2
    assert workbook_of(client.get(f"{EXPORT}?sector=industry")).active["A5"].value == 1
