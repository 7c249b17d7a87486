"""督查跟踪台账, 清理整顿 / 整治提升情况汇总表 and 月报: numbers against hand-counted data
(tests/factories/reporting_tables.py), totals rows, the city-level variant, fixed query counts."""

import datetime

import pytest

from accounts.models import Region
from reporting.periods import Period
from reporting.tables import get_table, html_header, tables_submitted_at
from tests.factories.reporting_tables import case, march_effort, mixed_cases, transfers

MARCH = Period(2024, 3)

CLEANUP_A1 = [1, "甲一镇", 5, 3, 1, 0, 1, 2, 1, 1, 1, 1, 0, 1, 2, 1, 2, 1, "20.0%"]
CLEANUP_A2 = [2, "甲二乡", 2, 1, 0, 1, 0, 0, 0, 2, 0, 0, 1, 0, 0, 1, 0, 0, "50.0%"]
CLEANUP_TOTALS = ["合计", "", 7, 4, 1, 1, 1, 2, 1, 3, 1, 1, 1, 1, 2, 2, 2, 1, "28.6%"]

IMPROVEMENT_A1 = [1, "甲一镇", 5, 2, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, "20.0%"]
IMPROVEMENT_A2 = [2, "甲二乡", 2, 0, 0, 0, 0, 0, 0, 0, 2, 1, 1, 0, 0, 1, 1, "50.0%"]
IMPROVEMENT_TOTALS = ["合计", "", 7, 2, 1, 1, 1, 0, 1, 1, 3, 1, 2, 0, 1, 1, 2, "28.6%"]

# 本月新发现 ×5, 累计发现 ×5, 销号 本月/累计, 整治中, 待验收, 逾期, 反弹, 完成率, effort ×4
MONTHLY_COUNTY_A = [3, 1, 0, 1, 1, 7, 2, 1, 3, 1, 1, 2, 3, 2, 2, 1, "28.6%", 3, 9, 4, 1]
MONTHLY_COUNTY_B = [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, "100.0%", 2, 6, 1, 0]
# The city's effort is counted over the whole city: the city team T5 worked in both counties
# and is one team of four people there, not two teams of eight.
MONTHLY_CITY_TOTALS = [3, 1, 0, 1, 1, 8, 3, 1, 3, 1, 2, 3, 3, 2, 2, 1, "37.5%", 4, 11, 5, 1]


def test_counties_owe_tracking_summaries_and_the_monthly_report_townships_the_ledger():
    assert [t.key for t in tables_submitted_at(Region.Level.TOWNSHIP)] == ["ledger"]
    assert [t.key for t in tables_submitted_at(Region.Level.COUNTY)] == [
        "supervision_tracking",
        "survey_summary",
        "cleanup_summary",
        "improvement_summary",
        "monthly_report",
    ]
    assert tables_submitted_at(Region.Level.CITY) == []


def test_tracking_is_due_by_the_23rd_and_the_summaries_and_monthly_report_by_the_30th():
    deadlines = {
        key: get_table(key).deadline(MARCH)
        for key in ("supervision_tracking", "cleanup_summary", "improvement_summary")
    }
    assert deadlines == {
        "supervision_tracking": datetime.date(2024, 3, 23),
        "cleanup_summary": datetime.date(2024, 3, 30),
        "improvement_summary": datetime.date(2024, 3, 30),
    }
    assert get_table("monthly_report").deadline(Period(2024, 2)) == datetime.date(2024, 2, 29)


@pytest.mark.parametrize(
    "key, rows, totals",
    [
        # sector, disposal and state per township
        ("cleanup_summary", [CLEANUP_A1, CLEANUP_A2], CLEANUP_TOTALS),
        # each disposal closed, under way and overdue
        ("improvement_summary", [IMPROVEMENT_A1, IMPROVEMENT_A2], IMPROVEMENT_TOTALS),
    ],
)
def test_a_case_summary_counts_each_township_of_the_county(area, key, rows, totals):
    mixed_cases(area)
    data = get_table(key).freeze(area["county_a"], MARCH)
    assert data.rows == rows
    assert data.totals == totals


