"""Recording inspections through the service: teams and members, new finds on the ledger in the
same step, photos, and the effect on cases (回头看 反弹 reopens; 整改未到位 records) — every
refusal leaves nothing behind."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from accounts.refusals import Refused
from enterprises.models import Enterprise, EnterpriseType
from inspections.models import Inspection, InspectionPhoto, InspectionResult, InspectionType, Team
from inspections.services import record_inspection
from rectification.models import CaseEvent, CaseState
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import (
    TeamFactory,
    fake_image_upload,
    image_upload,
)
from tests.factories.rectification import closed_case, in_progress_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def new_team(*names, name="第一执法组"):
    return {"name": name, "member_users": [], "member_names": list(names) or ["张三"]}


def record(by, **fields):
    """record_inspection as a patrol today that found no problem, by a new team of 张三 unless
    the test says otherwise."""
    defaults = {
        "inspection_type": InspectionType.PATROL,
        "inspected_on": TODAY(),
        "result": InspectionResult.NO_PROBLEM,
    }
    if "team" not in fields:
        defaults["new_team"] = new_team("张三")
    return record_inspection(by=by, **defaults | fields)


def a_warehouse(area):
    """Where an inspection without an enterprise takes place: a warehouse in 甲一镇."""
    return {"township": area["township_a1"], "place": "某仓库"}


def record_new_find(area, by, enterprise, **fields):
    """A sweep (排查) that finds a small scattered enterprise in 甲一镇, without permits, that is
    not on the ledger; `enterprise` holds its name and what else the test sets."""
    return record(
        by=by,
        inspection_type=InspectionType.SWEEP,
        result=InspectionResult.NEW_FIND,
        new_enterprise={
            "township": area["township_a1"],
            "enterprise_type": EnterpriseType.SMALL_SCATTERED,
            "permits": {},
            **enterprise,
        },
        **fields,
    )


def record_relapse(case, by, **fields):
    """A 回头看 that finds the enterprise of `case` has relapsed (反弹)."""
    return record(
        by=by,
        inspection_type=InspectionType.LOOK_BACK,
        result=InspectionResult.RELAPSE,
        enterprise=case.enterprise,
        **fields,
    )


def counts():
    return Inspection.objects.count(), Team.objects.count(), Enterprise.objects.count()


def test_clerk_records_a_patrol_with_a_new_team_and_every_member_is_a_row(area):
    clerk = area["users"]["clerk"]
    enterprise = EnterpriseFactory(township=area["township_a1"])
    inspection = record(
        by=clerk,
        enterprise=enterprise,
        new_team={
            "name": "第一执法组",
            "member_users": [clerk],
            "member_names": ["李警官", "王电工"],
        },
        findings="已停产，设备已拆除。",
    )
    assert inspection.region_path == enterprise.region_path
    assert inspection.organisation == area["orgs"]["township_a1"]
    assert inspection.township == area["township_a1"]
    assert sorted(inspection.team.members.values_list("name", flat=True)) == sorted(
        [clerk.display_name, "李警官", "王电工"]
    )
    assert inspection.team.members.get(user=clerk).name == clerk.display_name


def test_a_second_inspection_reuses_the_same_team_outing(area):
    clerk = area["users"]["clerk"]
    team = TeamFactory(organisation=area["orgs"]["township_a1"], out_on=TODAY())
    for _ in range(2):
        record(
            by=clerk,
            inspection_type=InspectionType.SWEEP,
            team=team,
            township=area["township_a1"],
            place="甲一村北仓库",
        )
    assert Team.objects.count() == 1
    assert team.inspections.count() == 2


def test_new_find_puts_the_enterprise_on_the_ledger_in_the_same_step(area):
    clerk = area["users"]["clerk"]
    inspection = record_new_find(
        area,
        clerk,
        {"name": "甲一村无名喷漆作坊", "address": "甲一村东"},
        findings="露天喷漆，无任何手续。",
    )
    enterprise = inspection.enterprise
    assert enterprise.name == "甲一村无名喷漆作坊"
    assert enterprise.reported_on == TODAY()
    assert enterprise.created_by == clerk
    assert enterprise.source == "sweep"


def test_new_find_refused_by_the_ledger_saves_nothing(area):
    clerk = area["users"]["clerk"]
    EnterpriseFactory(township=area["township_a1"], credit_code="91110000100000000B")
    before = counts()
    existing_code = Enterprise.objects.get().credit_code
    with pytest.raises(Refused) as refusal:
        record_new_find(
            area, clerk, {"name": "另一个名字完全不同的厂", "credit_code": existing_code}
        )
    assert "统一社会信用代码" in refusal.value.message
    assert counts() == before


def test_look_back_finding_relapse_reopens_the_closed_case_flagged(area):
    case = closed_case(area)
    clerk = area["users"]["clerk"]
    inspection = record_relapse(case, by=clerk, findings="夜间偷偷恢复生产，死灰复燃。")
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS
    assert case.is_relapse
    event = case.events.get(action=CaseEvent.Action.REOPEN_RELAPSE)
    assert event.inspection_id == inspection.pk
    assert "死灰复燃" in event.comment


def test_relapse_without_a_closed_case_is_refused_and_nothing_is_saved(area):
    case = in_progress_case(area)
    before = counts()
    with pytest.raises(Refused) as refusal:
        record_relapse(case, by=area["users"]["clerk"], findings="疑似反弹")
    assert "已销号" in refusal.value.message
    assert counts() == before
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS and not case.is_relapse


def test_workflow_refusal_rolls_back_the_inspection(area):
    """When the rectification workflow itself refuses, the inspection is not saved either."""
    case = closed_case(area)
    # The case (not the enterprise) sits in another township: the workflow's own area check fails.
    type(case).objects.filter(pk=case.pk).update(region_path=area["township_b1"].path)
    before = counts()
    with pytest.raises(Refused) as refusal:
        record_relapse(case, by=area["users"]["clerk"], findings="恢复生产")
    assert "管辖范围" in refusal.value.message
    assert counts() == before


def test_shortfall_on_a_case_in_progress_records_against_it(area):
    case = in_progress_case(area)
    inspection = record(
        by=area["users"]["county"],
        inspection_type=InspectionType.SPOT_CHECK,
        result=InspectionResult.SHORTFALL,
        enterprise=case.enterprise,
        new_team=new_team("周丽"),
        findings="治污设施未安装。",
    )
    event = case.events.get(action=CaseEvent.Action.SHORTFALL)
    assert event.inspection_id == inspection.pk
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS


def test_shortfall_without_an_open_case_is_refused(area):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    with pytest.raises(Refused) as refusal:
        record(
            by=area["users"]["clerk"],
            result=InspectionResult.SHORTFALL,
            enterprise=enterprise,
        )
    assert "正在整治的案件" in refusal.value.message
    assert not Inspection.objects.exists()


def test_photos_are_stored_with_the_inspection(area):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    inspection = record(
        by=area["users"]["clerk"],
        enterprise=enterprise,
        photos=[image_upload(), image_upload("门口.png", "PNG")],
    )
    names = [photo.image.name for photo in inspection.photos.all()]
    assert len(names) == 2
    assert all(name.startswith("inspections/") for name in names)
    assert names[1].endswith(".png")


def test_a_file_that_is_not_an_image_is_refused_and_nothing_saved(area):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    with pytest.raises(Refused) as refusal:
        record(
            by=area["users"]["clerk"],
            enterprise=enterprise,
            photos=[image_upload(), fake_image_upload()],
        )
    assert "不是有效的图片" in refusal.value.message
    assert not Inspection.objects.exists() and not InspectionPhoto.objects.exists()
    assert not Team.objects.exists()


def test_clerk_cannot_record_an_inspection_in_another_township(area):
    enterprise = EnterpriseFactory(township=area["township_a2"])
    with pytest.raises(Http404):
        record(
            by=area["users"]["clerk"],
            enterprise=enterprise,
        )
    assert not Inspection.objects.exists()


def test_bureau_leader_is_read_only(area):
    with pytest.raises(PermissionDenied):
        record(by=area["users"]["leader"], **a_warehouse(area), new_team=new_team("孙涛"))


def test_township_clerk_cannot_record_a_supervisory_spot_check(area):
    with pytest.raises(PermissionDenied) as refusal:
        record(
            by=area["users"]["clerk"],
            inspection_type=InspectionType.SPOT_CHECK,
            **a_warehouse(area),
        )
    assert "督导抽查" in str(refusal.value)
    assert not Team.objects.exists()


def test_team_must_have_gone_out_on_the_inspection_day(area):
    team = TeamFactory(
        organisation=area["orgs"]["township_a1"], out_on=TODAY() - datetime.timedelta(days=3)
    )
    with pytest.raises(Refused) as refusal:
        record(by=area["users"]["clerk"], **a_warehouse(area), team=team)
    assert refusal.value.field == "team"


def test_team_of_another_organisation_cannot_be_used(area):
    team = TeamFactory(organisation=area["orgs"]["township_a2"], out_on=TODAY())
    with pytest.raises(Refused) as refusal:
        record(by=area["users"]["clerk"], **a_warehouse(area), team=team)
    assert "本单位" in refusal.value.message


def test_an_inspection_in_the_future_is_refused(area):
    with pytest.raises(Refused) as refusal:
        record(
            by=area["users"]["clerk"],
            inspected_on=TODAY() + datetime.timedelta(days=1),
            **a_warehouse(area),
        )
    assert "不能晚于今天" in refusal.value.message
    assert not Team.objects.exists()


def test_a_place_without_enterprise_needs_the_place_written(area):
    with pytest.raises(Refused) as refusal:
        record(
            by=area["users"]["clerk"],
            inspection_type=InspectionType.SWEEP,
            township=area["township_a1"],
        )
    assert refusal.value.field == "place"


def test_a_refused_inspection_leaves_no_photo_files_behind(area, stored_names):
    case = in_progress_case(area)
    with pytest.raises(Refused):
        record_relapse(
            case, by=area["users"]["clerk"], findings="疑似反弹", photos=[image_upload()]
        )
    assert [name for name in stored_names() if name.startswith("inspections/")] == []
