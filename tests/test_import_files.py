"""Ledger files as offices send them: .xlsx, old .xls and CSV (UTF-8 with or without BOM, GBK)
through the same preview; the header on any of the first 20 rows of any sheet; merged cells
read on every row they cover; hidden rows and columns left out with a notice; a 镇（办）line
naming another township refused for a clerk and a warning for the county office; each
message on the column it is about."""

import datetime
import io

import pytest
import xlwt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from enterprises.imports import services as imports
from enterprises.imports.reading import LedgerFileError, parse_workbook
from enterprises.models import Enterprise, ImportBatch
from tests.factories.enterprises import credit_code

pytestmark = pytest.mark.django_db

UPLOAD = reverse("enterprises:import")

HEADER = [
    "序号", "所在村组", "企业名称", "企业类型", "企业规模\n(人员等)", "原辅材料", "涉水涉气",
    "有无手续", "整治要求", "上报时间", "整治期限", "分包责任人", "完成情况\n(完成日期)", "备注",
]  # fmt: skip
VILLAGE, NAME, REPORTED, DEADLINE = 1, 2, 9, 10


def ledger_row(number, name, *, village="甲一村三组", reported="2024-03-15", deadline="2024-05-31"):
    return [
        number, village, name, "小散乱污", "5人", "废钢", "涉气", "无", "限期拆除", reported,
        deadline, "王分包", "正在拆除", "",
    ]  # fmt: skip


def preamble(unit="甲一镇"):
    return [["甲一镇小散乱污企业排查台账"], [f"镇（办）：{unit} (盖章)"], ["日期：2024年3月23日"]]


def xlsx_bytes(build):
    workbook = Workbook()
    build(workbook)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def simple_xlsx(rows, unit="甲一镇"):
    def build(workbook):
        sheet = workbook.active
        for line in [*preamble(unit), HEADER, *rows]:
            sheet.append(line)

    return xlsx_bytes(build)


