"""A member of the public files a tip without logging in and later reads the published outcome;
in between the county office assigns it, the township verifies it and the county publishes."""

import re

import pytest
from django.core.cache import cache

from inspections.models import Tip, TipState

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_tip_from_filing_to_published_outcome(area, page, staff_page, live_server):
    cache.clear()
    # The public: no login.
    page.goto(f"{live_server.url}/tips/")
    page.select_option("#id_county", label="甲县")
    page.select_option("#id_township", label="甲县 · 甲一镇")
    page.fill("#id_place", "甲一村东头废弃仓库")
    page.fill("#id_happened_when", "每天夜里")
    page.fill("#id_content", "仓库里夜里熔炼废铝，烟很呛。")
    page.fill("#id_reporter_contact", "13900002222")
    page.click("button[type=submit]")
    receipt = page.inner_text("#receipt-number").strip()
    assert re.fullmatch(r"JB\d{8}[A-Z0-9]{8}", receipt)
    tip = Tip.objects.get(receipt_number=receipt)

    county = staff_page("county_a")
    county.goto(f"{live_server.url}/inspections/tips/{tip.pk}/")
    assert "13900002222" in county.inner_text("#tip-contact")
    county.select_option("#id_organisation", label="甲一镇政府")
    county.click("#assign-form button[type=submit]")
    county.wait_for_selector("#tip-state:has-text('核查中')")

    clerk = staff_page("clerk_a1")
    clerk.goto(f"{live_server.url}/inspections/tips/{tip.pk}/")
    clerk.click("#verify-tip")
    clerk.fill("#id_team_name", "举报核查组")
    clerk.select_option("#id_result", "no_problem")
    clerk.fill("#id_findings", "现场核查，熔炉已拆除。")
    clerk.click("#save-inspection")
    clerk.wait_for_selector("#inspection-facts")

    county.reload()
    county.fill("#id_outcome", "经核查举报属实，已责令拆除熔炉并列入整治台账。")
    county.click("#publish-form button[type=submit]")
    county.wait_for_selector("#tip-state:has-text('已公开')")
    tip.refresh_from_db()
    assert tip.state == TipState.PUBLISHED

    page.goto(f"{live_server.url}/tips/lookup/")
    page.fill("#id_receipt_number", receipt)
    page.click("#lookup-form button[type=submit]")
    outcome = page.inner_text("#lookup-result")
    assert "已责令拆除熔炉" in outcome
    assert "13900002222" not in page.content()


def test_public_form_refuses_a_fake_photo_in_chinese(area, page, live_server, tmp_path):
    cache.clear()
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"not an image")
    page.goto(f"{live_server.url}/tips/")
    page.select_option("#id_county", label="甲县")
    page.fill("#id_place", "某地")
    page.fill("#id_content", "有人偷偷生产。")
    page.set_input_files("#id_photos", str(fake))
    page.click("button[type=submit]")
    assert "不是有效的图片" in page.inner_text("#public-tip-form")
    assert not Tip.objects.exists()


def test_county_office_takes_a_hotline_call_in(area, staff_page, live_server):
    county = staff_page("county_a")
    county.goto(f"{live_server.url}/inspections/tips/")
    county.click("#new-tip")
    county.select_option("#id_channel", "hotline_12369")
    county.fill("#id_place", "甲二村南砖窑")
    county.fill("#id_content", "热线反映砖窑夜间冒黑烟。")
    county.fill("#id_reporter_contact", "13600005555")
    county.click("#tip-intake-form button[type=submit]")
    county.wait_for_selector("#tip-facts")
    assert "12369" in county.inner_text("#tip-facts")
    assert "13600005555" in county.inner_text("#tip-contact")
    tip = Tip.objects.get()
    assert tip.channel == "hotline_12369" and tip.created_by.username == "county_a"
