"""Numbers by the dates recorded: every table and the 月报 count a problem in the month of its
上报时间 (or 发现日期, if earlier), a determination and a 销号 in the month of theirs — never
in the month somebody typed them in. A backlog imported this month with last month's 上报时间
is last month's find: not this month's 本月新发现, not a change to last month's frozen
submission, and 摸底 and 清理整顿 agree on it."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from enterprises.imports import services as imports
from rectification import workflow
from rectification.models import Case, CaseState, Disposal, Requirement
from reporting.models import Submission
from reporting.periods import Period
from reporting.submissions import services as submissions
from reporting.tables import get_table
from tests.factories.rectification import CampaignFactory, CaseFactory, new_enterprise

pytestmark = pytest.mark.django_db

THIS_MONTH = Period.current()  # the month of the import (December in the issue)
LAST_MONTH = THIS_MONTH.previous()  # the backlog's 上报时间 (November)
LAST_MONTH_DAY = LAST_MONTH.day(10)

HEADER = [
    "序号", "所在村组", "企业名称", "企业类型", "企业规模(人员等)", "原辅材料", "涉水涉气",
    "有无手续", "整治要求", "上报时间", "整治期限", "分包责任人", "完成情况(完成日期)", "备注",
]  # fmt: skip

# Columns of the tables (after 序号 and the unit): 问题总数 and the four sectors.
SURVEY_AND_CLEANUP_SHARED = slice(2, 7)
NEW_THIS_MONTH, FOUND_TO_DATE = 2, 7  # 月报: 本月新发现 · 合计, 累计发现 · 合计


def ledger_file(names, reported):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["甲一镇小散乱污企业排查台账"])
    sheet.append(HEADER)
    for number, name in enumerate(names, start=1):
        sheet.append(
            [number, "甲一村三组", name, "小散乱污", "5人", "废钢", "涉气", "无", "限期拆除",
             reported.isoformat(), "", "王分包", "正在拆除", ""]
        )  # fmt: skip
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    output.name = "台账.xlsx"
    return output


def import_backlog(area, names, reported=LAST_MONTH_DAY):
    """The clerk imports last month's ledger rows today, through the real import."""
    clerk = area["users"]["clerk"]
    batch = imports.stage_import(
        ledger_file(names, reported), township=area["township_a1"], by=clerk
    )
    assert batch.error_count == 0, batch.rows
    imports.commit_import(batch, by=clerk)
    cases = list(Case.objects.filter(enterprise__name__in=names))
    assert len(cases) == len(names)  # each imported row opened its case
    return cases


def compute(key, region, period):
    return get_table(key).freeze(region, period)


def submit(key, area, period):
    county = area["users"]["county"]
    return submissions.submit_table(key, area["county_a"], period, by=county, signed_by=county)


@pytest.fixture
def campaign():
    return CampaignFactory(year=THIS_MONTH.year)


def test_a_backlog_imported_this_month_is_last_months_find_in_the_monthly_report(area, campaign):
    import_backlog(area, ["宏达铸造厂", "兴旺塑料厂"])
    this_month = compute("monthly_report", area["county_a"], THIS_MONTH).rows[0]
    last_month = compute("monthly_report", area["county_a"], LAST_MONTH).rows[0]
    assert this_month[NEW_THIS_MONTH] == 0
    assert last_month[NEW_THIS_MONTH] == 2
    assert this_month[FOUND_TO_DATE] == last_month[FOUND_TO_DATE] == 2


def test_cases_recorded_last_month_but_created_today_count_last_month(area, campaign):
    enterprise = new_enterprise(area, reported_on=LAST_MONTH_DAY)
    CaseFactory(enterprise=enterprise, campaign=campaign, found_on=LAST_MONTH_DAY)
    this_month = compute("monthly_report", area["county_a"], THIS_MONTH).rows[0]
    last_month = compute("monthly_report", area["county_a"], LAST_MONTH).rows[0]
    assert (this_month[NEW_THIS_MONTH], last_month[NEW_THIS_MONTH]) == (0, 1)


def test_a_case_found_this_month_is_this_months_find(area, campaign):
    enterprise = new_enterprise(area, reported_on=THIS_MONTH.start)
    CaseFactory(enterprise=enterprise, campaign=campaign, found_on=THIS_MONTH.start)
    this_month = compute("monthly_report", area["county_a"], THIS_MONTH).rows[0]
    last_month = compute("monthly_report", area["county_a"], LAST_MONTH).rows[0]
    assert (this_month[NEW_THIS_MONTH], last_month[FOUND_TO_DATE]) == (1, 0)


