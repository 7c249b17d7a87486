"""The 问责台账 as an .xlsx in the government layout (accounts.sheets)."""

from django.utils import timezone

from accounts.sheets import Column, ExcelReport

from .ledger import SCORE_RULE

COLUMNS = (
    Column("序号", width=5, numeric=True),
    Column("责任单位", width=16),
    Column("所在区域", width=10),
    Column("分包责任人（逾期案件数）", width=18),
    Column("逾期未销号案件", group="问责事项", numeric=True),
    Column("最长逾期天数", group="问责事项", numeric=True),
    Column("逾期报送", group="问责事项", numeric=True),
    Column("报表被退回", group="问责事项", numeric=True),
    Column("反弹", group="问责事项", numeric=True),
    Column("瞒报漏报", group="问责事项", numeric=True),
    Column("问责得分", numeric=True),
    Column("已问责次数", numeric=True),
    Column("最近问责日期", width=12),
)
NOTES = (
    f"按问责得分从高到低排列；问责得分 = {SCORE_RULE}。",
    "逾期未销号案件：超过整治期限仍未销号的案件，计入案件的责任单位（未指定时计入所在乡镇政府）。",
    "反弹：回头看发现死灰复燃的案件；瞒报漏报：督导抽查中新发现、台账未列的企业（点位），均计入所在乡镇政府。",
)


def account_row(index, account):
    return [
        index,
        account.organisation.name,
        account.organisation.region.name,
        account.persons_display,
        account.overdue_cases,
        account.days_overdue,
        account.late_submissions,
        account.returned_submissions,
        account.relapses,
        account.hidden_finds,
        account.score,
        account.actions,
        account.last_action_on.isoformat() if account.last_action_on else "",
    ]


def accountability_report(region, accounts, user):
    rows = [account_row(index, account) for index, account in enumerate(accounts, start=1)]
    totals = (
        ["合计", "", "", ""]
        + [sum(row[position] for row in rows) for position in range(4, 12)]
        + [""]
    )
    # 最长逾期天数 is a maximum, not a sum.
    totals[5] = max((row[5] for row in rows), default=0)
    organisation = user.organisation
    return ExcelReport(
        title=f"{region.name}散乱污企业整治问责台账",
        columns=list(COLUMNS),
        rows=rows,
        totals=totals,
        notes=NOTES,
        unit_name=organisation.name if organisation else region.name,
        report_date=timezone.localdate(),
        filled_by=user.display_name,
        phone=user.phone,
        sheet_title="问责台账",
    )
