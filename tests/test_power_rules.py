"""The power rules at their thresholds: 疑似复产 above 30 kWh a month or 5 kWh a day after the
断电 step (or the closure), 疑似违规生产 above half the pre-case baseline; one alert per
enterprise per month whatever is imported or evaluated again."""

import datetime
from decimal import Decimal

import pytest

from metering.imports import commit_consumption, stage_consumption
from metering.models import AlertRule, MeteringSettings, PowerAlert
from metering.rules import evaluate_account
from rectification.models import Case
from tests.factories.metering import (
    consumption_file,
    give_account,
    power_cut_case,
    upgrade_case,
)
from tests.factories.rectification import closed_case

pytestmark = pytest.mark.django_db


def import_rows(area, rows, by="power_officer"):
    user = area["users"][by]
    batch = stage_consumption(consumption_file(rows), by=user)
    return commit_consumption(batch, by=user)


def test_a_month_of_exactly_30_kwh_after_the_power_cut_raises_nothing(area):
    power_cut_case(area)
    import_rows(area, [("3300000001", "甲", "", "2026-10", "30")])
    assert not PowerAlert.objects.exists()


def test_a_month_of_30_01_kwh_after_the_power_cut_is_suspected_resumption(area):
    case = power_cut_case(area)
    import_rows(area, [("3300000001", "甲", "", "2026年10月", "30.01")])
    alert = PowerAlert.objects.get()
    assert (alert.rule, alert.enterprise_id, alert.case_id) == (
        AlertRule.RESUMED,
        case.enterprise_id,
        case.pk,
    )
    assert alert.period_month == datetime.date(2026, 10, 1)
    assert [reading.kwh for reading in alert.readings.all()] == [Decimal("30.01")]


def test_a_day_of_5_kwh_raises_nothing_and_one_of_5_01_kwh_does(area):
    power_cut_case(area)
    import_rows(area, [("3300000001", "甲", "", "2026-10-05", "5")])
    assert not PowerAlert.objects.exists()
    import_rows(area, [("3300000001", "甲", "", "2026-10-06", "5.01")])
    assert PowerAlert.objects.get().rule == AlertRule.RESUMED


def test_readings_before_the_power_cut_raise_nothing(area):
    power_cut_case(area, cut_on=datetime.date(2026, 9, 15))
    import_rows(
        area,
        [("3300000001", "甲", "", "2026-09-10", "80"), ("3300000001", "甲", "", "2026-09", "900")],
    )
    assert not PowerAlert.objects.exists()


def test_a_closed_shutdown_case_is_watched_from_its_closure(area):
    case = closed_case(area)
    # Closed (and its power cut) before October, as if the case had been closed then.
    Case.objects.filter(pk=case.pk).update(closed_on=datetime.date(2026, 9, 30))
    case.steps.update(done_on=datetime.date(2026, 9, 30))
    give_account(case.enterprise, "3300000009")
    import_rows(area, [("3300000009", "甲", "", "2026-10", "31")])
    assert PowerAlert.objects.get().case_id == case.pk


def test_the_administrator_s_thresholds_are_the_ones_applied(area):
    MeteringSettings.objects.create(monthly_threshold_kwh=Decimal("100"))
    power_cut_case(area)
    import_rows(area, [("3300000001", "甲", "", "2026-10", "99")])
    assert not PowerAlert.objects.exists()


def baseline_rows(number="3300000002"):
    # Mean monthly use before the case (opened 2026-06-01): 100 kWh.
    return [
        (number, "乙", "", f"2026-0{month}", kwh) for month, kwh in ((3, 80), (4, 100), (5, 120))
    ]


def test_an_upgrade_case_at_exactly_half_its_baseline_raises_nothing(area):
    upgrade_case(area)
    import_rows(area, [*baseline_rows(), ("3300000002", "乙", "", "2026-10", "50")])
    assert not PowerAlert.objects.exists()


def test_an_upgrade_case_above_half_its_baseline_is_suspected_production(area):
    case = upgrade_case(area)
    import_rows(area, [*baseline_rows(), ("3300000002", "乙", "", "2026-10", "50.01")])
    alert = PowerAlert.objects.get()
    assert (alert.rule, alert.case_id, alert.threshold_kwh) == (
        AlertRule.PRODUCING,
        case.pk,
        Decimal("50.00"),
    )


def test_an_upgrade_case_without_a_baseline_raises_nothing(area):
    upgrade_case(area)
    import_rows(area, [("3300000002", "乙", "", "2026-10", "5000")])
    assert not PowerAlert.objects.exists()


def test_one_enterprise_gets_one_alert_per_month_however_often_it_is_evaluated(area):
    power_cut_case(area)
    import_rows(
        area,
        [
            ("3300000001", "甲", "", "2026-10", "300"),
            ("3300000001", "甲", "", "2026-10-03", "20"),
            ("3300000001", "甲", "", "2026-10-04", "20"),
        ],
    )
    import_rows(area, [("3300000001", "甲", "", "2026-10-05", "20")])
    evaluate_account("3300000001")
    alert = PowerAlert.objects.get()
    assert alert.readings.count() == 4


def test_the_same_file_twice_raises_no_second_alert(area):
    power_cut_case(area)
    rows = [("3300000001", "甲", "", "2026-10", "300")]
    first = import_rows(area, rows)
    second = import_rows(area, rows)
    assert (first.alert_count, second.alert_count, second.created_count) == (1, 0, 0)
    assert PowerAlert.objects.count() == 1


def test_an_enterprise_outside_the_uploader_s_area_is_not_evaluated(area):
    power_cut_case(area)  # in 甲县; 乙县's county office uploads
    import_rows(area, [("3300000001", "甲", "", "2026-10", "300")], by="county_b")
    assert not PowerAlert.objects.exists()
