"""Township ledger files (附件1 as townships keep them) for the import tests, and reading back
the workbooks the app writes (the problem-rows file)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from accounts.sheets import FIRST_HEADER_ROW, XLSX_CONTENT_TYPE
from enterprises.ledger import LEDGER_COLUMNS

LEDGER_ROW = {
    "village": "甲一村三组",
    "type": "小散乱污",
    "scale": "5人",
    "materials": "废钢",
    "water_air": "涉气",
    "permits": "无",
    "requirement": "限期拆除",
    "reported": "2024-03-15",
    "deadline": "2024年5月31日",
    "person": "王分包",
    "completion": "正在拆除",
    "remarks": "",
}


def ledger_row(number, name, **columns):
    """One 附件1 data row; any column may be overridden by its LEDGER_ROW key."""
    values = {**LEDGER_ROW, **columns}
    return [
        number, values["village"], name, values["type"], values["scale"], values["materials"],
        values["water_air"], values["permits"], values["requirement"], values["reported"],
        values["deadline"], values["person"], values["completion"], values["remarks"],
    ]  # fmt: skip


def ledger_file(rows, *, extra_header=()):
    """The bytes of a township's 附件1: title, 镇（办） and 日期 lines, header, rows, 注."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "排查台账"
    sheet.append(["甲一镇小散乱污企业排查台账"])
    sheet.append(["镇（办）：甲一镇 (盖章)"])
    sheet.append(["日期： 2024 年 3 月 23 日"])
    sheet.append([*LEDGER_COLUMNS, *extra_header])
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["注：1. 此表各镇、办事处环保部门填报，自2月起每月23日前上报。"])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def uploaded(content, name="甲一镇台账.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


def response_bytes(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def sheet_table(content):
    """(header, data rows) of a government-layout workbook: the rows under the header down to
    the first row without a 序号 (the 注 and signature lines)."""
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=FIRST_HEADER_ROW, values_only=True))
    header, data = list(rows[0]), []
    for values in rows[1:]:
        if not isinstance(values[0], int):
            break
        data.append(list(values))
    return header, data


def corrected(content, fixes):
    """The workbook with cells replaced: `fixes` is {(data row index, header label): value}.
    The 问题说明 column is left as the app wrote it: the reader ignores it."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[FIRST_HEADER_ROW]]
    for (index, label), value in fixes.items():
        sheet.cell(row=FIRST_HEADER_ROW + 1 + index, column=header.index(label) + 1, value=value)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