def test_cleanup_summary_at_city_level_has_one_row_per_county(area):
    mixed_cases(area)
    table = get_table("cleanup_summary")
    data = table.freeze(area["city"], MARCH)
    assert data.rows == [
        [1, "甲县", *CLEANUP_TOTALS[2:]],
        [2, "乙县", 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, "100.0%"],
    ]
    assert data.totals == ["合计", "", 8, 5, 1, 1, 1, 3, 1, 3, 1, 1, 1, 1, 2, 3, 2, 1, "37.5%"]
    assert table.columns_for(area["city"])[1].label == "县（市、区）"


def test_cleanup_summary_reads_april_closures_as_closed_in_april(area):
    mixed_cases(area)
    data = get_table("cleanup_summary").freeze(area["county_a"], Period(2024, 4))
    a1 = data.rows[0]
    assert a1[14] == 1  # c5 no longer awaiting at the end of April…
    assert a1[15] == 2  # …but closed, beside c1
    assert data.rows[1][2] == 3  # c8, found on 5 April, now counts in 甲二乡


def test_cleanup_summary_header_groups_sector_disposal_and_progress(area):
    header = html_header(get_table("cleanup_summary").columns_for(area["county_a"]))
    assert [cell["label"] for cell in header[0]] == [
        "序号", "乡镇（街道）", "问题总数", "领域", "分类处置", "整治进度",
        "逾期未完成", "反弹", "完成率",
    ]  # fmt: skip
    assert [cell["colspan"] for cell in header[0]] == [1, 1, 1, 4, 4, 5, 1, 1, 1]
    assert [cell["label"] for cell in header[1]] == [
        "工业", "农业", "建筑业", "服务业", "关停取缔", "集聚搬迁", "升级改造", "待认定",
        "排查发现", "已认定", "整治中", "待验收", "已销号",
    ]  # fmt: skip


def test_improvement_summary_at_city_level_has_one_row_per_county(area):
    mixed_cases(area)
    data = get_table("improvement_summary").freeze(area["city"], MARCH)
    assert data.rows[0] == [1, "甲县", *IMPROVEMENT_TOTALS[2:]]
    assert data.rows[1] == [2, "乙县", 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, "100.0%"]
    assert data.totals[2] == 8 and data.totals[-1] == "37.5%"


def test_summaries_show_townships_without_cases_as_zero_and_no_rate(area):
    data = get_table("improvement_summary").freeze(area["county_a"], MARCH)
    assert data.rows == [[1, "甲一镇", *[0] * 15, "—"], [2, "甲二乡", *[0] * 15, "—"]]
    assert data.totals == ["合计", "", *[0] * 15, "—"]


def test_monthly_report_of_a_county_is_one_row_with_the_months_inspection_effort(area):
    cases = mixed_cases(area)
    march_effort(area, cases)
    data = get_table("monthly_report").freeze(area["county_a"], MARCH)
    assert data.rows == [[1, "甲县", *MONTHLY_COUNTY_A]]
    assert data.totals == ["合计", "", *MONTHLY_COUNTY_A]


def test_monthly_report_at_city_level_has_a_row_per_county_and_whole_city_effort(area):
    cases = mixed_cases(area)
    march_effort(area, cases)
    data = get_table("monthly_report").freeze(area["city"], MARCH)
    assert data.rows == [[1, "甲县", *MONTHLY_COUNTY_A], [2, "乙县", *MONTHLY_COUNTY_B]]
    assert data.totals == ["合计", "", *MONTHLY_CITY_TOTALS]


