"""Commit what is good, fix the rest offline: the clerk commits the rows without problems,
downloads the flagged rows as 附件1 with a 问题说明 column, fixes them in Excel and imports the
file again, which adds exactly those rows, and nothing a second time."""

import datetime

import pytest
from django.urls import reverse

from accounts.refusals import Refused
from enterprises.imports import services as imports
from enterprises.imports.problems import problems_report
from enterprises.ledger import LEDGER_COLUMNS
from enterprises.models import Enterprise, ImportBatch
from tests.factories.enterprises import EnterpriseFactory, credit_code
from tests.factories.ledger_files import (
    corrected,
    ledger_file,
    ledger_row,
    response_bytes,
    sheet_table,
    uploaded,
)

pytestmark = pytest.mark.django_db

UPLOAD = reverse("enterprises:import")


@pytest.fixture
def mixed_file(area):
    """Two good rows, three flagged ones (no name, an impossible date, the same enterprise
    twice) and one already on the ledger. Data starts on Excel row 5."""
    EnterpriseFactory(township=area["township_a1"], name="老字号石材厂")
    return ledger_file(
        [
            ledger_row(1, "宏达铸造厂"),
            ledger_row(2, ""),
            ledger_row(3, "兴旺砖厂", reported="2024年2月30日"),
            ledger_row(4, "顺发塑料厂"),
            ledger_row(5, "宏达铸造厂", remarks="重复登记"),
            ledger_row(6, "老字号石材厂"),
        ]
    )


def names():
    return sorted(Enterprise.objects.values_list("name", flat=True))


def stage(content, area, user=None):
    return imports.stage_import(
        uploaded(content), township=area["township_a1"], by=user or area["users"]["clerk"]
    )


def test_committing_good_rows_creates_only_the_rows_without_problems(area, mixed_file):
    clerk = area["users"]["clerk"]
    batch = stage(mixed_file, area)
    assert (batch.new_count, batch.error_count, batch.existing_count) == (2, 3, 1)
    batch = imports.commit_import(batch, by=clerk, good_rows_only=True)
    assert names() == ["宏达铸造厂", "老字号石材厂", "顺发塑料厂"]
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.COMMITTED
    assert batch.good_rows_only is True
    assert batch.created_count == 2
    assert {row["row"]: row["committed"] for row in batch.rows} == {
        5: True,
        6: False,
        7: False,
        8: True,
        9: False,
        10: False,
    }


def test_all_rows_commit_is_still_refused_while_a_row_has_an_error(area, mixed_file):
    batch = stage(mixed_file, area)
    with pytest.raises(Refused, match=r"还有 3 行有错误.*只导入无误的行"):
        imports.commit_import(batch, by=area["users"]["clerk"])
    assert names() == ["老字号石材厂"]
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW
    assert batch.good_rows_only is None


def test_good_rows_only_is_refused_when_every_row_has_an_error(area):
    batch = stage(ledger_file([ledger_row(1, ""), ledger_row(2, "乙厂", reported="上周")]), area)
    with pytest.raises(Refused, match="每一行都有错误"):
        imports.commit_import(batch, by=area["users"]["clerk"], good_rows_only=True)
    assert not Enterprise.objects.exists()


def test_problem_file_has_the_ledger_header_a_problems_column_and_exactly_the_flagged_rows(
    area, client_for, mixed_file
):
    client = client_for(area["users"]["clerk"])
    batch = stage(mixed_file, area)
    response = client.get(reverse("enterprises:import_problems", args=[batch.token]))
    assert response.status_code == 200
    assert "_%E9%97%AE%E9%A2%98%E8%A1%8C.xlsx" in response["Content-Disposition"]  # _问题行
    header, rows = sheet_table(response_bytes(response))
    assert header == [*LEDGER_COLUMNS, "问题说明"]
    assert [row[2] for row in rows] == [None, "兴旺砖厂", "宏达铸造厂"]
    no_name, bad_date, twice = (dict(zip(header, row, strict=True)) for row in rows)
    assert no_name["问题说明"].splitlines() == ["原表第 6 行", "企业名称：缺少企业名称。"]
    assert "日期“2024年2月30日”不存在" in bad_date["问题说明"]
    assert "与第 5 行是同一企业" in twice["问题说明"]
    # As the clerk typed it: the bad date as text, the dates that were read as dates.
    assert bad_date["上报时间"] == "2024年2月30日"
    assert bad_date["整治期限"] == datetime.datetime(2024, 5, 31)
    assert twice["上报时间"] == datetime.datetime(2024, 3, 15)
    assert (bad_date["所在村组"], bad_date["企业类型"], bad_date["有无手续"]) == (
        "甲一村三组",
        "小散乱污",
        "无",
    )
    assert (bad_date["整治要求"], bad_date["完成情况(完成日期)"]) == ("限期拆除", "正在拆除")
    assert twice["备注"] == "重复登记"


