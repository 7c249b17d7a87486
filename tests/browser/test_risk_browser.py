"""风险画像 in a real (headless, phone-sized) browser: the county office narrows the ledger to
the 高 band, opens the enterprise and reads why it scores what it does."""

import datetime

import pytest
from django.utils import timezone

from enterprises import risk
from rectification.models import CaseState
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import TipFactory
from tests.factories.rectification import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_county_office_filters_the_high_band_and_reads_the_deductions(
    area, page, log_in, live_server
):
    high = EnterpriseFactory(township=area["township_a1"], name="死灰复燃铸造厂")
    CaseFactory(
        enterprise=high,
        state=CaseState.IN_PROGRESS,
        is_relapse=True,
        deadline=timezone.localdate() - datetime.timedelta(days=70),
    )
    TipFactory(county=area["county_a"], enterprise=high)
    EnterpriseFactory(township=area["township_a1"], name="守法加工厂")
    risk.recompute_all()
    log_in("county_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/enterprises/")
    page.click("#toggle-filters")
    page.select_option("#id_risk_band", label="高")
    page.click("#ledger-filter button[type=submit]")
    page.wait_for_url("**risk_band=high**")
    cards = page.inner_text("#ledger-cards")
    assert "死灰复燃铸造厂" in cards and "高 50" in cards
    assert "守法加工厂" not in cards
    page.click("#ledger-cards a")
    page.wait_for_selector("#risk-profile")
    assert page.inner_text("#risk-band") == "高风险"
    deductions = page.inner_text("#risk-deductions")
    assert "反弹（死灰复燃）" in deductions and "-30" in deductions
    assert "整治逾期" in deductions and "-15" in deductions
    assert "被举报" in deductions and "-5" in deductions