def test_monthly_report_columns_follow_seed_002s_figures(area):
    columns = get_table("monthly_report").columns_for(area["county_a"])
    assert [(c.group, c.label) for c in columns][-4:] == [
        ("本月执法检查", "执法组"),
        ("本月执法检查", "人次"),
        ("本月执法检查", "检查企业（点位）"),
        ("本月执法检查", "新发现"),
    ]
    assert len(columns) == 2 + len(MONTHLY_COUNTY_A)


def test_tracking_lists_the_countys_transfers_as_they_stood_at_the_periods_end(area):
    transfers(area)
    table = get_table("supervision_tracking")
    data = table.freeze(area["county_a"], MARCH)
    assert data.rows == [
        [1, "甲一镇", "甲一镇宏达铸造厂", "甲一村三组", "小散乱污", "整改完善", "2024-03-05",
         "正在整治", "王分包"],
        [2, "甲二乡", "甲二乡红星砖厂", "甲二村", "小散乱污", "限期拆除", "2024-02-10",
         "正在拆除", "李分包"],
    ]  # fmt: skip
    assert data.totals is None
    april = table.freeze(area["county_a"], Period(2024, 4))
    assert [row[2] for row in april.rows] == ["甲一镇宏达铸造厂", "四月移交的厂", "甲二乡红星砖厂"]
    assert april.rows[2][7] == "拆除到位（2024-04-02）"
    assert [c.label for c in table.columns_for(area["county_a"])] == [
        "序号", "所在乡(镇)、办", "企业名称", "地址", "企业类型", "整治要求", "移交日期",
        "完成情况(完成日期)", "分包责任人",
    ]  # fmt: skip


def test_tracking_is_a_county_table_titled_with_the_county(area):
    table = get_table("supervision_tracking")
    assert table.title_for(area["county_a"]) == "甲县小散乱污企业督查跟踪台账"
    assert table.can_view(area["county_a"]) and not table.can_view(area["township_a1"])
    assert table.notes[0] == "1. 此表区本级填报。自2月起每月23日前上报。"


def grow(area, count):
    for index in range(count):
        c = case(area["township_a1"], found_on=datetime.date(2024, 3, 1 + index % 20))
        case(area["township_a2"], disposal="upgrade", state="in_progress", found_on=c.found_on)


def test_summaries_run_the_same_queries_whatever_the_number_of_cases(
    area, django_assert_num_queries
):
    grow(area, 2)
    for key in ("cleanup_summary", "improvement_summary"):
        with django_assert_num_queries(2):  # the townships, the grouped counts
            get_table(key).compute(area["county_a"], MARCH)
    grow(area, 12)
    for key in ("cleanup_summary", "improvement_summary"):
        with django_assert_num_queries(2):
            data = get_table(key).compute(area["county_a"], MARCH)
        assert data.totals[2] == 28


def test_monthly_report_runs_the_same_queries_whatever_the_data_size(
    area, django_assert_num_queries
):
    cases = mixed_cases(area)
    table = get_table("monthly_report")
    with django_assert_num_queries(3):  # counts, effort ×2
        table.compute(area["county_a"], MARCH)
    with django_assert_num_queries(6):  # counties, counts, grouped effort ×2, whole effort ×2
        table.compute(area["city"], MARCH)
    march_effort(area, cases)
    grow(area, 10)
    with django_assert_num_queries(3):
        table.compute(area["county_a"], MARCH)
    with django_assert_num_queries(6):
        data = table.compute(area["city"], MARCH)
    assert data.totals[7] == 28  # 累计发现 grew by twenty


def test_tracking_runs_one_query_whatever_the_number_of_transfers(area, django_assert_num_queries):
    transfers(area)
    table = get_table("supervision_tracking")
    with django_assert_num_queries(1):
        table.compute(area["county_a"], MARCH)
    transfers(area)
    transfers(area)
    with django_assert_num_queries(1):
        data = table.compute(area["county_a"], MARCH)
    assert len(data.rows) == 6