def test_last_months_frozen_submissions_are_unchanged_by_this_months_import(area, campaign):
    frozen = {key: submit(key, area, LAST_MONTH) for key in ("monthly_report", "cleanup_summary")}
    before = {key: (s.snapshot, s.digest) for key, s in frozen.items()}
    import_backlog(area, ["宏达铸造厂", "兴旺塑料厂"])
    for key, submission in frozen.items():
        stored = Submission.objects.get(pk=submission.pk)
        assert (stored.snapshot, stored.digest) == before[key]
        assert stored.snapshot["totals"][2] == 0  # nothing was on the list when it was filed
    # The live table of last month does count the backlog by its 上报时间; the filed one holds.
    assert compute("cleanup_summary", area["county_a"], LAST_MONTH).totals[2] == 2


@pytest.mark.parametrize("period", [LAST_MONTH, THIS_MONTH])
def test_survey_and_cleanup_agree_on_an_imported_backlog(area, campaign, period):
    import_backlog(area, ["宏达铸造厂", "兴旺塑料厂", "利民五金厂"])
    survey = compute("survey_summary", area["county_a"], period)
    cleanup = compute("cleanup_summary", area["county_a"], period)
    assert survey.totals[SURVEY_AND_CLEANUP_SHARED] == [3, 3, 0, 0, 0]
    assert cleanup.totals[SURVEY_AND_CLEANUP_SHARED] == survey.totals[SURVEY_AND_CLEANUP_SHARED]
    for survey_row, cleanup_row in zip(survey.rows, cleanup.rows, strict=True):
        assert survey_row[SURVEY_AND_CLEANUP_SHARED] == cleanup_row[SURVEY_AND_CLEANUP_SHARED]


def test_survey_and_cleanup_agree_when_the_case_is_opened_after_the_ledger_row(area, campaign):
    # On the ledger last month, its case proposed only today through the workflow.
    enterprise = new_enterprise(area, reported_on=LAST_MONTH_DAY)
    workflow.propose_case(enterprise, campaign=campaign, by=area["users"]["clerk"])
    survey = compute("survey_summary", area["county_a"], LAST_MONTH)
    cleanup = compute("cleanup_summary", area["county_a"], LAST_MONTH)
    assert survey.totals[2] == cleanup.totals[2] == 1


def test_the_case_tables_read_a_determination_in_the_month_it_was_made(area, campaign):
    # Found last month, determined (with its disposal and deadline) only today.
    enterprise = new_enterprise(area, reported_on=LAST_MONTH_DAY)
    case = workflow.propose_case(enterprise, campaign=campaign, by=area["users"]["clerk"])
    workflow.determine_case(
        case,
        by=area["users"]["county"],
        disposal=Disposal.SHUTDOWN,
        requirement=Requirement.DEMOLISH,
        measures="依法关停",
        responsible_unit=area["orgs"]["township_a1"],
        responsible_person="王分包",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert Case.objects.get(pk=case.pk).state == CaseState.DETERMINED
    cleanup = get_table("cleanup_summary")
    labels = [column.label for column in cleanup.columns_for(area["county_a"])]
    last = dict(
        zip(labels, compute("cleanup_summary", area["county_a"], LAST_MONTH).totals, strict=True)
    )
    now = dict(
        zip(labels, compute("cleanup_summary", area["county_a"], THIS_MONTH).totals, strict=True)
    )
    assert (last["关停取缔"], last["待认定"], last["排查发现"], last["已认定"]) == (0, 1, 1, 0)
    assert (now["关停取缔"], now["待认定"], now["排查发现"], now["已认定"]) == (1, 0, 0, 1)
    monthly = compute("monthly_report", area["county_a"], LAST_MONTH).totals
    assert monthly[8] == 0 and monthly[11] == 1  # 累计发现: 关停取缔 0, 待认定 1
    assert monthly[14] == 1 and monthly[15] == 0  # 整治中 1 (排查发现), 待验收 0


def test_the_ledger_of_a_past_month_shows_a_later_closure_as_awaiting_verification(area, campaign):
    enterprise = new_enterprise(area, reported_on=LAST_MONTH.day(2))
    today = timezone.localdate()
    CaseFactory(
        enterprise=enterprise,
        campaign=campaign,
        found_on=LAST_MONTH.day(2),
        determined_on=LAST_MONTH.day(3),
        disposal=Disposal.SHUTDOWN,
        requirement=Requirement.DEMOLISH,
        deadline=LAST_MONTH.day(28),
        state=CaseState.CLOSED,
        closed_on=today,
    )
    ledger = get_table("ledger")
    [then] = ledger.freeze(area["township_a1"], LAST_MONTH).rows
    [now] = ledger.freeze(area["township_a1"], THIS_MONTH).rows
    assert (then[8], then[12]) == ("限期拆除", "正在拆除（待验收）")
    assert (now[8], now[12]) == ("限期拆除", f"拆除到位（{today:%Y-%m-%d}）")
