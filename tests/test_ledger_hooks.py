"""The hooks later apps fill the ledger through, and the reusable 附件1 row builder."""

import datetime

import pytest

from enterprises import ledger
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(ledger, "_case_columns_provider", None)
    monkeypatch.setattr(ledger, "_detail_link_functions", [])
    monkeypatch.setattr(ledger, "_import_listeners", [])


class FakeCaseColumns:
    """A provider as the rectification app writes one: prepare() adds what values() reads."""

    def __init__(self):
        self.prepared = 0

    def prepare(self, queryset):
        self.prepared += 1
        return queryset.select_related("created_by")

    def values(self, enterprise):
        return {
            "requirement": "限期拆除",
            "deadline": datetime.date(2024, 5, 31),
            "completion": f"拆除到位（2024-05-20）{enterprise.name[:2]}",
        }


def test_ledger_columns_are_the_fourteen_of_seed_004():
    assert ledger.LEDGER_COLUMNS == [
        "序号", "所在村组", "企业名称", "企业类型", "企业规模(人员等)", "原辅材料", "涉水涉气",
        "有无手续", "整治要求", "上报时间", "整治期限", "分包责任人", "完成情况(完成日期)", "备注",
    ]  # fmt: skip


def test_without_provider_case_columns_are_empty(area, clean_registry):
    EnterpriseFactory(
        township=area["township_a1"], village=area["village_a1"], village_group="三组"
    )
    (row,) = ledger.ledger_rows(ledger_queryset())
    assert row[8] == "" and row[10] is None and row[12] == ""
    assert row[1] == "甲一村三组"
    assert row[9] == datetime.date(2024, 3, 20)


def test_registered_provider_fills_case_columns_everywhere(area, clean_registry):
    provider = FakeCaseColumns()
    ledger.register_case_columns(provider)
    EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    (row,) = ledger.ledger_rows(ledger_queryset())
    assert provider.prepared == 1
    assert row[8] == "限期拆除"
    assert row[10] == datetime.date(2024, 5, 31)
    assert row[12] == "拆除到位（2024-05-20）宏达"
    assert ledger.case_columns_provider() is provider


def test_row_values_follow_the_column_order(area, clean_registry):
    EnterpriseFactory(
        township=area["township_a1"],
        name="兴旺塑料厂",
        enterprise_type="eight_small",
        scale="",
        employee_count=8,
        raw_materials="废塑料",
        involves_water=True,
        involves_air=True,
        permits={},
        responsible_person="李四",
        remarks="举报发现",
    )
    (row,) = ledger.ledger_rows(ledger_queryset(), start=7)
    assert row == [
        7, "", "兴旺塑料厂", "八小", "8人", "废塑料", "涉水、涉气", "无", "",
        datetime.date(2024, 3, 20), None, "李四", "", "举报发现",
    ]  # fmt: skip


def test_detail_links_collect_every_registered_function(area, clean_registry):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    ledger.register_detail_links(lambda e, user: [("整治案件", f"/cases/{e.pk}/")])
    ledger.register_detail_links(lambda e, user: [("检查记录", "/inspections/?e=1")])
    links = ledger.detail_links(enterprise, area["users"]["clerk"])
    assert links == [("整治案件", f"/cases/{enterprise.pk}/"), ("检查记录", "/inspections/?e=1")]


def test_ledger_rows_stream_in_a_fixed_number_of_queries(
    area, clean_registry, django_assert_num_queries
):
    EnterpriseFactory.create_batch(30, township=area["township_a1"], village=area["village_a1"])
    with django_assert_num_queries(1):
        rows = list(ledger.ledger_rows(ledger_queryset(), chunk_size=100))
    assert len(rows) == 30


def ledger_queryset():
    from enterprises.models import Enterprise

    return Enterprise.objects.order_by("id")
