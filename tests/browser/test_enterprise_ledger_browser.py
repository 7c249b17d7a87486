"""The township ledger in a real (headless, phone-sized) browser: enter, correct, find, export,
import — the same things the API tests do, through the pages a clerk uses."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from enterprises.models import Enterprise
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def upload_as_clerk(page, log_in, live_server, path):
    """The township clerk signs in and uploads the workbook at `path` on the import page."""
    log_in("clerk_a1", TEST_PASSWORD)
    page.goto(f"{live_server.url}/enterprises/import/")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")


def test_clerk_enters_corrects_and_sees_history_on_a_phone(area, page, log_in, live_server):
    log_in("clerk_a1", TEST_PASSWORD)
    page.goto(f"{live_server.url}/enterprises/new/")
    # The clerk's township is fixed; villages are those of the township.
    assert page.locator("#id_township").is_disabled()
    page.select_option("#id_village", label="甲一村")
    page.fill("#id_name", "宏达铸造厂")
    page.select_option("#id_enterprise_type", label="小散乱污")
    page.fill("#id_scale", "约12人")
    page.fill("#id_raw_materials", "废钢")
    page.check("#id_involves_air")
    page.select_option("#id_permit_environment", label="无")
    page.select_option("#id_permit_business_licence", label="有")
    page.fill("#id_reported_on", "2024-03-15")
    page.click("#enterprise-form button[type=submit]")
    page.wait_for_selector("#enterprise-name")
    assert page.inner_text("#enterprise-name") == "宏达铸造厂"
    assert "不全（缺环保）" in page.inner_text("#ledger-values")
    page.click("#edit-enterprise")
    page.fill("#id_raw_materials", "废钢、焦炭")
    page.click("#enterprise-form button[type=submit]")
    page.wait_for_selector("#history")
    assert "废钢 → 废钢、焦炭" in page.inner_text("#history")
    enterprise = Enterprise.objects.get()
    assert enterprise.village == area["village_a1"]


def test_bad_input_shows_chinese_messages(area, page, log_in, live_server):
    log_in("clerk_a1", TEST_PASSWORD)
    page.goto(f"{live_server.url}/enterprises/new/")
    page.fill("#id_reported_on", "")  # today by default
    page.fill("#id_credit_code", "91350100M000100Y44")
    page.click("#enterprise-form button[type=submit]")
    page.wait_for_selector("#form-errors")
    text = page.inner_text("#enterprise-form")
    assert "请填写企业名称" in text
    assert "请填写上报时间" in text
    assert "校验位不正确" in text
    assert not Enterprise.objects.exists()


def test_similar_name_warns_until_confirmed(area, page, log_in, live_server):
    EnterpriseFactory(township=area["township_a1"], name="宏达铸造有限公司")
    log_in("clerk_a1", TEST_PASSWORD)
    page.goto(f"{live_server.url}/enterprises/new/")
    page.fill("#id_name", "宏达铸造厂")
    page.select_option("#id_enterprise_type", label="八小")
    page.fill("#id_reported_on", "2024-03-15")
    page.click("#enterprise-form button[type=submit]")
    page.wait_for_selector("#similar-warning")
    assert "宏达铸造有限公司" in page.inner_text("#similar-warning")
    assert Enterprise.objects.count() == 1
    page.check("#id_confirm_similar")
    page.click("#enterprise-form button[type=submit]")
    page.wait_for_selector("#enterprise-name")
    assert Enterprise.objects.count() == 2


def test_county_user_picks_township_and_villages_follow(area, page, log_in, live_server):
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/enterprises/new/")
    page.select_option("#id_township", label="甲二乡")
    page.wait_for_selector("#id_village option:text('甲二村')", state="attached")
    options = page.locator("#id_village option").all_inner_texts()
    assert "甲二村" in options and "甲一村" not in options


def test_filter_then_export_the_filtered_ledger(area, page, log_in, live_server):
    EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    EnterpriseFactory(township=area["township_a2"], name="兴旺砖厂", enterprise_type="eight_small")
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/enterprises/")
    assert "共 2 家" in page.inner_text("#ledger-count")
    # On a phone the filters are folded away behind one button.
    assert not page.locator("#id_enterprise_type").is_visible()
    page.click("#toggle-filters")
    page.select_option("#id_enterprise_type", label="八小")
    page.click("#ledger-filter button[type=submit]")
    page.wait_for_selector("text=共 1 家")
    assert "兴旺砖厂" in page.inner_text("#ledger-table")
    assert "宏达铸造厂" not in page.inner_text("#ledger-table")
    with page.expect_download() as download_info:
        page.click("#export-ledger")
    path = download_info.value.path()
    with open(path, "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert sheet.cell(row=5, column=3).value == "兴旺砖厂"
    assert sheet.cell(row=6, column=1).value.startswith("注")


def test_clerk_imports_last_years_excel(area, page, log_in, live_server, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["甲一镇小散乱污企业排查台账"])
    sheet.merge_cells("A1:F1")
    sheet.append(["镇（办）：甲一镇"])
    sheet.append(["序号", "企业名称", "所在村组", "企业类型", "上报时间", "完成情况\n(完成日期)"])
    sheet.append([1, "宏达铸造厂", "甲一村三组", "小散乱污", "2023年3月15日", "正在整治"])
    sheet.append([2, "兴旺砖厂", "甲一村四组", "八小", "2023.4.1", ""])
    sheet.append(["注：此表每月23日前上报。"])
    path = tmp_path / "去年台账.xlsx"
    output = io.BytesIO()
    workbook.save(output)
    path.write_bytes(output.getvalue())

    upload_as_clerk(page, log_in, live_server, path)
    page.wait_for_selector("#import-rows")
    assert "新增 2" in page.inner_text("#import-summary")
    page.click("#commit-import")
    page.wait_for_selector("#ledger-table", state="attached")  # cards on a phone
    table = page.inner_text("#ledger-table")
    assert "宏达铸造厂" in table and "兴旺砖厂" in table
    assert Enterprise.objects.count() == 2


def test_broken_upload_gets_a_clear_message(area, page, log_in, live_server, tmp_path):
    path = tmp_path / "加密台账.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    upload_as_clerk(page, log_in, live_server, path)
    page.wait_for_selector(".invalid-feedback")
    assert "设置了打开密码" in page.inner_text("#upload-form")
