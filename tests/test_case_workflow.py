"""The case workflow: every transition as its owning role, each precondition and each refusal
(Chinese message, nothing changed), and the timeline row every change writes."""

import datetime

import pytest
from django.utils import timezone

from accounts.refusals import Refused
from accounts.workdays import add_working_days
from rectification import workflow
from rectification.models import (
    Case,
    CaseEvent,
    CaseState,
    CaseStep,
    DeadlineExtension,
    Disposal,
    Requirement,
)
from tests.factories.rectification import (
    SHUTDOWN_STEPS,
    CampaignFactory,
    awaiting_case,
    closed_case,
    complete_all_steps,
    determined_case,
    extend,
    found_case,
    in_progress_case,
    new_enterprise,
    photo,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def unchanged(case):
    """Snapshot of everything a refused transition must leave as it was."""
    case = Case.objects.get(pk=case.pk)
    return (
        case.state,
        case.version,
        case.deadline,
        case.is_relapse,
        case.is_quasi,
        case.closed_on,
        CaseEvent.objects.filter(case=case).count(),
        DeadlineExtension.objects.filter(case=case).count(),
        CaseStep.objects.filter(case=case).count(),
    )


def determine(case, user, **overrides):
    values = {
        "disposal": Disposal.SHUTDOWN,
        "requirement": Requirement.DEMOLISH,
        "measures": "依法关停取缔",
        "responsible_unit": None,
        "responsible_person": "王分包",
        "deadline": TODAY + datetime.timedelta(days=30),
    }
    values.update(overrides)
    return workflow.determine_case(case, by=user, **values)


# --- propose ------------------------------------------------------------------------------


def test_clerk_proposes_a_case_numbered_by_county_year_and_sequence(area):
    campaign = CampaignFactory(year=2024)
    first = workflow.propose_case(
        new_enterprise(area), campaign=campaign, by=area["users"]["clerk"]
    )
    second = workflow.propose_case(
        new_enterprise(area), campaign=campaign, by=area["users"]["clerk"]
    )
    assert first.number == "110101-2024-0001"
    assert second.number == "110101-2024-0002"
    assert first.state == CaseState.FOUND
    assert first.responsible_unit == area["orgs"]["township_a1"]
    event = first.events.get()
    assert (event.action, event.to_state, event.actor) == (
        "propose",
        "found",
        area["users"]["clerk"],
    )


def test_second_case_for_same_enterprise_and_campaign_is_refused(area):
    case = found_case(area)
    with pytest.raises(Refused, match="已有整治案件"):
        workflow.propose_case(case.enterprise, campaign=case.campaign, by=area["users"]["clerk"])
    assert Case.objects.count() == 1


def test_clerk_cannot_propose_for_another_township(area):
    enterprise = new_enterprise(area, "township_a2")
    with pytest.raises(Refused, match="不在您的管辖范围内"):
        workflow.propose_case(enterprise, campaign=CampaignFactory(), by=area["users"]["clerk"])
    assert not Case.objects.exists()


def test_leader_cannot_propose(area):
    with pytest.raises(Refused, match="只读"):
        workflow.propose_case(
            new_enterprise(area), campaign=CampaignFactory(), by=area["users"]["leader"]
        )


def test_campaign_of_another_county_is_refused(area):
    campaign = CampaignFactory(region=area["county_b"])
    with pytest.raises(Refused, match="不适用于您的辖区"):
        workflow.propose_case(new_enterprise(area), campaign=campaign, by=area["users"]["clerk"])


# --- determine ----------------------------------------------------------------------------


def test_department_officer_determines_shutdown_with_the_campaign_checklist(area):
    case = found_case(area)
    determine(case, area["users"]["officer"], responsible_unit=area["orgs"]["environment"])
    assert case.state == CaseState.DETERMINED
    assert case.disposal == Disposal.SHUTDOWN
    assert case.deadline == case.original_deadline == TODAY + datetime.timedelta(days=30)
    steps = list(case.steps.order_by("order"))
    assert [step.name for step in steps] == SHUTDOWN_STEPS
    power = steps[1]
    assert power.confirming_unit == area["orgs"]["power"]
    assert case.events.last().action == "determine"


def test_upgrade_gets_milestones_and_relocation_gets_its_steps(area):
    upgrade = determined_case(
        area, disposal=Disposal.UPGRADE, requirement=Requirement.OBTAIN_PERMITS
    )
    assert [s.name for s in upgrade.steps.all()] == ["补办审批手续", "监测达标"]
    assert all(s.deadline == upgrade.deadline for s in upgrade.steps.all())
    relocation = determined_case(area, disposal=Disposal.RELOCATION, requirement="")
    assert [s.name for s in relocation.steps.all()] == ["搬迁入园", "拆除原厂房", "原址场地恢复"]
    assert relocation.destination_park == "工业园区"


def test_requirement_alone_chooses_the_disposal(area):
    case = found_case(area)
    determine(
        case,
        area["users"]["county"],
        disposal="",
        requirement=Requirement.IMPROVE,
        responsible_unit=area["orgs"]["township_a1"],
    )
    assert case.disposal == Disposal.UPGRADE


def test_requirement_contradicting_disposal_is_refused(area):
    case = found_case(area)
    before = unchanged(case)
    with pytest.raises(Refused, match="对应的处置方式是“关停取缔”"):
        determine(
            case,
            area["users"]["county"],
            disposal=Disposal.UPGRADE,
            requirement=Requirement.DEMOLISH,
            responsible_unit=area["orgs"]["township_a1"],
        )
    assert unchanged(case) == before


def test_clerk_cannot_determine(area):
    case = found_case(area)
    before = unchanged(case)
    with pytest.raises(Refused, match="不能认定案件"):
        determine(case, area["users"]["clerk"], responsible_unit=area["orgs"]["township_a1"])
    assert unchanged(case) == before


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"measures": " "}, "请填写整治措施"),
        ({"responsible_person": ""}, "请填写分包责任人"),
        ({"deadline": None}, "请填写整治期限"),
        ({"deadline": TODAY - datetime.timedelta(days=1)}, "不能早于今天"),
        ({"disposal": "", "requirement": ""}, "请选择分类处置方式"),
    ],
)
def test_determination_with_missing_input_is_refused(area, override, message):
    case = found_case(area)
    before = unchanged(case)
    with pytest.raises(Refused, match=message):
        determine(
            case, area["users"]["county"], responsible_unit=area["orgs"]["township_a1"], **override
        )
    assert unchanged(case) == before


