"""The table registry and the tables computed from the ledger: counts by aggregation, per period."""

import datetime

import pytest

from reporting.periods import InvalidPeriod, Period
from reporting.tables import all_tables, get_table, html_header
from tests.factories.reporting import PERIOD, enterprises, mixed_ledger

A1_MARCH = [1, "甲一镇", 3, 2, 0, 0, 1, 2, 1, 2, 0, 3, 2, 1, 0]
A2_MARCH = [2, "甲二乡", 1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1]
TOTALS_MARCH = ["合计", "", 4, 2, 1, 0, 1, 3, 1, 2, 1, 4, 2, 1, 1]


def test_registry_lists_every_table_in_the_order_of_the_seeds():
    assert [table.key for table in all_tables()] == [
        "ledger",
        "supervision_tracking",
        "survey_summary",
        "cleanup_summary",
        "improvement_summary",
        "monthly_report",
    ]
    assert get_table("no_such_table") is None


def test_survey_summary_counts_each_township_of_the_county(area):
    mixed_ledger(area)
    data = get_table("survey_summary").compute(area["county_a"], PERIOD)
    assert data.rows == [A1_MARCH, A2_MARCH]
    assert data.totals == TOTALS_MARCH


def test_survey_summary_counts_only_enterprises_reported_by_the_end_of_the_period(area):
    mixed_ledger(area)
    data = get_table("survey_summary").compute(area["county_a"], Period(2024, 4))
    assert data.rows[1][2] == 2  # the construction site reported on 2 April now counts
    assert data.rows[1][5] == 1
    assert data.totals[2] == 5


def test_survey_summary_at_city_level_has_one_row_per_county(area):
    mixed_ledger(area)
    table = get_table("survey_summary")
    data = table.compute(area["city"], PERIOD)
    assert [row[1] for row in data.rows] == ["甲县", "乙县"]
    assert [row[2] for row in data.rows] == [4, 1]
    assert table.columns_for(area["city"])[1].label == "县（市、区）"


def test_survey_summary_for_a_township_is_its_own_single_row(area):
    mixed_ledger(area)
    data = get_table("survey_summary").compute(area["township_a1"], PERIOD)
    assert data.rows == [A1_MARCH]
    assert data.totals == ["合计", "", *A1_MARCH[2:]]


def test_survey_summary_shows_townships_without_enterprises_as_zero(area):
    data = get_table("survey_summary").compute(area["county_a"], PERIOD)
    assert data.rows == [[1, "甲一镇", *[0] * 13], [2, "甲二乡", *[0] * 13]]


def test_survey_summary_runs_the_same_queries_whatever_the_ledger_size(
    area, django_assert_num_queries
):
    table = get_table("survey_summary")
    enterprises(area["township_a1"], 2)
    with django_assert_num_queries(2):
        table.compute(area["county_a"], PERIOD)
    enterprises(area["township_a1"], 15)
    enterprises(area["township_a2"], 10)
    with django_assert_num_queries(2):
        data = table.compute(area["county_a"], PERIOD)
    assert data.totals[2] == 27


def test_survey_summary_has_a_two_level_header_with_grouped_counts(area):
    columns = get_table("survey_summary").columns_for(area["county_a"])
    header = html_header(columns)
    assert [cell["label"] for cell in header[0]] == [
        "序号",
        "乡镇（街道）",
        "问题总数",
        "领域",
        "类型",
        "问题类别",
        "有无手续",
    ]
    assert [cell["colspan"] for cell in header[0]] == [1, 1, 1, 4, 2, 3, 3]
    assert [cell["label"] for cell in header[1]] == [
        "工业",
        "农业",
        "建筑业",
        "服务业",
        "小散乱污",
        "八小",
        "散",
        "乱",
        "污",
        "有",
        "不全",
        "无",
    ]


def test_ledger_table_lists_the_townships_enterprises_in_seed_order(area):
    a1 = area["township_a1"]
    first = enterprises(a1, 1, name="悦来镇宏达铸造厂", reported_on=datetime.date(2024, 3, 5))[0]
    enterprises(a1, 1, name="甲一镇新兴塑料加工厂", reported_on=datetime.date(2024, 3, 8))
    enterprises(a1, 1, name="四月才上报的厂", reported_on=datetime.date(2024, 4, 8))
    enterprises(area["township_a2"], 1, name="别的乡的厂")
    table = get_table("ledger")
    data = table.freeze(a1, PERIOD)
    assert [row[2] for row in data.rows] == ["悦来镇宏达铸造厂", "甲一镇新兴塑料加工厂"]
    assert data.rows[0][0] == 1 and data.rows[1][0] == 2
    assert data.rows[0][3] == first.get_enterprise_type_display()
    assert data.rows[0][9] == "2024-03-05"  # 上报时间 frozen as ISO text
    assert data.totals is None
    assert [c.label for c in table.columns_for(a1)][:3] == ["序号", "所在村组", "企业名称"]
    assert len(table.columns_for(a1)) == 14


def test_ledger_is_titled_with_the_county_name_as_seed_004_does(area):
    assert get_table("ledger").title_for(area["township_a1"]) == "甲县小散乱污企业排查台账"
    assert get_table("ledger").unit_label == "镇（办）"


def test_ledger_deadline_is_the_23rd_and_summary_deadline_the_30th_clamped_in_february():
    assert get_table("ledger").deadline(Period(2024, 3)) == datetime.date(2024, 3, 23)
    assert get_table("survey_summary").deadline(Period(2024, 2)) == datetime.date(2024, 2, 29)


@pytest.mark.parametrize("text", ["2024-13", "24-3", "", "二〇二四年三月"])
def test_a_malformed_period_is_refused_in_chinese(text):
    with pytest.raises(InvalidPeriod, match="报送期间"):
        Period.parse(text)


def test_a_period_parses_from_the_forms_people_type():
    assert Period.parse("2024年3月") == Period(2024, 3)
    assert Period.parse("2024-03") == Period(2024, 3)
    assert Period(2024, 1).previous() == Period(2023, 12)


def test_the_ledger_freezes_the_cases_requirement_deadline_and_progress(area):
    from tests.factories.rectification import determined_case

    case = determined_case(area)
    enterprise = case.enterprise
    type(enterprise).objects.filter(pk=enterprise.pk).update(reported_on=datetime.date(2024, 3, 1))
    # The period of the determination (the case was determined today through the workflow).
    [row] = get_table("ledger").freeze(area["township_a1"], Period.current()).rows
    assert row[2] == enterprise.name
    assert row[8] == "限期拆除"
    assert row[10] == case.deadline.isoformat()
    assert row[12] == "正在拆除"
    # A period ending before the determination shows the row as it stood then: not yet 认定.
    [row] = get_table("ledger").freeze(area["township_a1"], PERIOD).rows
    assert (row[8], row[10], row[12]) == ("", "", "待认定")
