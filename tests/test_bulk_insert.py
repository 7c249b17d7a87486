"""The demo/benchmark loader (accounts.bulk): rows go in with their ids set (COPY on PostgreSQL,
bulk_create elsewhere), every field intact, one "+" history row each."""

import datetime

import pytest

from accounts.bulk import (
    bulk_insert,
    bulk_insert_with_history,
    insert_rows,
    insert_rows_with_history,
)
from enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def unsaved(area, number, **fields):
    values = {
        "township": area["township_a1"],
        "village": None,
        "region_path": area["township_a1"].path,
        "name": f"批量{number}号\t铸造厂\\分厂",
        "remarks": "第一行\n第二行",
        "enterprise_type": "small_scattered",
        "permits": {"environment": False, "business_licence": True},
        "permit_status": "partial",
        "reported_on": datetime.date(2025, 3, number),
        "employee_count": None,
        "involves_air": True,
    }
    values.update(fields)
    return Enterprise(**values)


def test_inserted_rows_get_ids_and_keep_every_value(area):
    rows = bulk_insert(Enterprise, [unsaved(area, n) for n in (1, 2, 3)])
    assert all(row.pk for row in rows)
    stored = Enterprise.objects.get(pk=rows[1].pk)
    assert stored.name == "批量2号\t铸造厂\\分厂"
    assert stored.remarks == "第一行\n第二行"
    assert stored.permits == {"environment": False, "business_licence": True}
    assert stored.reported_on == datetime.date(2025, 3, 2)
    assert stored.employee_count is None
    assert stored.involves_air is True
    assert stored.created_at is not None


def test_history_gets_one_creation_row_per_inserted_row(area):
    clerk = area["users"]["clerk"]
    rows = bulk_insert_with_history(
        Enterprise, [unsaved(area, n) for n in (4, 5)], default_user=clerk, change_reason="演示"
    )
    history = Enterprise.history.filter(id__in=[row.pk for row in rows])
    assert history.count() == 2
    assert {entry.history_type for entry in history} == {"+"}
    assert {entry.history_user_id for entry in history} == {clerk.pk}
    assert history.first().history_change_reason == "演示"


def test_later_inserts_continue_after_loaded_ids(area):
    loaded = bulk_insert(Enterprise, [unsaved(area, 6)])
    later = Enterprise.objects.create(
        township=area["township_a1"],
        name="后来录入",
        enterprise_type="eight_small",
        reported_on=datetime.date(2025, 4, 1),
    )
    assert later.pk > loaded[0].pk


def test_a_duplicate_key_raises_django_integrity_error(area):
    from django.db import IntegrityError, transaction

    code = "91110101MA00000017"
    bulk_insert(Enterprise, [unsaved(area, 7, credit_code=code)])
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Enterprise, [unsaved(area, 8, credit_code=code)])


def as_row(area, number, **fields):
    """The same values as `unsaved`, as a plain dict of attnames (insert_rows' input)."""
    values = {
        "township_id": area["township_a1"].pk,
        "region_path": area["township_a1"].path,
        "name": f"字典{number}号\t铸造厂\\分厂",
        "remarks": "第一行\n第二行",
        "enterprise_type": "small_scattered",
        "permits": {"environment": False},
        "permit_status": "none",
        "reported_on": datetime.date(2025, 3, number),
        "involves_air": True,
    }
    values.update(fields)
    return values


def test_plain_rows_go_in_with_ids_defaults_and_timestamps(area):
    rows = insert_rows(Enterprise, [as_row(area, n) for n in (1, 2)])
    assert all(row["id"] for row in rows)
    stored = Enterprise.objects.get(pk=rows[0]["id"])
    assert stored.name == "字典1号\t铸造厂\\分厂"
    assert stored.remarks == "第一行\n第二行"
    assert stored.permits == {"environment": False}
    # Fields the row leaves out take the model's defaults.
    assert stored.involves_water is False
    assert stored.village_id is None
    assert stored.credit_code == ""
    assert stored.created_at is not None and stored.updated_at is not None
    later = Enterprise.objects.create(
        township=area["township_a1"],
        name="后来录入",
        enterprise_type="eight_small",
        reported_on=datetime.date(2025, 4, 1),
    )
    assert later.pk > rows[1]["id"]


def test_plain_rows_get_their_creation_history_with_the_values_written(area):
    clerk = area["users"]["clerk"]
    rows = insert_rows_with_history(
        Enterprise, [as_row(area, n) for n in (3, 4)], user_id=clerk.pk, change_reason="演示"
    )
    history = Enterprise.history.filter(id__in=[row["id"] for row in rows]).order_by("id")
    assert [entry.name for entry in history] == ["字典3号\t铸造厂\\分厂", "字典4号\t铸造厂\\分厂"]
    assert {entry.history_type for entry in history} == {"+"}
    assert {entry.history_user_id for entry in history} == {clerk.pk}
    assert history[0].involves_water is False
    assert history[0].history_change_reason == "演示"


def test_rows_can_go_in_numbered_by_the_table_when_nobody_needs_their_ids(area):
    rows = insert_rows(Enterprise, [as_row(area, n) for n in (5, 6)], with_ids=False)
    stored = Enterprise.objects.filter(name__startswith="字典").order_by("id")
    assert [e.name for e in stored] == ["字典5号\t铸造厂\\分厂", "字典6号\t铸造厂\\分厂"]
    assert all(e.created_at is not None for e in stored)
    assert len(rows) == 2