def test_responsible_unit_of_another_township_is_refused(area):
    case = found_case(area)
    with pytest.raises(Refused, match="责任单位必须是"):
        determine(case, area["users"]["county"], responsible_unit=area["orgs"]["township_a2"])


def test_determining_twice_is_refused(area):
    case = determined_case(area)
    with pytest.raises(Refused, match="当前状态为“已认定”"):
        determine(case, area["users"]["county"], responsible_unit=area["orgs"]["township_a1"])


# --- start, steps, submit -----------------------------------------------------------------


def test_start_remediation_moves_to_in_progress(area):
    case = determined_case(area)
    workflow.start_remediation(case, by=area["users"]["clerk"], note="已进场")
    assert case.state == CaseState.IN_PROGRESS
    event = case.events.last()
    assert (event.from_state, event.to_state, event.comment) == (
        "determined",
        "in_progress",
        "已进场",
    )


def test_found_case_cannot_start(area):
    case = found_case(area)
    with pytest.raises(Refused, match="不能开始整治"):
        workflow.start_remediation(case, by=area["users"]["county"])


def test_power_company_confirms_cutting_power_but_not_water(area):
    case = in_progress_case(area)
    power_step = case.steps.get(name="断电")
    water_step = case.steps.get(name="断水")
    workflow.confirm_step(power_step, by=area["users"]["power_officer"], done_on=TODAY)
    power_step.refresh_from_db()
    assert power_step.done_on == TODAY
    assert power_step.confirming_unit == area["orgs"]["power"]
    assert power_step.confirmed_by == area["users"]["power_officer"]
    with pytest.raises(Refused, match="“断水”应由水务或县整治办确认"):
        workflow.confirm_step(water_step, by=area["users"]["power_officer"], done_on=TODAY)
    water_step.refresh_from_db()
    assert water_step.done_on is None


