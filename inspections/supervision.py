"""The supervision tracking ledger (督查跟踪台账, seed 004 附件2) as rows and as the .xlsx the
county submits: title, 填报单位(盖章), 日期, the nine columns in the seed's order, the notes,
A4 landscape with the header repeated on every printed page."""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

# (key, header) in the order of seed 004 附件2.
TRACKING_COLUMNS = [
    ("serial", "序号"),
    ("township", "所在乡(镇)、办"),
    ("enterprise_name", "企业名称"),
    ("address", "地址"),
    ("enterprise_type", "企业类型"),
    ("requirement", "整治要求"),
    ("transferred_on", "移交日期"),
    ("completion", "完成情况(完成日期)"),
    ("responsible_person", "分包责任人"),
]

TRACKING_NOTES = [
    "注：1. 此表区本级填报。自2月起每月23日前上报。",
    "2. 类型分为：小散乱污、八小。",
    "3. 整治要求包括补办手续、整改完善、限期拆除。",
    "4. 完成情况为报送时企业情况，根据整治要求包括补办手续、正在整治、正在拆除、拆除到位等，"
    "已完成的应注明完成日期。",
]

COLUMN_WIDTHS = [6, 14, 26, 28, 10, 12, 12, 22, 12]


def tracking_queryset(queryset):
    return queryset.select_related("township", "enterprise").order_by(
        "region_path", "transferred_on", "id"
    )


def tracking_rows(queryset):
    """The rows of 附件2 as dicts keyed by TRACKING_COLUMNS, numbered from 1. One query."""
    rows = []
    for serial, transfer in enumerate(tracking_queryset(queryset), start=1):
        rows.append(
            {
                "serial": serial,
                "township": transfer.township.name,
                "enterprise_name": transfer.enterprise.name,
                "address": transfer.enterprise.address or transfer.enterprise.village_group,
                "enterprise_type": transfer.enterprise.get_enterprise_type_display(),
                "requirement": transfer.get_requirement_display(),
                "transferred_on": transfer.transferred_on,
                "completion": transfer.completion_display,
                "responsible_person": transfer.responsible_person,
                "transfer": transfer,
            }
        )
    return rows


def tracking_workbook(queryset, *, organisation_name="", title_place="", on_date=None):
    """The 附件2 workbook as bytes."""
    on_date = on_date or timezone.localdate()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "督查跟踪台账"
    width = len(TRACKING_COLUMNS)
    last = get_column_letter(width)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    sheet.append([f"{title_place}小散乱污企业督查跟踪台账"])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.row_dimensions[1].height = 30
    sheet.append([f"填报单位：{organisation_name}（盖章）"])
    sheet.merge_cells(f"A2:{last}2")
    sheet.append([f"日期：{on_date.year} 年 {on_date.month} 月 {on_date.day} 日"])
    sheet.merge_cells(f"A3:{last}3")
    sheet.append([header for _key, header in TRACKING_COLUMNS])
    header_row = 4
    for column in range(1, width + 1):
        cell = sheet.cell(row=header_row, column=column)
        cell.font = Font(bold=True)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in tracking_rows(queryset):
        values = [row[key] for key, _header in TRACKING_COLUMNS]
        values[6] = values[6].strftime("%Y-%m-%d") if values[6] else ""
        sheet.append(values)
        for column in range(1, width + 1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    for note in TRACKING_NOTES:
        sheet.append([note])
        sheet.merge_cells(f"A{sheet.max_row}:{last}{sheet.max_row}")
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True)
    for index, column_width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = f"A{header_row + 1}"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
