"""The power-use walk in headless Chromium: the 供电公司 officer uploads the month's export on a
390 px phone and commits it; the closed plant that draws power again is an alert; the county
office opens it, 安排回头看, records the look-back that finds 反弹 — and the case is reopened
and the alert confirmed."""

import pytest

from metering.models import AlertState, PowerAlert
from rectification.models import CaseState
from tests.factories.metering import closed_watched_case

pytestmark = pytest.mark.django_db(transaction=True)

NUMBER = "3300000005"


def test_alert_to_look_back_to_reopened_case(area, page, staff_page, live_server, tmp_path):
    case = closed_watched_case(area, NUMBER)
    export = tmp_path / "用电数据.csv"
    export.write_text(
        f"户号,户名,用电地址,期间,用电量\n{NUMBER},{case.enterprise.name},甲一镇,2026-10,260\n",
        encoding="utf-8",
    )

    officer = staff_page("power_a")
    officer.set_viewport_size({"width": 390, "height": 844})
    officer.goto(f"{live_server.url}/power/upload/")
    officer.set_input_files("#id_file", str(export))
    officer.click("#upload-form button[type=submit]")
    officer.wait_for_selector("text=确认导入")
    officer.click("button:has-text('确认导入')")
    officer.wait_for_selector(".alert-success")
    assert "产生 1 条用电异常预警" in officer.content()
    assert officer.evaluate("document.documentElement.scrollWidth") <= 390

    county = staff_page("county_a")
    county.goto(f"{live_server.url}/power/alerts/?state=open")
    county.click(f"#alert-list a:has-text('{case.enterprise.name}')")
    county.wait_for_selector("#arrange-look-back")
    assert "260.00" in county.content()
    county.click("#arrange-look-back")
    county.wait_for_selector("#alert-state:has-text('已安排回头看')")

    county.click("#record-look-back")
    county.wait_for_selector("#id_team_name")
    assert county.input_value("#id_inspection_type") == "look_back"
    county.fill("#id_team_name", "回头看组")
    county.fill("#id_member_names", "张三")
    county.select_option("#id_result", "relapse")
    county.fill("#id_findings", "夜间恢复生产。")
    county.click("#save-inspection")
    county.wait_for_selector("#inspection-facts")
    assert "重新打开整治案件" in county.content()

    case.refresh_from_db()
    assert (case.state, case.is_relapse) == (CaseState.IN_PROGRESS, True)
    alert = PowerAlert.objects.get()
    assert alert.state == AlertState.CONFIRMED
    county.goto(f"{live_server.url}/power/alerts/{alert.pk}/")
    assert "属实" in county.inner_text("#alert-state")
