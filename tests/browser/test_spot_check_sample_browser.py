"""In headless Chromium on a phone-sized screen: the county office draws a spot-check sample,
sees the list per township with at least 20% of each ledger, records an inspection from the
worklist (prefilled with enterprise, 督导抽查 and the round) and sees coverage go up."""

import datetime

import pytest
from django.utils import timezone

from inspections.models import Inspection, InspectionType, SpotCheckRound
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_county_draws_a_sample_and_works_through_it(area, page, log_in, live_server):
    reported = timezone.localdate() - datetime.timedelta(days=60)
    for number in range(11):
        EnterpriseFactory(
            township=area["township_a1"], reported_on=reported, name=f"甲一企业{number}"
        )
    for number in range(4):
        EnterpriseFactory(
            township=area["township_a2"], reported_on=reported, name=f"甲二企业{number}"
        )
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/inspections/spot-checks/")
    page.click("#new-round")
    page.fill("#id_name", "十一月督导抽查")
    page.click("#plan-round")
    page.wait_for_selector("text=已制定抽查轮次并随机抽取名单（第 1 版）")

    # Per township: drawn ≥ ceil(20% of the ledger): 11 → 3, 4 → 1.
    drawn = {
        row.get_attribute("data-township"): int(
            row.query_selector(".drawn").inner_text().split("（")[0]
        )
        for row in page.query_selector_all("#round-coverage-table tbody tr")
    }
    assert drawn == {area["township_a1"].code: 3, area["township_a2"].code: 1}
    assert "甲一镇（3 家）" in page.content() and "甲二乡（1 家）" in page.content()
    assert "按种子复算结果一致" in page.inner_text("#draw-record")
    assert page.inner_text("#total-inspected") == "0"

    # Record an inspection from the worklist: the form arrives prefilled.
    first = page.query_selector(".target-table tbody tr")
    enterprise_id = int(first.get_attribute("data-enterprise"))
    first.query_selector(".record-inspection").click()
    page.wait_for_selector("#save-inspection")
    assert page.input_value("#id_inspection_type") == InspectionType.SPOT_CHECK
    spot_check_round = SpotCheckRound.objects.get()
    assert page.input_value("#id_spot_check_round") == str(spot_check_round.pk)
    assert "已选" in page.inner_text("#enterprise-chosen")
    page.fill("#id_team_name", "县督导组")
    page.select_option("#id_result", "no_problem")
    page.fill("#id_findings", "已停产，现场清理完毕。")
    page.click("#save-inspection")
    page.wait_for_selector("text=检查记录已保存")
    inspection = Inspection.objects.get()
    assert inspection.enterprise_id == enterprise_id
    assert inspection.spot_check_round_id == spot_check_round.pk

    page.goto(f"{live_server.url}/inspections/spot-checks/{spot_check_round.pk}/")
    assert page.inner_text("#total-inspected") == "1"
    row = page.query_selector(f".target-table tr[data-enterprise='{enterprise_id}']")
    assert "已抽查" in row.inner_text()

    # A redraw needs a reason and becomes version 2; version 1 stays listed.
    page.click("#redraw-form button[type=submit]")
    page.wait_for_selector("text=重新抽取必须填写理由")
    page.fill("#redraw-form [name=reason]", "两家企业已注销，重新抽取")
    page.click("#redraw-form button[type=submit]")
    page.wait_for_selector("text=已重新抽取，生成第 2 版名单")
    versions = page.inner_text("#draw-versions")
    assert "第 1 版" in versions and "第 2 版" in versions and "首次抽取" in versions