def csv_bytes(rows, encoding, unit="甲一镇"):
    lines = [",".join(f'"{value}"' for value in line) for line in [*preamble(unit), HEADER, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def parse(content, township, by=None, name="台账.xlsx"):
    upload = io.BytesIO(content)
    upload.name = name
    return parse_workbook(upload, township, by=by)


def upload(content, name):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def names_and(parsed, *fields):
    return [(row["data"]["name"], *(row["data"][f] for f in fields)) for row in parsed.rows]


# --- .xlsx -----------------------------------------------------------------------------------


def test_header_on_row_seven_of_the_second_sheet_is_found_and_the_sheet_named(area):
    def build(workbook):
        workbook.active.title = "填表说明"
        workbook.active.append(["请按附件1填写，类型分为小散乱污、八小。"])
        sheet = workbook.create_sheet("排查台账")
        for _ in range(3):
            sheet.append([])
        for line in [*preamble(), HEADER]:
            sheet.append(line)
        sheet.append(ledger_row(1, "宏达铸造厂"))

    parsed = parse(xlsx_bytes(build), area["township_a1"])
    assert parsed.sheet_name == "排查台账"
    assert parsed.columns["header_row"] == 7
    assert [row["row"] for row in parsed.rows] == [8]
    assert parsed.columns["notices"] == [
        "台账表头在工作表“排查台账”的第 7 行；前面的工作表“填表说明”中没有台账表头，已跳过。"
    ]


def test_header_below_row_twenty_is_not_looked_for(area):
    def build(workbook):
        sheet = workbook.active
        for _ in range(20):
            sheet.append([])
        sheet.append(HEADER)
        sheet.append(ledger_row(1, "宏达铸造厂"))

    with pytest.raises(LedgerFileError, match="没有找到台账的表头"):
        parse(xlsx_bytes(build), area["township_a1"])


def test_xlsx_merged_village_and_date_are_read_on_every_row_they_cover(area):
    def build(workbook):
        sheet = workbook.active
        for line in [*preamble(), HEADER]:
            sheet.append(line)
        for number, name in enumerate(["甲厂", "乙厂", "丙厂", "丁厂"], start=1):
            sheet.append(ledger_row(number, name, village="甲一村二组", reported="2024-04-01"))
        # Rows 5–7 share one village and one 上报时间, as townships lay them out.
        sheet.merge_cells(start_row=5, end_row=7, start_column=VILLAGE + 1, end_column=VILLAGE + 1)
        sheet.merge_cells(
            start_row=5, end_row=7, start_column=REPORTED + 1, end_column=REPORTED + 1
        )
        sheet.cell(row=5, column=VILLAGE + 1, value="甲一村三组")
        sheet.cell(row=5, column=REPORTED + 1, value="2024年3月15日")

    parsed = parse(xlsx_bytes(build), area["township_a1"])
    assert parsed.error_count == 0, [row["problems"] for row in parsed.rows]
    assert names_and(parsed, "village_group", "reported_on") == [
        ("甲厂", "甲一村三组", "2024-03-15"),
        ("乙厂", "甲一村三组", "2024-03-15"),
        ("丙厂", "甲一村三组", "2024-03-15"),
        ("丁厂", "甲一村二组", "2024-04-01"),
    ]
    village = area["township_a1"].children.get(name="甲一村")
    assert {row["data"]["village"] for row in parsed.rows} == {village.pk}


def test_a_value_merged_across_columns_stays_in_its_first_column(area):
    def build(workbook):
        sheet = workbook.active
        sheet.append(HEADER)
        line = ledger_row(1, "宏达铸造厂")
        line[12], line[13] = "拆除到位", "旧备注"
        sheet.append(line)
        sheet.append(ledger_row(2, "兴旺石材厂"))
        # 完成情况 merged with 备注 on one row, and down into the next row.
        sheet.merge_cells(start_row=2, end_row=3, start_column=13, end_column=14)

    parsed = parse(xlsx_bytes(build), area["township_a1"])
    assert [(row["case"]["completion"], row["data"]["remarks"]) for row in parsed.rows] == [
        ("拆除到位", ""),
        ("拆除到位", ""),
    ]
    assert parsed.error_count == 0


def test_hidden_rows_and_columns_are_left_out_with_a_notice(area):
    def build(workbook):
        sheet = workbook.active
        sheet.append(HEADER)
        for number, name in enumerate(["甲厂", "乙厂", "丙厂", "丁厂", "戊厂"], start=1):
            sheet.append(ledger_row(number, name))
        sheet.row_dimensions[4].hidden = True
        sheet.row_dimensions[5].hidden = True
        sheet.column_dimensions["F"].hidden = True  # 原辅材料

    parsed = parse(xlsx_bytes(build), area["township_a1"])
    assert [row["data"]["name"] for row in parsed.rows] == ["甲厂", "乙厂", "戊厂"]
    assert {row["data"]["raw_materials"] for row in parsed.rows} == {""}
    assert parsed.columns["notices"] == ["已忽略隐藏的第 4、5 行。", "已忽略隐藏列 F（原辅材料）。"]


def test_a_hidden_stale_column_does_not_win_over_the_visible_one(area):
    # E, hidden, is the old 整治期限; it comes before the visible one, so it would be found first.
    header = [*HEADER[:4], "整治期限", *HEADER[4:]]

    def build(workbook):
        sheet = workbook.active
        sheet.append(header)
        for number, name in enumerate(["甲厂", "乙厂"], start=1):
            line = ledger_row(number, name, deadline="2024-06-30")
            sheet.append([*line[:4], "2023-12-31", *line[4:]])
        sheet.column_dimensions["E"].hidden = True

    parsed = parse(xlsx_bytes(build), area["township_a1"])
    assert parsed.error_count == 0, [row["problems"] for row in parsed.rows]
    assert {row["case"]["deadline"] for row in parsed.rows} == {"2024-06-30"}
    assert parsed.columns["notices"] == ["已忽略隐藏列 E（整治期限）。"]
    assert "整治期限" in parsed.columns["recognised"].values()


def test_a_hidden_sheet_is_not_read(area):
    def build(workbook):
        stale = workbook.active
        stale.title = "旧台账"
        stale.append(HEADER)
        stale.append(ledger_row(1, "旧厂"))
        stale.sheet_state = "hidden"
        current = workbook.create_sheet("台账")
        current.append(HEADER)
        current.append(ledger_row(1, "新厂"))

    parsed = parse(xlsx_bytes(build), area["township_a1"])
    assert [row["data"]["name"] for row in parsed.rows] == ["新厂"]
    assert "已忽略隐藏的工作表“旧台账”（其中也有台账表头）。" in parsed.columns["notices"]


def test_a_header_only_on_a_hidden_sheet_is_refused_with_a_clear_message(area):
    def build(workbook):
        stale = workbook.active
        stale.append(HEADER)
        stale.append(ledger_row(1, "旧厂"))
        stale.sheet_state = "hidden"
        workbook.create_sheet("说明").append(["请按附件1填写"])

    with pytest.raises(LedgerFileError, match="只在隐藏的工作表“Sheet”中找到台账表头"):
        parse(xlsx_bytes(build), area["township_a1"])


def test_a_merged_value_whose_first_row_is_hidden_still_fills_the_visible_rows(area):
    def build(workbook):
        sheet = workbook.active
        sheet.append(HEADER)
        for number, name in enumerate(["旧厂", "甲厂", "乙厂"], start=1):
            sheet.append(ledger_row(number, name, village=None))
        sheet.merge_cells(start_row=2, end_row=4, start_column=VILLAGE + 1, end_column=VILLAGE + 1)
        sheet.cell(row=2, column=VILLAGE + 1, value="甲一村五组")
        sheet.row_dimensions[2].hidden = True

    parsed = parse(xlsx_bytes(build), area["township_a1"])
    assert names_and(parsed, "village_group") == [("甲厂", "甲一村五组"), ("乙厂", "甲一村五组")]
    assert parsed.columns["notices"] == ["已忽略隐藏的第 2 行。"]


def test_many_hidden_rows_are_counted_not_all_listed(area):
    def build(workbook):
        sheet = workbook.active
        sheet.append(HEADER)
        for number in range(1, 27):
            sheet.append(ledger_row(number, f"企业{number}"))
        for excel_row in range(2, 27):  # a filter leaves only the last row shown
            sheet.row_dimensions[excel_row].hidden = True

    parsed = parse(xlsx_bytes(build), area["township_a1"])
    assert [row["data"]["name"] for row in parsed.rows] == ["企业26"]
    listed = "、".join(str(number) for number in range(2, 22))
    assert parsed.columns["notices"] == [f"已忽略隐藏的第 {listed} 等共 25 行。"]


# --- .xls ------------------------------------------------------------------------------------


def xls_bytes(build):
    workbook = xlwt.Workbook(encoding="utf-8")
    build(workbook)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def write_rows(sheet, rows, start=0):
    for offset, line in enumerate(rows):
        for column, value in enumerate(line):
            if value is not None:
                sheet.write(start + offset, column, value)


def test_xls_with_merged_cells_goes_through_the_same_preview(area):
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")

    def build(workbook):
        sheet = workbook.add_sheet("排查台账")
        sheet.write_merge(0, 0, 0, len(HEADER) - 1, "甲一镇小散乱污企业排查台账")
        write_rows(sheet, [["镇（办）：甲一镇"], HEADER], start=1)
        for offset, name in enumerate(["甲厂", "乙厂", "丙厂"]):
            line = ledger_row(offset + 1, name)
            line[VILLAGE] = line[REPORTED] = None
            write_rows(sheet, [line], start=3 + offset)
        # Village and date merged over the three rows (Excel rows 4–6).
        sheet.write_merge(3, 5, VILLAGE, VILLAGE, "甲一村三组")
        sheet.write_merge(3, 5, REPORTED, REPORTED, datetime.date(2024, 3, 15), date_style)
        write_rows(sheet, [ledger_row(4, "丁厂", village="甲一村二组", reported="2024.4.1")], 6)

    parsed = parse(xls_bytes(build), area["township_a1"], name="台账.xls")
    assert parsed.columns["format"] == "xls"
    assert parsed.sheet_name == "排查台账"
    assert parsed.error_count == 0, [row["problems"] for row in parsed.rows]
    assert [row["row"] for row in parsed.rows] == [4, 5, 6, 7]
    assert names_and(parsed, "village_group", "reported_on") == [
        ("甲厂", "甲一村三组", "2024-03-15"),
        ("乙厂", "甲一村三组", "2024-03-15"),
        ("丙厂", "甲一村三组", "2024-03-15"),
        ("丁厂", "甲一村二组", "2024-04-01"),
    ]
    assert {row["case"]["deadline"] for row in parsed.rows} == {"2024-05-31"}


def test_xls_hidden_rows_and_columns_are_left_out(area):
    def build(workbook):
        sheet = workbook.add_sheet("台账")
        write_rows(sheet, [HEADER, ledger_row(1, "甲厂"), ledger_row(2, "乙厂")])
        sheet.row(2).hidden = True
        sheet.col(5).hidden = True

    parsed = parse(xls_bytes(build), area["township_a1"], name="台账.xls")
    assert [row["data"]["name"] for row in parsed.rows] == ["甲厂"]
    assert parsed.rows[0]["data"]["raw_materials"] == ""
    assert parsed.columns["notices"] == ["已忽略隐藏的第 3 行。", "已忽略隐藏列 F（原辅材料）。"]


def test_xls_upload_is_previewed_and_committed(area, client_for):
    def build(workbook):
        write_rows(workbook.add_sheet("台账"), [*preamble(), HEADER, ledger_row(1, "宏达铸造厂")])

    client = client_for(area["users"]["clerk"])
    response = client.post(UPLOAD, {"file": upload(xls_bytes(build), "台账.xls")}, follow=True)
    assert response.status_code == 200
    batch = ImportBatch.objects.get()
    assert (batch.new_count, batch.error_count) == (1, 0)
    imports.commit_import(batch, by=area["users"]["clerk"])
    assert Enterprise.objects.get().name == "宏达铸造厂"


def test_a_corrupt_xls_is_refused_with_a_clear_message(area):
    content = xls_bytes(lambda workbook: write_rows(workbook.add_sheet("台账"), [HEADER]))
    with pytest.raises(LedgerFileError, match="已损坏"):
        parse(content[:1200], area["township_a1"], name="台账.xls")


def test_an_encrypted_xlsx_is_refused_as_encrypted(area):
    # An encrypted .xlsx is an OLE2 file holding an "EncryptedPackage" stream.
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    content += "EncryptedPackage".encode("utf-16-le") + b"\x00" * 600
    with pytest.raises(LedgerFileError, match="设置了打开密码"):
        parse(content, area["township_a1"])


# --- .csv ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_in_every_encoding_offices_save_goes_through_the_same_preview(area, encoding):
    content = csv_bytes(
        [ledger_row(1, "宏达铸造厂", reported="2024年3月15日"), ledger_row(2, "兴旺石材厂")],
        encoding,
    )
    parsed = parse(content, area["township_a1"], name="台账.csv")
    assert parsed.columns["format"] == "csv"
    assert parsed.sheet_name == "台账"
    assert parsed.columns["header_row"] == 4
    assert parsed.error_count == 0, [row["problems"] for row in parsed.rows]
    assert names_and(parsed, "village_group", "reported_on", "raw_materials") == [
        ("宏达铸造厂", "甲一村三组", "2024-03-15", "废钢"),
        ("兴旺石材厂", "甲一村三组", "2024-03-15", "废钢"),
    ]


def test_unicode_text_saved_by_excel_is_read_as_tab_separated(area):
    # Excel's "Unicode 文本" is UTF-16 with a BOM, separated by tabs.
    lines = ["\t".join(str(value) for value in line) for line in [HEADER, ledger_row(1, "宏达厂")]]
    content = "\r\n".join(lines).replace("\n(", "(").encode("utf-16")
    parsed = parse(content, area["township_a1"], name="台账.txt")
    assert names_and(parsed, "reported_on", "scale") == [("宏达厂", "2024-03-15", "5人")]


def test_gbk_csv_upload_is_previewed_on_the_page(area, client_for):
    content = csv_bytes([ledger_row(1, "宏达铸造厂")], "gbk")
    response = client_for(area["users"]["clerk"]).post(
        UPLOAD, {"file": upload(content, "台账.csv")}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "宏达铸造厂" in page
    assert 'id="commit-import"' in page


def test_a_csv_with_an_unknown_encoding_is_refused(area):
    content = csv_bytes([ledger_row(1, "宏达铸造厂")], "utf-8") + b"\x81\xff\xfe\x80"
    with pytest.raises(LedgerFileError, match="文字编码"):
        parse(content, area["township_a1"], name="台账.csv")


def test_an_html_page_saved_as_xls_is_refused_with_a_clear_message(area, client_for):
    content = "<html><body><table><tr><td>企业名称</td></tr></table></body></html>".encode()
    response = client_for(area["users"]["clerk"]).post(
        UPLOAD, {"file": upload(content, "导出.xls")}
    )
    assert response.status_code == 400
    assert "网页（HTML/XML）格式" in response.content.decode()
    assert not ImportBatch.objects.exists()


# --- the 镇（办）line ---------------------------------------------------------------------------


def test_clerk_importing_another_townships_file_is_refused(area, client_for):
    content = simple_xlsx([ledger_row(1, "宏达铸造厂")], unit="甲二乡")
    response = client_for(area["users"]["clerk"]).post(UPLOAD, {"file": upload(content, "a.xlsx")})
    page = response.content.decode()
    assert response.status_code == 400
    assert "文件中填报单位写的是“甲二乡”，不是甲一镇。乡镇填报员只能导入本乡镇的台账" in page
    assert not ImportBatch.objects.exists()
    assert not Enterprise.objects.exists()


def test_county_office_importing_another_townships_file_gets_a_warning(area, client_for):
    content = simple_xlsx([ledger_row(1, "宏达铸造厂")], unit="甲二乡")
    response = client_for(area["users"]["county"]).post(
        UPLOAD,
        {"file": upload(content, "a.xlsx"), "township": area["township_a1"].pk},
        follow=True,
    )
    warning = "文件中填报单位写的是“甲二乡”，而您要导入到甲一镇，请确认没有选错乡镇。"
    assert response.status_code == 200
    assert warning in response.content.decode()
    assert ImportBatch.objects.get().columns["notices"] == [warning]


def test_clerk_importing_her_own_townships_file_is_not_warned(area):
    content = simple_xlsx([ledger_row(1, "宏达铸造厂")], unit="甲一镇人民政府")
    batch = imports.stage_import(
        upload(content, "a.xlsx"), township=area["township_a1"], by=area["users"]["clerk"]
    )
    assert batch.columns["notices"] == []


def test_unit_line_followed_by_the_date_on_one_line_is_read(area):
    content = simple_xlsx(
        [ledger_row(1, "宏达铸造厂")], unit="甲二乡（盖章）    日期：2024年3月23日"
    )
    with pytest.raises(LedgerFileError, match="填报单位写的是“甲二乡”"):
        parse(content, area["township_a1"], by=area["users"]["clerk"])


# --- each message on its column ----------------------------------------------------------------


def test_a_duplicate_credit_code_is_reported_on_the_credit_code_column(area):
    code = credit_code(7)
    header = [*HEADER, "统一社会信用代码"]

    def build(workbook):
        sheet = workbook.active
        sheet.append(header)
        sheet.append([*ledger_row(1, "宏达铸造厂"), code])
        sheet.append([*ledger_row(2, "宏达铸造有限公司"), code])
        sheet.append(ledger_row(3, "兴旺石材厂"))
        sheet.append(ledger_row(4, "兴旺石材厂"))

    parsed = parse(xlsx_bytes(build), area["township_a1"])
    problems = {row["row"]: row["problems"] for row in parsed.rows if row["problems"]}
    assert problems == {
        3: [
            {
                "column": "统一社会信用代码",
                "message": "与第 2 行是同一企业（信用代码相同），请删去重复行。",
            }
        ],
        5: [{"column": "企业名称", "message": "与第 4 行是同一企业（名称相同），请删去重复行。"}],
    }


def test_the_upload_form_accepts_xls_and_csv(area, client_for):
    page = client_for(area["users"]["clerk"]).get(UPLOAD).content.decode()
    assert 'accept=".xlsx,.xls,.csv,' in page
    assert "台账文件（.xlsx、.xls 或 .csv）" in page
    assert "CSV 文件（UTF-8 或 GBK 编码）" in page
