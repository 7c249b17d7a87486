"""The power company's consumption export: preview then commit, problems by row and column,
nothing kept from a bad file, the same file twice adds nothing, unmatched accounts with
suggested enterprises and one-click linking; only the power officer and the county office."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from enterprises.models import ElectricityAccount
from metering.imports import commit_consumption, stage_consumption
from metering.models import ConsumptionBatch, MeterReading, PowerAlert
from tests.factories.metering import consumption_file, power_cut_case
from tests.factories.rectification import new_enterprise

pytestmark = pytest.mark.django_db

GOOD = [
    ("3300000101", "张三铸造厂", "甲一镇张村1号", "2026-10", "120.5"),
    ("3300000102", "李四", "甲一镇李村", "2026年10月", "0"),
    ("3300000103", "王五", "", "2026-10-05", "3"),
]


def test_a_good_file_is_previewed_then_kept(area, client_for):
    client = client_for(area["users"]["power_officer"])
    response = client.post(reverse("metering:upload"), {"file": consumption_file(GOOD)})
    batch = ConsumptionBatch.objects.get()
    assert response.status_code == 302
    assert (batch.row_count, batch.error_count, MeterReading.objects.count()) == (3, 0, 0)
    assert "张三铸造厂" in client.get(reverse("metering:preview", args=[batch.token])).text
    client.post(reverse("metering:commit", args=[batch.token]))
    readings = MeterReading.objects.order_by("account_number")
    assert [(r.account_number, r.period_kind, str(r.kwh)) for r in readings] == [
        ("3300000101", "month", "120.50"),
        ("3300000102", "month", "0.00"),
        ("3300000103", "day", "3.00"),
    ]


def test_an_xlsx_export_is_read_by_the_same_reader(area):
    book = Workbook()
    sheet = book.active
    sheet.append(["供电公司用电量明细"])
    sheet.append(["户号", "户名", "用电地址", "期间", "用电量(kWh)"])
    sheet.append([3300000101, "张三", "张村", "202610", 45])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = consumption_file([])
    upload.file, upload.name, upload.size = buffer, "用电.xlsx", len(buffer.getvalue())
    batch = stage_consumption(upload, by=area["users"]["county"])
    commit_consumption(batch, by=area["users"]["county"])
    reading = MeterReading.objects.get()
    assert (reading.account_number, reading.period_start.isoformat(), reading.kwh) == (
        "3300000101",
        "2026-10-01",
        45,
    )


BAD = [
    ("3300000101", "张三", "", "2026-10", "12"),
    ("", "无户号", "", "2026-10", "12"),
    ("3300000103", "王五", "", "2026-13", "3"),
    ("3300000104", "赵六", "", "2026-10", "-5"),
    ("3300000101", "张三", "", "2026-10", "12"),
]


def test_a_bad_file_names_each_problem_by_row_and_column_and_keeps_nothing(area, api_for):
    client = api_for(area["users"]["power_officer"])
    response = client.post(
        "/api/power-imports/", {"file": consumption_file(BAD)}, format="multipart"
    )
    assert response.status_code == 201
    problems = {
        (row["row"], problem["column"])
        for row in response.json()["problem_rows"]
        for problem in row["problems"]
    }
    assert problems == {(3, "户号"), (4, "期间"), (5, "用电量"), (6, "期间")}
    token = response.json()["token"]
    refused = client.post(f"/api/power-imports/{token}/commit/", {}, format="json")
    assert refused.status_code == 400
    assert "4 行有错误" in str(refused.json())
    assert not MeterReading.objects.exists()


def test_good_rows_only_keeps_the_good_rows(area):
    user = area["users"]["power_officer"]
    batch = commit_consumption(
        stage_consumption(consumption_file(BAD), by=user), by=user, good_rows_only=True
    )
    assert (batch.created_count, MeterReading.objects.count()) == (1, 1)


def test_the_same_file_twice_adds_nothing_the_second_time(area):
    user = area["users"]["power_officer"]
    for _ in range(2):
        batch = commit_consumption(stage_consumption(consumption_file(GOOD), by=user), by=user)
    assert (batch.created_count, MeterReading.objects.count()) == (0, 3)


def test_a_committed_batch_cannot_be_committed_again(area, api_for):
    user = area["users"]["power_officer"]
    batch = commit_consumption(stage_consumption(consumption_file(GOOD), by=user), by=user)
    response = api_for(user).post(f"/api/power-imports/{batch.token}/commit/", {}, format="json")
    assert response.status_code == 400
    assert "已经导入过" in str(response.json())


def test_a_township_clerk_may_not_upload(area, client_for):
    response = client_for(area["users"]["clerk"]).post(
        reverse("metering:upload"), {"file": consumption_file(GOOD)}
    )
    assert response.status_code == 403
    assert not ConsumptionBatch.objects.exists()


def test_another_user_s_batch_is_not_found(area, api_for):
    batch = stage_consumption(consumption_file(GOOD), by=area["users"]["power_officer"])
    response = api_for(area["users"]["county"]).get(f"/api/power-imports/{batch.token}/")
    assert response.status_code == 404


def test_unmatched_accounts_are_listed_with_similar_enterprises(area, api_for):
    plant = new_enterprise(area, name="张三铸造厂", address="甲一镇张村1号")
    user = area["users"]["power_officer"]
    commit_consumption(stage_consumption(consumption_file(GOOD), by=user), by=user)
    rows = api_for(user).get("/api/power-imports/unmatched/").json()["results"]
    by_number = {row["account_number"]: row for row in rows}
    assert set(by_number) == {"3300000101", "3300000102", "3300000103"}
    assert [s["id"] for s in by_number["3300000101"]["suggestions"]] == [plant.pk]


def test_linking_an_account_registers_it_and_evaluates_its_readings(area, client_for):
    case = power_cut_case(area, number="3300000999")
    user = area["users"]["power_officer"]
    commit_consumption(stage_consumption(consumption_file(GOOD), by=user), by=user)
    assert not PowerAlert.objects.exists()
    client = client_for(user)
    page = client.get(reverse("metering:unmatched"))
    assert "3300000101" in page.text
    client.post(
        reverse("metering:link"),
        {"account_number": "3300000101", "enterprise": case.enterprise_id},
    )
    assert ElectricityAccount.objects.get(number="3300000101").enterprise_id == case.enterprise_id
    alert = PowerAlert.objects.get()
    assert [r.account_number for r in alert.readings.all()] == ["3300000101"]
    assert "3300000101" not in client.get(reverse("metering:unmatched")).text


def test_an_enterprise_outside_the_user_s_area_cannot_be_linked(area, api_for):
    other = new_enterprise(area, township="township_b1")
    user = area["users"]["power_officer"]
    commit_consumption(stage_consumption(consumption_file(GOOD), by=user), by=user)
    response = api_for(user).post(
        "/api/power-imports/link/",
        {"account_number": "3300000101", "enterprise": other.pk},
        format="json",
    )
    assert response.status_code == 404
    assert not ElectricityAccount.objects.exists()


def test_an_account_entered_in_the_enterprise_form_is_evaluated_at_once(area, client_for):
    from tests.factories.enterprises import form_data

    case = power_cut_case(area, number="3300000999")
    user = area["users"]["power_officer"]
    commit_consumption(stage_consumption(consumption_file(GOOD), by=user), by=user)
    enterprise = case.enterprise
    client = client_for(area["users"]["county"])
    form = client.get(reverse("enterprises:edit", args=[enterprise.pk])).context["form"]
    data = form_data(
        enterprise.township,
        name=enterprise.name,
        electricity_accounts="3300000999 3300000101",
        version=form["version"].value(),
    )
    response = client.post(reverse("enterprises:edit", args=[enterprise.pk]), data)
    assert response.status_code == 302
    assert PowerAlert.objects.get().enterprise_id == enterprise.pk


@pytest.mark.parametrize("url", [reverse("metering:unmatched"), "/api/power-imports/unmatched/"])
def test_the_unmatched_list_runs_the_same_queries_at_3_and_12_accounts(
    area, client_for, django_assert_num_queries, url
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    new_enterprise(area, name="张三铸造厂", address="甲一镇张村1号")
    user = area["users"]["power_officer"]
    commit_consumption(stage_consumption(consumption_file(GOOD), by=user), by=user)
    client = client_for(user)
    client.get(url)
    with CaptureQueriesContext(connection) as at_three:
        assert client.get(url).status_code == 200
    more = [(f"33000002{n:02d}", f"户{n}", "", "2026-10", "1") for n in range(9)]
    commit_consumption(stage_consumption(consumption_file(more), by=user), by=user)
    with django_assert_num_queries(len(at_three)):
        response = client.get(url)
    assert "3300000208" in response.content.decode()


def test_many_new_alerts_reach_an_organisation_as_one_digest(
    area, django_capture_on_commit_callbacks
):
    from notices.models import Notification
    from tests.factories.metering import give_account
    from tests.factories.rectification import closed_case

    rows = []
    for index in range(11):
        case = closed_case(area)
        case.steps.update(done_on="2026-09-30")
        type(case).objects.filter(pk=case.pk).update(closed_on="2026-09-30")
        number = f"33000003{index:02d}"
        give_account(case.enterprise, number)
        rows.append((number, "户", "", "2026-10", "99"))
    user = area["users"]["power_officer"]
    with django_capture_on_commit_callbacks(execute=True):
        commit_consumption(stage_consumption(consumption_file(rows), by=user), by=user)
    told = Notification.objects.filter(kind="power_alert", recipient=area["users"]["county"])
    assert [n.subject for n in told] == ["用电异常预警：11 家企业"]
