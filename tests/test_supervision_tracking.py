"""The supervision tracking ledger (督查跟踪台账, seed 004 附件2): transfers by the county,
completion by the township, the list and its .xlsx export in the seed's column order."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from accounts.refusals import Refused
from inspections.models import SupervisionTransfer, TransferStatus
from inspections.services import complete_transfer, transfer_problem
from inspections.supervision import TRACKING_COLUMNS, tracking_rows
from rectification.models import Requirement
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import SupervisionTransferFactory

pytestmark = pytest.mark.django_db

SEED_HEADERS = [
    "序号",
    "所在乡(镇)、办",
    "企业名称",
    "地址",
    "企业类型",
    "整治要求",
    "移交日期",
    "完成情况(完成日期)",
    "分包责任人",
]


def transfer(area, township="township_a1", **kwargs):
    return SupervisionTransferFactory(
        enterprise=EnterpriseFactory(township=area[township], address="某村某路1号"),
        found_by=area["orgs"]["county_office"],
        **kwargs,
    )


def test_columns_are_those_of_seed_004_in_order():
    assert [header for _key, header in TRACKING_COLUMNS] == SEED_HEADERS


def test_county_transfers_a_problem_to_the_township(area):
    enterprise = EnterpriseFactory(township=area["township_a1"], responsible_person="刘分包")
    item = transfer_problem(
        by=area["users"]["county"],
        enterprise=enterprise,
        requirement=Requirement.DEMOLISH,
        problem="违法建设，需拆除。",
    )
    assert item.status == TransferStatus.DEMOLISHING
    assert item.township == area["township_a1"]
    assert item.responsible_person == "刘分包"
    assert item.found_by == area["orgs"]["county_office"]


def test_a_township_clerk_cannot_transfer(area):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    with pytest.raises(PermissionDenied):
        transfer_problem(
            by=area["users"]["clerk"], enterprise=enterprise, requirement="improve", problem="x"
        )
    assert not SupervisionTransfer.objects.exists()


def test_township_confirms_completion_with_its_date(area):
    item = transfer(area, requirement=Requirement.OBTAIN_PERMITS)
    done_on = timezone.localdate()
    item = complete_transfer(
        item, by=area["users"]["clerk"], completed_on=done_on, note="已补办环评"
    )
    assert item.status == TransferStatus.PERMITS_OBTAINED
    assert item.completion_display == f"手续补办到位（{done_on:%Y-%m-%d}）"


def test_completion_refusals_change_nothing(area):
    item = transfer(area)
    with pytest.raises(Refused) as refusal:
        complete_transfer(
            item,
            by=area["users"]["clerk"],
            completed_on=item.transferred_on - datetime.timedelta(days=1),
        )
    assert "早于移交日期" in refusal.value.message
    item.refresh_from_db()
    assert item.status == TransferStatus.RECTIFYING and item.completed_on is None
    complete_transfer(item, by=area["users"]["clerk"], completed_on=timezone.localdate())
    with pytest.raises(Refused):
        complete_transfer(item, by=area["users"]["clerk"], completed_on=timezone.localdate())


def test_another_township_cannot_complete_the_transfer(area):
    from django.http import Http404

    item = transfer(area)
    with pytest.raises(Http404):
        complete_transfer(item, by=area["users"]["clerk_a2"], completed_on=timezone.localdate())


def test_tracking_rows_are_numbered_and_ordered_by_place_and_date(area):
    later = transfer(area, "township_a2")
    first = transfer(
        area, "township_a1", transferred_on=timezone.localdate() - datetime.timedelta(days=20)
    )
    second = transfer(area, "township_a1")
    rows = tracking_rows(SupervisionTransfer.objects.all())
    assert [row["transfer"] for row in rows] == [first, second, later]
    assert [row["serial"] for row in rows] == [1, 2, 3]
    assert rows[0]["township"] == "甲一镇" and rows[0]["enterprise_type"] == "小散乱污"
    assert rows[0]["requirement"] == "整改完善" and rows[0]["completion"] == "正在整治"


def test_list_is_scoped_and_filtered(area, client_for):
    own = transfer(area, "township_a1")
    other = transfer(area, "township_a2")
    clerk_page = (
        client_for(area["users"]["clerk"]).get("/inspections/supervision/").content.decode()
    )
    assert own.enterprise.name in clerk_page and other.enterprise.name not in clerk_page
    client = client_for(area["users"]["county"])
    complete_transfer(other, by=area["users"]["county"], completed_on=timezone.localdate())
    done_page = client.get("/inspections/supervision/?done=true").content.decode()
    assert other.enterprise.name in done_page and own.enterprise.name not in done_page


@pytest.mark.parametrize("size", [2, 12])
def test_list_page_and_api_run_a_fixed_number_of_queries(
    area, client_for, django_assert_num_queries, size
):
    for _ in range(size):
        transfer(area)
    client = client_for(area["users"]["county"])
    with django_assert_num_queries(9):
        assert client.get("/inspections/supervision/").status_code == 200
    with django_assert_num_queries(6):
        assert client.get("/api/supervision-transfers/").json()["count"] == size


def test_export_has_title_unit_date_columns_rows_and_notes_on_a4_landscape(area, client_for):
    transfer(area, "township_a1")
    transfer(area, "township_a2")
    transfer(area, "township_b1")  # another county: not exported
    response = client_for(area["users"]["county"]).get("/inspections/supervision/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "甲县小散乱污企业督查跟踪台账"
    assert sheet["A2"].value.startswith("填报单位：甲县整治办")
    assert sheet["A3"].value.startswith("日期：")
    assert [cell.value for cell in sheet[4]] == SEED_HEADERS
    assert [sheet.cell(row=row, column=1).value for row in (5, 6)] == [1, 2]
    assert sheet.cell(row=7, column=1).value.startswith("注：1. 此表区本级填报")
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.print_title_rows == "$4:$4"


def test_export_follows_the_list_filters(area, client_for):
    transfer(area, "township_a1")
    transfer(area, "township_a2")
    response = client_for(area["users"]["county"]).get(
        f"/inspections/supervision/export.xlsx?township={area['township_a2'].code}"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=5, column=2).value == "甲二乡"
    assert sheet.cell(row=6, column=1).value.startswith("注")


def test_the_list_export_and_the_attachment_2_report_of_the_same_rows_read_the_same(
    area, client_for
):
    from django.urls import reverse

    from reporting.periods import Period
    from reporting.submissions.digest import canonical_row

    transfer(area, "township_a1")
    done = transfer(area, "township_a2")
    complete_transfer(done, by=area["users"]["clerk_a2"], completed_on=timezone.localdate())
    client = client_for(area["users"]["county"])
    listed = load_workbook(io.BytesIO(client.get("/inspections/supervision/export.xlsx").content))
    # This month's table: the list shows the rows as they are today (without ?period= the
    # table would open on the period due now, the previous month early in a month).
    response = client.get(
        reverse("reporting:table_export", args=["supervision_tracking"]),
        {"period": Period.current().key},
    )
    assert response.status_code == 200
    reported = load_workbook(io.BytesIO(response.content))
    listed, reported = (
        [list(row) for row in book.active.iter_rows(values_only=True)]
        for book in (listed, reported)
    )
    # Title, 填报单位, 日期, the header row and the 注 notes are the same text in the same places.
    assert listed[:4] == reported[:4]
    assert listed[0][0] == "甲县小散乱污企业督查跟踪台账"
    assert listed[3] == SEED_HEADERS
    assert listed[6:10] == reported[6:10]
    # The report's rows are frozen as text (dates in ISO form); the list's keep their types.
    assert [canonical_row(row) for row in listed[4:6]] == [
        canonical_row(row) for row in reported[4:6]
    ]
    assert [row[1] for row in listed[4:6]] == ["甲一镇", "甲二乡"]


def test_api_creates_and_completes_transfers_through_the_services(area, client_for):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    county = client_for(area["users"]["county"])
    response = county.post(
        "/api/supervision-transfers/",
        {
            "enterprise": enterprise.pk,
            "requirement": "obtain_permits",
            "problem": "无环评手续",
            "transferred_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    item_id = response.json()["id"]
    assert response.json()["completion"] == "补办手续中"
    response = county.post(
        f"/api/supervision-transfers/{item_id}/complete/",
        {"completed_on": "1999-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "早于移交日期" in str(response.json())


def test_township_confirms_completion_on_the_detail_page(area, client_for):
    item = transfer(area)
    client = client_for(area["users"]["clerk"])
    response = client.post(
        f"/inspections/supervision/{item.pk}/",
        {"completed_on": timezone.localdate().isoformat(), "note": "已整改到位"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_done
    assert (
        client_for(area["users"]["leader"]).post(f"/inspections/supervision/{item.pk}/").status_code
        == 403
    )
