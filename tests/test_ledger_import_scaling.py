"""A large Excel ledger import does the same work per file, not per row: a preview's queries
do not grow with the file, duplicates are still found inside the file and against the
ledger, and the commit still refuses a row the model would refuse."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.refusals import Refused
from enterprises.imports import services as imports
from enterprises.models import Enterprise
from tests.factories.enterprises import EnterpriseFactory, credit_code
from tests.test_ledger_import import HEADER, row, upload, workbook_bytes

pytestmark = pytest.mark.django_db

CODED_HEADER = [*HEADER, "统一社会信用代码"]


def coded_rows(count):
    return [
        [*row(n, f"批量{n:03d}号塑料厂", "2024-03-15"), credit_code(1000 + n)]
        for n in range(1, count + 1)
    ]


def preview_queries(area, rows):
    content = workbook_bytes(rows, header=CODED_HEADER)
    with CaptureQueriesContext(connection) as queries:
        batch = imports.stage_import(
            upload(content), township=area["township_a1"], by=area["users"]["clerk"]
        )
    assert batch.row_count == len(rows)
    return len(queries)


def test_preview_queries_do_not_grow_with_the_rows_of_the_file(area):
    EnterpriseFactory(township=area["township_a1"], name="已有塑料厂")
    EnterpriseFactory(township=area["township_b1"], name="外乡某厂", credit_code=credit_code(1003))
    assert preview_queries(area, coded_rows(5)) == preview_queries(area, coded_rows(50))


def test_duplicates_are_found_inside_a_large_file_and_against_the_ledger(area):
    EnterpriseFactory(township=area["township_a1"], name="甲一镇兴旺砖厂")
    EnterpriseFactory(township=area["township_a1"], name="ABC塑料加工厂")
    EnterpriseFactory(township=area["township_b1"], name="外乡某厂", credit_code=credit_code(7))
    rows = [row(n, f"批量{n:03d}号塑料厂", "2024-03-15") for n in range(1, 61)]
    rows[10] = row(11, "宏达铸造厂", "2024-03-15")
    rows[55] = row(56, "宏达　铸造厂", "2024-03-15")
    rows[20] = row(21, "兴旺砖厂", "2024-03-15")
    rows[30] = row(31, "ＡＢＣ塑料加工厂", "2024-03-15")
    content = workbook_bytes(
        [[*values, credit_code(7) if values[0] == 41 else ""] for values in rows],
        header=CODED_HEADER,
    )
    batch = imports.stage_import(
        upload(content), township=area["township_a1"], by=area["users"]["clerk"]
    )
    by_number = {item["row"] - 4: item for item in batch.rows}  # title rows and header above
    second = by_number[56]
    assert second["status"] == "error"
    assert second["problems"] == [
        {"column": "企业名称", "message": "与第 15 行是同一企业（名称相同），请删去重复行。"}
    ]
    assert by_number[21]["status"] == "new"
    assert by_number[21]["notice"] == (
        "与已有企业“甲一镇兴旺砖厂”名称相近，请核实是否重复；确认导入后将作为新企业录入。"
    )
    assert by_number[31]["status"] == "existing"
    assert by_number[31]["notice"] == "本乡镇台账中已有“ABC塑料加工厂”，将跳过。"
    assert by_number[41]["status"] == "existing"
    assert by_number[41]["notice"] == "已由其他乡镇登记，将跳过。"
    assert batch.error_count == 1
    assert batch.existing_count == 2


def test_commit_refuses_a_row_the_model_refuses_with_its_message(area):
    clerk = area["users"]["clerk"]
    content = workbook_bytes([row(n, f"企业{n}", "2024-03-15") for n in range(1, 4)])
    batch = imports.stage_import(upload(content), township=area["township_a1"], by=clerk)
    # A stored preview edited behind the form's back: the commit validates again.
    rows = batch.rows
    rows[2]["data"]["enterprise_type"] = "large"
    rows[2]["data"]["phone"] = "1" * 41
    batch.rows = rows
    batch.save()
    with pytest.raises(Refused) as refused:
        imports.commit_import(batch, by=clerk)
    assert refused.value.message == (
        "“企业3”：确保该变量包含不超过 40 字符 (目前字符数 41)。；值 'large' 不是有效选项。，"
        "未导入任何企业。"
    )
    assert not Enterprise.objects.exists()
