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
