"""附件2 (小散乱污企业督查跟踪台账, seed 004) as a table: its nine columns in the seed's order,
notes, title and rows, and the workbook of any queryset of transfers in the government layout
(accounts.sheets). The supervision list's 导出 is this table of the filtered rows, and
reporting's registry files the same table for a county's period (SupervisionTrackingTable).
"""

from django.utils import timezone

from accounts.sheets import Column, ExcelReport, signing_unit, title_place

NAME = "小散乱污企业督查跟踪台账"
SOURCE = "附件2（督查跟踪台账）"

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

WIDTHS = {"企业名称": 24, "地址": 24, "完成情况(完成日期)": 20}
COLUMNS = tuple(
    Column(
        label,
        width=WIDTHS.get(label, 0),
        numeric=key == "serial",
        date=key == "transferred_on",
    )
    for key, label in TRACKING_COLUMNS
)
# The writer adds the 注： prefix itself.
NOTES = tuple(note.removeprefix("注：") for note in TRACKING_NOTES)


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


def tracking_values(row):
    """One tracking_rows dict as the table's cells, in TRACKING_COLUMNS order."""
    return [row[key] for key, _label in TRACKING_COLUMNS]


def title(region):
    return f"{title_place(region).name}{NAME}"


def tracking_report(queryset, *, region, user):
    """附件2 of `queryset` (transfers) as the county files it, signed by the user's office."""
    return ExcelReport(
        title=title(region),
        columns=list(COLUMNS),
        rows=[tracking_values(row) for row in tracking_rows(queryset)],
        notes=NOTES,
        unit_name=signing_unit(user, region),
        report_date=timezone.localdate(),
        filled_by=user.display_name,
        phone=user.phone,
        sheet_title=region.name,
    )
