"""A township clerk records inspections on a phone-sized screen: a patrol with a new team, the
enterprise picked from the search, GPS from the browser and a photo; and a look-back finding
反弹 that reopens the closed case."""

import pytest

from inspections.models import Inspection
from rectification.models import CaseState
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import image_upload
from tests.factories.rectification import closed_case

pytestmark = pytest.mark.django_db(transaction=True)


def pick_enterprise(page, text):
    page.fill("#enterprise-search", text)
    page.click(f".enterprise-option:has-text('{text}')")
    page.wait_for_selector(f"#enterprise-chosen:has-text('{text}')")


def test_clerk_records_a_patrol_with_team_gps_and_photo_on_a_phone(
    area, page, log_in, live_server, tmp_path
):
    EnterpriseFactory(township=area["township_a1"], name="甲一村铸造小作坊")
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 46.72, "longitude": 130.55})
    log_in("clerk_a1", TEST_PASSWORD)
    page.goto(f"{live_server.url}/inspections/")
    page.click("#new-inspection")
    page.select_option("#id_inspection_type", "patrol")
    page.fill("#id_team_name", "第一执法组")
    page.fill("#id_member_names", "李警官、王电工")
    pick_enterprise(page, "铸造小作坊")
    page.select_option("#id_result", "no_problem")
    page.fill("#id_findings", "已停产，设备已清除。")
    photo = tmp_path / "scene.jpg"
    photo.write_bytes(image_upload().read())
    page.set_input_files("#id_photos", str(photo))
    page.click("#locate")
    page.wait_for_selector("#locate-status:has-text('已获取位置')")
    assert page.input_value("#id_latitude") == "46.720000"
    page.click("#save-inspection")
    page.wait_for_selector("#inspection-facts")
    assert "检查记录已保存" in page.content()
    facts = page.inner_text("#inspection-facts")
    assert "甲一村铸造小作坊" in facts and "李警官" in facts and "46.72" in facts
    inspection = Inspection.objects.get()
    assert inspection.photos.count() == 1 and inspection.team.members.count() == 3


def test_look_back_finding_relapse_reopens_the_case_in_the_browser(area, page, log_in, live_server):
    case = closed_case(area)
    log_in("clerk_a1", TEST_PASSWORD)
    page.goto(f"{live_server.url}/inspections/new/")
    page.select_option("#id_inspection_type", "look_back")
    page.fill("#id_team_name", "回头看组")
    pick_enterprise(page, case.enterprise.name)
    page.select_option("#id_result", "relapse")
    page.fill("#id_findings", "夜间恢复生产。")
    page.click("#save-inspection")
    page.wait_for_selector("#inspection-facts")
    assert "重新打开整治案件" in page.content()
    assert "反弹" in page.inner_text("#inspection-cases")
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS and case.is_relapse


def test_a_relapse_without_closed_case_shows_the_chinese_refusal(area, page, log_in, live_server):
    EnterpriseFactory(township=area["township_a1"], name="甲一村砖瓦窑")
    log_in("clerk_a1", TEST_PASSWORD)
    page.goto(f"{live_server.url}/inspections/new/")
    page.select_option("#id_inspection_type", "look_back")
    page.fill("#id_team_name", "回头看组")
    pick_enterprise(page, "砖瓦窑")
    page.select_option("#id_result", "relapse")
    page.click("#save-inspection")
    page.wait_for_selector(".invalid-feedback")
    assert "没有已销号的整治案件" in page.content()
    assert not Inspection.objects.exists()


def test_county_sees_coverage_and_exports_the_tracking_ledger(area, page, log_in, live_server):
    EnterpriseFactory(township=area["township_a1"])
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/inspections/spot-checks/coverage/")
    assert "甲一镇" in page.inner_text("#coverage-table")
    assert "未达标" in page.inner_text("#coverage-table")
    page.goto(f"{live_server.url}/inspections/supervision/")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_county_plans_a_round_records_a_spot_check_and_transfers_what_it_found(
    area, page, staff_page, log_in, live_server
):
    from django.utils import timezone

    from inspections.models import SupervisionTransfer

    today = timezone.localdate()
    enterprise = EnterpriseFactory(
        township=area["township_a1"], name="甲一村小塑料厂", reported_on=today
    )
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/inspections/spot-checks/new/")
    page.fill("#id_name", "本月督导抽查")
    page.click("#plan-round")
    page.wait_for_selector("#target-table")
    assert "甲一村小塑料厂" in page.inner_text("#target-table")
    page.click("#target-table a:has-text('录入抽查')")
    assert page.input_value("#id_inspection_type") == "spot_check"
    page.fill("#id_team_name", "县督导一组")
    page.fill("#id_findings", "环评手续不全，仍在生产。")
    page.click("#save-inspection")
    page.wait_for_selector("#inspection-facts")
    page.click("text=移交乡镇")
    assert "甲一村小塑料厂" in page.inner_text("#enterprise-chosen")
    page.select_option("#id_requirement", "obtain_permits")
    page.click("#transfer-form button[type=submit]")
    page.wait_for_selector("#transfer-table")
    assert "补办手续中" in page.inner_text("#transfer-table")
    transfer = SupervisionTransfer.objects.get()
    assert transfer.enterprise == enterprise and transfer.inspection is not None

    clerk = staff_page("clerk_a1")
    clerk.goto(f"{live_server.url}/inspections/supervision/{transfer.pk}/")
    clerk.fill("#id_note", "已补办环评手续")
    clerk.click("button:has-text('确认完成')")
    clerk.wait_for_selector("#transfer-status:has-text('手续补办到位')")
    page.goto(f"{live_server.url}/inspections/spot-checks/coverage/")
    assert "达标" in page.inner_text("#coverage-table")