def test_clerk_cannot_confirm_a_step_but_may_add_photos(area):
    case = in_progress_case(area)
    step = case.steps.first()
    with pytest.raises(Refused, match="不能确认该步骤"):
        workflow.confirm_step(step, by=area["users"]["clerk"], done_on=TODAY)
    workflow.add_step_photos(step, by=area["users"]["clerk"], photos=[photo()])
    assert step.photos.count() == 1


def test_step_date_in_the_future_is_refused(area):
    case = in_progress_case(area)
    step = case.steps.first()
    with pytest.raises(Refused, match="不能晚于今天"):
        workflow.confirm_step(
            step, by=area["users"]["county"], done_on=TODAY + datetime.timedelta(days=1)
        )
    step.refresh_from_db()
    assert step.done_on is None


def test_steps_cannot_be_confirmed_before_remediation_starts(area):
    case = determined_case(area)
    with pytest.raises(Refused, match="请先开始整治"):
        workflow.confirm_step(case.steps.first(), by=area["users"]["county"], done_on=TODAY)


def test_submit_is_refused_until_every_step_has_a_date_and_a_photo(area):
    case = in_progress_case(area)
    steps = list(case.steps.all())
    for step in steps[:-1]:
        workflow.confirm_step(step, by=area["users"]["county"], done_on=TODAY, photos=[photo()])
    workflow.confirm_step(steps[-1], by=area["users"]["county"], done_on=TODAY)  # no photo
    case.refresh_from_db()
    before = unchanged(case)
    with pytest.raises(Refused, match="恢复原状原貌（缺照片）"):
        workflow.submit_for_verification(case, by=area["users"]["clerk"])
    assert unchanged(case) == before
    workflow.add_step_photos(steps[-1], by=area["users"]["clerk"], photos=[photo()])
    case.refresh_from_db()
    workflow.submit_for_verification(case, by=area["users"]["clerk"])
    assert case.state == CaseState.AWAITING_VERIFICATION


def test_submit_names_steps_missing_their_date(area):
    case = in_progress_case(area)
    with pytest.raises(Refused, match="断水（缺完成日期、照片）"):
        workflow.submit_for_verification(case, by=area["users"]["clerk"])


# --- verification, closure ----------------------------------------------------------------


def test_county_closes_a_verified_case_and_schedules_look_back(area):
    case = awaiting_case(area)
    workflow.close_case(case, by=area["users"]["county"], note="验收合格")
    assert case.state == CaseState.CLOSED
    assert case.closed_on == TODAY
    assert case.look_back_due == TODAY + datetime.timedelta(days=case.campaign.look_back_after_days)
    assert case.events.last().action == "close"


@pytest.mark.parametrize("role", ["clerk", "officer", "leader", "head"])
def test_only_county_office_closes(area, role):
    case = awaiting_case(area)
    before = unchanged(case)
    with pytest.raises(Refused):
        workflow.close_case(case, by=area["users"][role])
    assert unchanged(case) == before


def test_county_of_another_area_cannot_close(area):
    case = awaiting_case(area)
    with pytest.raises(Refused, match="不在您的管辖范围内"):
        workflow.close_case(case, by=area["users"]["county_b"])


def test_in_progress_case_cannot_be_closed(area):
    case = in_progress_case(area)
    with pytest.raises(Refused, match="不能验收销号"):
        workflow.close_case(case, by=area["users"]["county"])


