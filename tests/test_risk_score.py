"""风险画像: each deduction kind from factory data, the caps, the band edges, the
administrator's weights, and the nightly pass agreeing with the per-enterprise recompute."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from enterprises import risk
from enterprises.models import Enterprise, RiskBand, RiskDeduction, RiskSettings, RiskWeight
from inspections.models import InspectionResult, InspectionType
from notices import jobs
from rectification.models import CaseEvent, CaseState
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import InspectionFactory, TeamFactory, TipFactory
from tests.factories.rectification import CaseFactory

TODAY = datetime.date(2025, 6, 30)


def scored(enterprise, today=TODAY):
    risk.recompute([enterprise.pk], today=today)
    enterprise.refresh_from_db()
    return enterprise


def deductions(enterprise):
    return sorted(enterprise.risk_deductions.values_list("kind", "points"))


@pytest.fixture
def enterprise(area):
    return EnterpriseFactory(township=area["township_a1"])


def test_an_enterprise_without_findings_keeps_100_and_the_low_band(enterprise):
    enterprise = scored(enterprise)
    assert (enterprise.risk_score, enterprise.risk_band) == (100, RiskBand.LOW)
    assert deductions(enterprise) == []


def test_a_relapsed_case_takes_30_with_its_case_number_as_source(enterprise):
    case = CaseFactory(enterprise=enterprise, state=CaseState.IN_PROGRESS, is_relapse=True)
    enterprise = scored(enterprise)
    assert enterprise.risk_score == 70
    (row,) = enterprise.risk_deductions.all()
    assert (row.kind, row.points, row.source) == ("relapse", 30, f"整治案件 {case.number}")
    assert "反弹" in row.detail


def test_overdue_takes_5_per_started_month_up_to_20(enterprise):
    case = CaseFactory(
        enterprise=enterprise,
        state=CaseState.IN_PROGRESS,
        deadline=TODAY - datetime.timedelta(days=31),
    )
    assert deductions(scored(enterprise)) == [("overdue", 10)]  # 31 days: the 2nd month began
    case.deadline = TODAY - datetime.timedelta(days=1)
    case.save()
    assert deductions(scored(enterprise)) == [("overdue", 5)]
    case.deadline = TODAY - datetime.timedelta(days=400)
    case.save()
    assert deductions(scored(enterprise)) == [("overdue", 20)]  # capped
    case.deadline = TODAY
    case.save()
    assert deductions(scored(enterprise)) == []  # due today is not late


def test_a_closed_case_is_never_overdue(enterprise):
    CaseFactory(
        enterprise=enterprise,
        state=CaseState.CLOSED,
        closed_on=TODAY,
        deadline=TODAY - datetime.timedelta(days=90),
    )
    assert deductions(scored(enterprise)) == []


def test_failed_verifications_take_10_each_up_to_20(enterprise, area):
    case = CaseFactory(enterprise=enterprise, state=CaseState.IN_PROGRESS)
    for _ in range(3):
        CaseEvent.objects.create(
            case=case, action=CaseEvent.Action.FAIL_VERIFICATION, actor=area["users"]["county"]
        )
    enterprise = scored(enterprise)
    assert deductions(enterprise) == [("failed_verification", 20)]
    assert enterprise.risk_deductions.get().detail == "核查验收不通过 3 次"


def test_quasi_takes_10(enterprise):
    CaseFactory(enterprise=enterprise, state=CaseState.IN_PROGRESS, is_quasi=True)
    assert deductions(scored(enterprise)) == [("quasi", 10)]


def test_tips_take_5_each_up_to_15_newest_first(enterprise, area):
    now = timezone.now()
    for days in range(4):
        TipFactory(
            county=area["county_a"],
            enterprise=enterprise,
            received_at=now - datetime.timedelta(days=days),
        )
    enterprise = scored(enterprise, today=timezone.localdate())
    assert enterprise.risk_score == 85
    rows = list(enterprise.risk_deductions.order_by("-date"))
    assert [row.points for row in rows] == [5, 5, 5]  # the oldest tip is beyond the cap
    assert rows[0].source.startswith("举报 ")


def test_a_spot_check_that_found_it_off_the_ledger_takes_15(enterprise, area):
    team = TeamFactory(organisation=area["orgs"]["county_office"])
    InspectionFactory(
        team=team,
        enterprise=enterprise,
        inspection_type=InspectionType.SPOT_CHECK,
        result=InspectionResult.NEW_FIND,
    )
    InspectionFactory(team=team, enterprise=enterprise, result=InspectionResult.NEW_FIND)
    assert deductions(scored(enterprise)) == [("spot_check_find", 15)]  # patrols do not count


@pytest.mark.parametrize(
    ("score", "band"),
    [(59, RiskBand.HIGH), (60, RiskBand.MIDDLE), (79, RiskBand.MIDDLE), (80, RiskBand.LOW)],
)
def test_bands_change_at_60_and_80(db, score, band):
    assert risk.band_of(score, RiskSettings.current()) == band


def test_the_bands_edges_are_reached_by_real_deductions(enterprise, area):
    # relapse 30 + overdue 10 = 40 → 60, the lowest 中.
    CaseFactory(
        enterprise=enterprise,
        state=CaseState.IN_PROGRESS,
        is_relapse=True,
        deadline=TODAY - datetime.timedelta(days=45),
    )
    enterprise = scored(enterprise)
    assert (enterprise.risk_score, enterprise.risk_band) == (60, RiskBand.MIDDLE)
    # One tip more (−5) → 55, 高.
    TipFactory(county=area["county_a"], enterprise=enterprise)
    enterprise = scored(enterprise)
    assert (enterprise.risk_score, enterprise.risk_band) == (55, RiskBand.HIGH)


def test_the_score_never_goes_below_zero(enterprise, area):
    for _ in range(4):  # four campaigns, four relapses: 120 points
        CaseFactory(enterprise=enterprise, is_relapse=True)
    enterprise = scored(enterprise)
    assert (enterprise.risk_score, enterprise.risk_band) == (0, RiskBand.HIGH)


def test_administrator_weights_and_thresholds_replace_the_defaults(enterprise):
    CaseFactory(enterprise=enterprise, state=CaseState.IN_PROGRESS, is_quasi=True)
    settings = RiskSettings.current()
    RiskWeight.objects.create(settings=settings, kind="quasi", points=45, cap=None)
    settings.high_below = 50
    settings.save()
    enterprise = scored(enterprise)
    assert (enterprise.risk_score, enterprise.risk_band) == (55, RiskBand.MIDDLE)


def test_a_recompute_replaces_the_deductions_and_leaves_the_version_alone(enterprise):
    case = CaseFactory(enterprise=enterprise, state=CaseState.IN_PROGRESS, is_quasi=True)
    version = Enterprise.objects.get(pk=enterprise.pk).updated_at
    scored(enterprise)
    case.is_quasi = False
    case.save()
    enterprise = scored(enterprise)
    assert enterprise.risk_score == 100
    assert not RiskDeduction.objects.filter(enterprise=enterprise).exists()
    assert enterprise.updated_at == version  # the edit form's optimistic version


def test_a_new_source_is_one_registration(enterprise):
    # A kind no app registers (metering's real "power_alerts" source must stay registered).
    hotline = risk.DeductionKind("hotline_complaint", "12345热线投诉", points=3)

    def hotline_complaints(enterprise_ids, today):
        return [
            risk.Finding(pk, "hotline_complaint", "夜间异味", "热线工单 #1", today)
            for pk in enterprise_ids
        ]

    risk.register_source("hotline_complaints", hotline_complaints, hotline)
    try:
        enterprise = scored(enterprise)
        assert deductions(enterprise) == [("hotline_complaint", 3)]
        assert "12345热线投诉每次 -3" in risk.weight_description()
    finally:
        risk.unregister_source("hotline_complaints")
    assert "power_alerts" in {source.name for source in risk.registered_sources()}


def build_mixed_ledger(area, count=12):
    enterprises = EnterpriseFactory.create_batch(count, township=area["township_a1"])
    for number, enterprise in enumerate(enterprises):
        if number % 2:
            CaseFactory(
                enterprise=enterprise,
                state=CaseState.IN_PROGRESS,
                deadline=TODAY - datetime.timedelta(days=10 * number),
                is_relapse=number % 3 == 0,
            )
        if number % 4 == 0:
            TipFactory(county=area["county_a"], enterprise=enterprise)
    return enterprises


def snapshot():
    return (
        list(Enterprise.objects.order_by("id").values_list("id", "risk_score", "risk_band")),
        sorted(RiskDeduction.objects.values_list("enterprise_id", "kind", "points", "detail")),
    )


def test_the_nightly_pass_in_chunks_equals_recomputing_each_enterprise(area):
    enterprises = build_mixed_ledger(area)
    for enterprise in enterprises:
        risk.recompute([enterprise.pk], today=TODAY)
    one_by_one = snapshot()
    Enterprise.objects.update(risk_score=100, risk_band=RiskBand.LOW)
    RiskDeduction.objects.all().delete()
    risk.recompute_all(today=TODAY, chunk_size=5)
    assert snapshot() == one_by_one
    assert any(score < 100 for _, score, _ in one_by_one[0])


def test_each_chunk_runs_a_fixed_number_of_queries(area, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    build_mixed_ledger(area, count=4)
    with CaptureQueriesContext(connection) as small:
        risk.recompute_all(today=TODAY, chunk_size=1000)
    build_mixed_ledger(area, count=40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        risk.recompute_all(today=TODAY, chunk_size=1000)


def test_the_daily_jobs_and_the_command_run_the_nightly_pass(area):
    (enterprise,) = build_mixed_ledger(area, count=1)  # number 0: one tip
    assert "risk_scores" in [job.name for job in jobs.registered()]
    jobs.run(names={"risk_scores"})
    enterprise.refresh_from_db()
    assert enterprise.risk_score == 95
    Enterprise.objects.update(risk_score=100)
    output = io.StringIO()
    call_command("recompute_risk", "--chunk", "10", stdout=output)
    assert "风险画像已重新计算" in output.getvalue()
    enterprise.refresh_from_db()
    assert enterprise.risk_score == 95


def test_a_changed_score_tells_the_dashboards_cache_its_county(enterprise, area, monkeypatch):
    from enterprises import ledger

    told = []
    monkeypatch.setattr(ledger, "_bulk_change_listeners", [lambda place: told.append(place)])
    CaseFactory(enterprise=enterprise, state=CaseState.IN_PROGRESS, is_quasi=True)
    scored(enterprise)
    assert told == [area["county_a"]]
    scored(enterprise)  # unchanged: nothing to tell
    assert told == [area["county_a"]]
