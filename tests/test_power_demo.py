"""The demo opens with the power company's last three months uploaded: 疑似复产 and 疑似违规生产
alerts on the demo county, told to the county office and on its 待办, accounts left unmatched
with suggestions, and the power alerts in the enterprises' risk scores; seeding again adds
nothing."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from accounts.models import User
from enterprises.models import ElectricityAccount, RiskDeduction
from metering.models import AlertRule, MeterReading, PowerAlert

pytestmark = pytest.mark.django_db


def test_the_demo_has_both_kinds_of_alert_for_the_county_office_and_seeding_again_adds_none(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", size=300)
    rules = dict(PowerAlert.objects.values_list("rule").annotate(n=Count("id")))
    assert rules.get(AlertRule.RESUMED, 0) >= 1 and rules.get(AlertRule.PRODUCING, 0) >= 1
    assert RiskDeduction.objects.filter(kind="power_alert").count() == PowerAlert.objects.count()
    county = User.objects.get(username="county")
    assert county.notifications.filter(link__contains="/power/").exists()
    client.force_login(county)
    page = client.get("/power/alerts/").content.decode()
    assert "疑似复产" in page and "疑似违规生产" in page
    counts = (ElectricityAccount.objects.count(), MeterReading.objects.count())
    alerts = PowerAlert.objects.count()
    call_command("seed_demo", size=300)
    assert (ElectricityAccount.objects.count(), MeterReading.objects.count()) == counts
    assert PowerAlert.objects.count() == alerts