def test_failed_verification_returns_to_in_progress_with_a_new_deadline_kept(area):
    case = awaiting_case(area)
    old_deadline = case.deadline
    new_deadline = TODAY + datetime.timedelta(days=45)
    workflow.fail_verification(
        case,
        by=area["users"]["county"],
        new_deadline=new_deadline,
        note="设备未清除干净",
        failed_steps=case.steps.all()[:1],
    )
    assert case.state == CaseState.IN_PROGRESS
    assert case.deadline == new_deadline
    assert case.original_deadline == old_deadline
    extension = case.extensions.get()
    assert (extension.previous_deadline, extension.new_deadline) == (old_deadline, new_deadline)
    assert extension.approver == area["users"]["county"]
    assert "设备未清除干净" in extension.reason


@pytest.mark.parametrize(
    ("new_deadline", "note", "message"),
    [
        (TODAY + datetime.timedelta(days=5), "", "验收不通过的原因"),
        (TODAY, "不合格", "必须晚于今天"),
        (None, "不合格", "新的整治期限"),
    ],
)
def test_failed_verification_needs_reason_and_future_deadline(area, new_deadline, note, message):
    case = awaiting_case(area)
    before = unchanged(case)
    with pytest.raises(Refused, match=message):
        workflow.fail_verification(
            case,
            by=area["users"]["county"],
            new_deadline=new_deadline,
            note=note,
            failed_steps=case.steps.all()[:1],
        )
    assert unchanged(case) == before


def test_officer_cannot_fail_verification(area):
    case = awaiting_case(area)
    with pytest.raises(Refused, match="不能核查验收"):
        workflow.fail_verification(
            case,
            by=area["users"]["officer"],
            new_deadline=TODAY + datetime.timedelta(days=9),
            note="x",
        )


# --- look-back, shortfall, quasi ----------------------------------------------------------


class Inspection:
    """Stands in for an inspections.Inspection: any object with a pk and a str()."""

    pk = 77

    def __str__(self):
        return "2024-07-01 回头看 第3组"


def test_relapse_reopens_a_closed_case_flagged_with_the_inspection(area):
    case = closed_case(area)
    workflow.reopen_for_relapse(
        case, by=area["users"]["clerk"], note="已恢复生产", inspection=Inspection()
    )
    assert case.state == CaseState.IN_PROGRESS
    assert case.is_relapse
    assert case.closed_on is None
    assert case.deadline == add_working_days(TODAY, workflow.RELAPSE_DEADLINE_WORKING_DAYS)
    assert case.deadline_working_days == workflow.RELAPSE_DEADLINE_WORKING_DAYS
    event = case.events.last()
    assert (event.action, event.inspection_id, event.inspection_label) == (
        "reopen_relapse",
        77,
        "2024-07-01 回头看 第3组",
    )
    assert case.extensions.last().reason.startswith("回头看发现反弹")


def test_relapse_on_an_open_case_is_refused(area):
    case = in_progress_case(area)
    before = unchanged(case)
    with pytest.raises(Refused, match="只有已销号的案件"):
        workflow.reopen_for_relapse(case, by=area["users"]["county"], note="反弹")
    assert unchanged(case) == before


def test_relapse_needs_a_note(area):
    case = closed_case(area)
    with pytest.raises(Refused, match="反弹情况说明"):
        workflow.reopen_for_relapse(case, by=area["users"]["county"], note="")
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_shortfall_is_recorded_without_changing_state(area):
    case = in_progress_case(area)
    workflow.record_shortfall(
        case, by=area["users"]["officer"], note="原料未清", inspection=Inspection()
    )
    assert case.state == CaseState.IN_PROGRESS
    event = case.events.last()
    assert (event.action, event.from_state, event.to_state, event.inspection_id) == (
        "shortfall",
        "in_progress",
        "in_progress",
        77,
    )


def test_shortfall_on_a_closed_case_is_refused(area):
    case = closed_case(area)
    with pytest.raises(Refused, match="回头看中认定反弹"):
        workflow.record_shortfall(case, by=area["users"]["county"], note="x")