def test_problem_file_keeps_the_files_own_columns_beyond_the_ledger(area):
    bad_code = "91350100M000100Y44"
    content = ledger_file(
        [
            [*ledger_row(1, "甲厂"), credit_code(1), "甲一村路口"],
            [*ledger_row(2, "坏码厂"), bad_code, "甲一村北"],
        ],
        extra_header=["统一社会信用代码", "地址"],
    )
    batch = stage(content, area)
    report = problems_report(batch, user=area["users"]["clerk"])
    header = [column.label for column in report.columns]
    assert header == [*LEDGER_COLUMNS, "统一社会信用代码", "地址", "问题说明"]
    [values] = report.rows
    row = dict(zip(header, values, strict=True))
    assert (row["企业名称"], row["统一社会信用代码"], row["地址"]) == (
        "坏码厂",
        bad_code,
        "甲一村北",
    )
    assert "统一社会信用代码：" in row["问题说明"]


def test_fixing_and_reimporting_the_problem_file_adds_exactly_those_rows_and_then_nothing(
    area, client_for, mixed_file
):
    client = client_for(area["users"]["clerk"])
    client.post(UPLOAD, {"file": uploaded(mixed_file)})
    batch = ImportBatch.objects.get()
    response = client.post(
        reverse("enterprises:import_commit", args=[batch.token]), {"good_rows_only": "1"}
    )
    assert response["Location"] == reverse("enterprises:import_preview", args=[batch.token])
    assert names() == ["宏达铸造厂", "老字号石材厂", "顺发塑料厂"]
    problems = response_bytes(
        client.get(reverse("enterprises:import_problems", args=[batch.token]))
    )
    # The clerk names the first row and corrects the date; the duplicate row she leaves.
    fixed = corrected(problems, {(0, "企业名称"): "无名加工点", (1, "上报时间"): "2024-02-28"})

    client.post(UPLOAD, {"file": uploaded(fixed, "甲一镇台账_问题行.xlsx")})
    again = ImportBatch.objects.latest("created_at")
    assert (again.new_count, again.error_count, again.existing_count) == (2, 0, 1)
    assert "问题说明" in again.columns["ignored"]
    client.post(reverse("enterprises:import_commit", args=[again.token]))
    assert names() == ["兴旺砖厂", "宏达铸造厂", "无名加工点", "老字号石材厂", "顺发塑料厂"]
    assert Enterprise.objects.get(name="兴旺砖厂").reported_on == datetime.date(2024, 2, 28)

    client.post(UPLOAD, {"file": uploaded(fixed, "甲一镇台账_问题行.xlsx")})
    third = ImportBatch.objects.latest("created_at")
    assert (third.new_count, third.existing_count) == (0, 3)
    client.post(reverse("enterprises:import_commit", args=[third.token]))
    third.refresh_from_db()
    assert third.created_count == 0
    assert Enterprise.objects.count() == 5


def test_preview_offers_good_rows_only_next_to_all_and_the_problem_rows(
    area, client_for, mixed_file
):
    client = client_for(area["users"]["clerk"])
    page = client.post(UPLOAD, {"file": uploaded(mixed_file)}, follow=True).content.decode()
    batch = ImportBatch.objects.get()
    assert "全部导入" in page
    assert 'id="commit-good-rows"' in page and "只导入无误的行（新增 2 家）" in page
    assert reverse("enterprises:import_problems", args=[batch.token]) in page
    assert "下载问题行（3 行）" in page
    response = client.post(
        reverse("enterprises:import_commit", args=[batch.token]),
        {"good_rows_only": "1"},
        follow=True,
    )
    page = response.content.decode()
    assert "新增 2 家企业" in page and "3 行有问题未导入" in page
    assert 'id="download-problems"' in page
    assert 'id="commit-good-rows"' not in page


def test_a_file_without_problems_has_no_problem_rows_to_download(area, client_for):
    client = client_for(area["users"]["clerk"])
    batch = stage(ledger_file([ledger_row(1, "宏达铸造厂")]), area)
    page = client.get(reverse("enterprises:import_preview", args=[batch.token])).content.decode()
    assert "下载问题行" not in page and "只导入无误的行" not in page
    response = client.get(reverse("enterprises:import_problems", args=[batch.token]), follow=True)
    assert "没有有问题的行" in response.content.decode()


def test_only_the_uploader_can_download_the_problem_rows(area, client_for, mixed_file):
    batch = stage(mixed_file, area)
    for user in (area["users"]["county"], area["users"]["clerk_a2"]):
        response = client_for(user).get(reverse("enterprises:import_problems", args=[batch.token]))
        assert response.status_code == 404
