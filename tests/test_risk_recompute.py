"""风险画像 follows its inputs: a case transition, a look-back that finds a relapse, a verified
tip and a spot check's new find each rewrite the enterprise's score once the change commits —
and not before, nor when the change is refused."""

import datetime

import pytest
from django.utils import timezone

from accounts.refusals import Refused
from enterprises.models import EnterpriseType, RiskBand
from inspections.models import InspectionResult, InspectionType
from inspections.services import record_inspection
from rectification import workflow
from tests.factories.inspections import TipFactory
from tests.factories.rectification import awaiting_case, closed_case, in_progress_case

TEAM = {"name": "第一执法组", "member_users": [], "member_names": ["张三"]}


def score_of(enterprise):
    enterprise.refresh_from_db()
    return enterprise.risk_score


def test_flagging_quasi_rescores_the_enterprise_on_commit(area, django_capture_on_commit_callbacks):
    case = in_progress_case(area)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        workflow.flag_quasi(case, by=area["users"]["county"], note="原址换名复产")
    assert score_of(case.enterprise) == 100  # not before the commit
    for callback in pending:
        callback()
    assert score_of(case.enterprise) == 90
    assert case.enterprise.risk_deductions.get().kind == "quasi"


def test_a_look_back_relapse_takes_30_once_the_inspection_commits(
    area, django_capture_on_commit_callbacks
):
    case = closed_case(area)
    with django_capture_on_commit_callbacks(execute=True):
        record_inspection(
            by=area["users"]["county"],
            inspection_type=InspectionType.LOOK_BACK,
            inspected_on=timezone.localdate(),
            result=InspectionResult.RELAPSE,
            new_team=TEAM,
            enterprise=case.enterprise,
            findings="夜间恢复生产",
        )
    enterprise = case.enterprise
    assert score_of(enterprise) == 70
    assert enterprise.risk_band == RiskBand.MIDDLE
    assert list(enterprise.risk_deductions.values_list("kind", flat=True)) == ["relapse"]


def test_a_verified_tip_links_the_enterprise_and_takes_5(area, django_capture_on_commit_callbacks):
    case = in_progress_case(area)
    tip = TipFactory(county=area["county_a"], township=area["township_a1"], state="assigned")
    tip.assigned_organisation = area["orgs"]["township_a1"]
    tip.save()
    with django_capture_on_commit_callbacks(execute=True):
        record_inspection(
            by=area["users"]["clerk"],
            inspection_type=InspectionType.TIP_VERIFICATION,
            inspected_on=timezone.localdate(),
            result=InspectionResult.NO_PROBLEM,
            new_team=TEAM,
            enterprise=case.enterprise,
            tip=tip,
        )
    assert score_of(case.enterprise) == 95


def test_a_spot_checks_new_find_scores_the_enterprise_it_puts_on_the_ledger(
    area, django_capture_on_commit_callbacks
):
    data = {
        "township": area["township_a1"],
        "enterprise_type": EnterpriseType.SMALL_SCATTERED,
        "permits": {},
        "name": "厂中厂喷漆点",
        "reported_on": timezone.localdate(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        inspection = record_inspection(
            by=area["users"]["county"],
            inspection_type=InspectionType.SPOT_CHECK,
            inspected_on=timezone.localdate(),
            result=InspectionResult.NEW_FIND,
            new_team=TEAM,
            new_enterprise=data,
        )
    assert score_of(inspection.enterprise) == 85


def test_a_refused_change_recomputes_nothing(area, django_capture_on_commit_callbacks):
    case = in_progress_case(area)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Refused):
        workflow.flag_quasi(case, by=area["users"]["clerk"], note="无权标记")
    assert callbacks == []
    assert score_of(case.enterprise) == 100


def test_a_bulk_path_recomputes_its_enterprises_once_together(
    area, django_capture_on_commit_callbacks
):
    from enterprises.risk import batched_recompute

    first, second = in_progress_case(area), in_progress_case(area)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, batched_recompute():
        workflow.flag_quasi(first, by=area["users"]["county"], note="原址换名复产")
        workflow.flag_quasi(second, by=area["users"]["county"], note="原址换名复产")
    recomputes = [c for c in callbacks if c.__name__ == "<lambda>"]
    assert len(recomputes) == 1
    assert (score_of(first.enterprise), score_of(second.enterprise)) == (90, 90)


def test_bulk_closing_late_cases_restores_their_scores_in_one_recompute(
    area, django_capture_on_commit_callbacks
):
    from enterprises.risk import recompute
    from rectification.models import Case

    cases = [awaiting_case(area), awaiting_case(area)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        deadline=timezone.localdate() - datetime.timedelta(days=40)
    )
    recompute([c.enterprise_id for c in cases])
    assert [score_of(c.enterprise) for c in cases] == [90, 90]  # two months late
    for case in cases:
        case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.close_cases(cases, by=area["users"]["county"], note="批量验收")
    assert len([c for c in callbacks if c.__name__ == "<lambda>"]) == 1
    assert [score_of(c.enterprise) for c in cases] == [100, 100]


def test_a_look_back_that_reopens_a_case_and_resolves_its_power_alert_recomputes_once(
    area, django_capture_on_commit_callbacks, monkeypatch
):
    from enterprises import risk
    from tests.factories.metering import alert_for, closed_watched_case

    case = closed_watched_case(area, "3300000021")
    with django_capture_on_commit_callbacks(execute=True):
        alert_for(area, case, "3300000021")
    recomputed = []
    real_recompute = risk.recompute
    monkeypatch.setattr(
        risk, "recompute", lambda ids, **kw: recomputed.append(ids) or real_recompute(ids, **kw)
    )
    with django_capture_on_commit_callbacks(execute=True):
        record_inspection(
            by=area["users"]["clerk"],
            inspection_type=InspectionType.LOOK_BACK,
            inspected_on=timezone.localdate(),
            result=InspectionResult.RELAPSE,
            enterprise=case.enterprise,
            findings="夜间生产",
            new_team=TEAM,
        )
    assert recomputed == [[case.enterprise_id]]
    assert {row.kind for row in case.enterprise.risk_deductions.all()} == {
        "relapse",
        "power_alert",
    }