def test_quasi_flag_is_set_once_by_department_or_county(area):
    case = found_case(area)
    with pytest.raises(Refused, match="不能标记类散乱污"):
        workflow.flag_quasi(case, by=area["users"]["clerk"], note="原址重新注册")
    workflow.flag_quasi(case, by=area["users"]["officer"], note="原址重新注册")
    assert case.is_quasi
    with pytest.raises(Refused, match="已标记为类散乱污"):
        workflow.flag_quasi(case, by=area["users"]["county"], note="再次")


# --- extensions ---------------------------------------------------------------------------


def test_extension_approved_by_county_becomes_the_current_deadline(area):
    case = in_progress_case(area)
    first = case.deadline
    later = first + datetime.timedelta(days=20)
    latest = later + datetime.timedelta(days=10)
    for new_deadline, reason in [(later, "设备吊装"), (latest, "雨季")]:
        extend(case, area, reason=reason, new_deadline=new_deadline)
    assert case.deadline == latest
    assert list(case.extensions.values_list("previous_deadline", "new_deadline")) == [
        (first, later),
        (later, latest),
    ]


@pytest.mark.parametrize(
    "message, change",
    [
        ("须由县整治办", {"approver": "officer"}),
        ("批准人不管辖", {"approver": "county_b"}),
        ("必须晚于当前期限", {"days_later": 0}),
        ("请填写延期理由", {"reason": ""}),
    ],
)
def test_extension_needs_a_county_approver_a_later_date_and_a_reason(area, message, change):
    case = in_progress_case(area)
    before = unchanged(case)
    request = {"approver": "county", "days_later": 5, "reason": "r"} | change
    with pytest.raises(Refused, match=message):
        workflow.extend_deadline(
            case,
            by=area["users"]["clerk"],
            new_deadline=case.deadline + datetime.timedelta(days=request["days_later"]),
            reason=request["reason"],
            approver=area["users"][request["approver"]],
        )
    assert unchanged(case) == before


def test_closed_case_cannot_be_extended(area):
    case = closed_case(area)
    with pytest.raises(Refused, match="不能延长期限"):
        workflow.extend_deadline(
            case,
            by=area["users"]["county"],
            new_deadline=TODAY + datetime.timedelta(days=9),
            reason="r",
            approver=area["users"]["county"],
        )


# --- locking and the full path ------------------------------------------------------------


def test_stale_version_is_refused_and_changes_nothing(area):
    case = determined_case(area)
    stale = Case.objects.get(pk=case.pk)
    workflow.extend_deadline(
        case,
        by=area["users"]["county"],
        new_deadline=case.deadline + datetime.timedelta(days=3),
        reason="r",
        approver=area["users"]["county"],
    )
    before = unchanged(case)
    with pytest.raises(Refused, match="已被他人更新"):
        workflow.start_remediation(stale, by=area["users"]["clerk"])
    assert unchanged(case) == before


def test_every_transition_leaves_one_timeline_row_in_order(area):
    case = closed_case(area)
    workflow.reopen_for_relapse(case, by=area["users"]["county"], note="反弹")
    actions = list(case.events.values_list("action", flat=True))
    assert actions[:3] == ["propose", "determine", "start"]
    assert actions.count("confirm_step") == 6
    assert actions[-3:] == ["submit", "close", "reopen_relapse"]


def keys(transitions):
    return [transition.key for transition in transitions]


def test_available_transitions_follow_role_and_state(area):
    case = awaiting_case(area)
    assert set(keys(workflow.available_transitions(case, area["users"]["county"]))) >= {
        "close",
        "fail_verification",
        "extend",
    }
    assert "close" not in keys(workflow.available_transitions(case, area["users"]["clerk"]))
    assert workflow.available_transitions(case, area["users"]["leader"]) == []
    assert workflow.available_transitions(case, area["users"]["county_b"]) == []


def test_complete_all_steps_helper_leaves_every_step_dated(area):
    case = complete_all_steps(in_progress_case(area), area["users"]["county"])
    assert not case.steps.filter(done_on__isnull=True).exists()
    assert workflow.missing_evidence(case) == ([], 6)
