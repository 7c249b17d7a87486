"""In Chromium: the county office opens a unit from the 问责台账, records a 约谈 with a PDF
notice, and sees it in the unit's history."""

import pytest
from django.utils import timezone

from reporting.models import AccountabilityAction
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.rectification import shutdown_case_due

pytestmark = pytest.mark.django_db(transaction=True)


def test_county_office_records_an_interview_in_the_units_history(
    page, log_in, live_server, area, tmp_path
):
    shutdown_case_due(area, -9)
    notice = tmp_path / "约谈通知书.pdf"
    notice.write_bytes(b"%PDF-1.4\n%%EOF\n")
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/reports/accountability/")
    page.wait_for_selector("#accountability-table")
    assert "王分包（1）" in page.inner_text("#accountability-table")
    page.click("#accountability-table >> text=甲一镇政府")
    page.wait_for_selector("#action-form")
    assert "尚无问责记录" in page.inner_text("#action-history")

    page.select_option("#id_kind", "interview")
    page.fill("#id_taken_on", timezone.localdate().isoformat())
    page.fill("#id_person", "王分包")
    page.fill("#id_reason", "整治案件逾期9天未销号")
    page.set_input_files("#id_notice", str(notice))
    page.click("#action-form button[type=submit]")
    page.wait_for_selector("text=已记录对甲一镇政府的约谈")
    history = page.inner_text("#action-history")
    assert "约谈" in history and "整治案件逾期9天未销号" in history and "王分包" in history
    assert AccountabilityAction.objects.get().kind == "interview"

    # A bad notice is refused with a Chinese message and nothing is added.
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"not a pdf at all")
    page.select_option("#id_kind", "circular")
    page.fill("#id_taken_on", timezone.localdate().isoformat())
    page.fill("#id_reason", "通报")
    page.set_input_files("#id_notice", str(fake))
    page.click("#action-form button[type=submit]")
    page.wait_for_selector("text=通知文书必须是 PDF 文件")
    assert AccountabilityAction.objects.count() == 1
