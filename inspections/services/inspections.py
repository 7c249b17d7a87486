"""Recording an inspection, with its team, photos, an optional new enterprise, and the effect
on the enterprise's case (回头看 反弹 → reopen; 整改未到位 → shortfall) in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Region
from accounts.refusals import Refused
from accounts.scoping import covers, ensure_in_area
from enterprises.risk import batched_recompute, recompute_on_commit

from ..models import (
    MAX_INSPECTION_PHOTOS,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    InspectionType,
    Team,
    TeamMember,
    TipState,
)
from ..recorded import inspection_recorded
from .common import (
    INSPECTOR_ROLES,
    SUPERVISOR_ROLES,
    acting_organisation,
    prepare_photos,
    require_role,
)


def _clean_names(names):
    seen = []
    for raw in names:
        name = (raw or "").strip()
        if name and name not in seen:
            seen.append(name)
    return seen


def create_team(*, by, name, out_on, member_users=(), member_names=()):
    """A team outing (执法组) of the user's organisation with at least one member."""
    require_role(by, INSPECTOR_ROLES, "您的角色只能查看，不能录入检查。")
    organisation = acting_organisation(by)
    name = (name or "").strip()
    if not name:
        raise Refused("请填写执法组名称，如“第一执法组”。", field="team_name")
    users = list(member_users)
    for user in users:
        if user.organisation_id is None or not covers(
            organisation.region.path, user.organisation.region.path
        ):
            raise Refused(f"“{user}”不是本单位辖区内的人员。", field="member_users")
    names = _clean_names([user.display_name for user in users] + list(member_names))
    if not names:
        raise Refused("执法组至少要有一名执法人员。", field="member_names")
    if any(len(name) > 40 for name in names):
        raise Refused("执法人员姓名不能超过 40 个字。", field="member_names")
    by_name = {user.display_name: user for user in users}
    with transaction.atomic():
        team = Team.objects.create(
            name=name,
            organisation=organisation,
            out_on=out_on,
            created_by=by,
            member_count=len(names),
        )
        TeamMember.objects.bulk_create(
            TeamMember(team=team, user=by_name.get(person), name=person) for person in names
        )
    return team


def _check_target(by, enterprise, township, place):
    if enterprise is not None:
        ensure_in_area(by, enterprise.region_path)
        return enterprise.township
    if township is None:
        raise Refused("请选择被检查的企业，或填写检查地点并选择所在乡镇。", field="enterprise")
    if township.level != Region.Level.TOWNSHIP:
        raise Refused("所在乡镇必须是乡镇（街道、农场）一级的区域。", field="township")
    ensure_in_area(by, township.path)
    if not (place or "").strip():
        raise Refused("没有对应台账企业时，请填写检查地点。", field="place")
    return township


def _check_rules(
    by, *, inspection_type, result, inspected_on, team, enterprise, tip, spot_check_round
):
    if inspected_on > timezone.localdate():
        raise Refused("检查日期不能晚于今天。", field="inspected_on")
    if team.out_on != inspected_on:
        raise Refused(
            f"执法组“{team.name}”的出动日期是 {team.out_on}，与检查日期不一致。", field="team"
        )
    if team.organisation_id != by.organisation_id:
        raise Refused("只能选择本单位出动的执法组。", field="team")
    if inspection_type == InspectionType.SPOT_CHECK:
        require_role(by, SUPERVISOR_ROLES, "督导抽查由县、市整治办组织，您的角色不能录入督导抽查。")
    if (inspection_type == InspectionType.TIP_VERIFICATION) != (tip is not None):
        raise Refused("举报核查必须对应一条举报；其他类型的检查不能关联举报。", field="tip")
    if spot_check_round is not None:
        if inspection_type != InspectionType.SPOT_CHECK:
            raise Refused("只有督导抽查可以归入抽查轮次。", field="spot_check_round")
        if not spot_check_round.period_start <= inspected_on <= spot_check_round.period_end:
            raise Refused("检查日期不在该抽查轮次的时间范围内。", field="inspected_on")
        if enterprise is not None and not covers(
            spot_check_round.region_path, enterprise.region_path
        ):
            raise Refused("该企业不在本轮抽查的县（区）内。", field="enterprise")
    if result in (InspectionResult.RELAPSE, InspectionResult.SHORTFALL) and enterprise is None:
        raise Refused("认定“反弹”或“整改未到位”必须选择台账企业。", field="enterprise")


def _apply_to_case(by, inspection):
    """反弹 reopens the closed case, 整改未到位 records against the open one — through the
    rectification workflow, which may refuse (Refused → the whole save rolls back)."""
    from rectification import workflow
    from rectification.models import CaseState

    cases = inspection.enterprise.cases.select_for_update().order_by("-found_on", "-id")
    note = inspection.findings or inspection.get_result_display()
    if inspection.result == InspectionResult.RELAPSE:
        case = cases.filter(state=CaseState.CLOSED).first()
        if case is None:
            raise Refused(
                "该企业没有已销号的整治案件，不能认定为“反弹”；如是新发现问题，请选择“新发现”。",
                field="result",
            )
        try:
            workflow.reopen_for_relapse(case, by=by, note=note, inspection=inspection)
        except Refused as refusal:
            raise Refused(str(refusal), field="result") from refusal
    else:
        case = cases.exclude(state=CaseState.CLOSED).first()
        if case is None:
            raise Refused("该企业没有正在整治的案件，不能认定为“整改未到位”。", field="result")
        try:
            workflow.record_shortfall(case, by=by, note=note, inspection=inspection)
        except Refused as refusal:
            raise Refused(str(refusal), field="result") from refusal


def record_inspection(
    *,
    by,
    inspection_type,
    inspected_on,
    result,
    team=None,
    new_team=None,
    enterprise=None,
    new_enterprise=None,
    township=None,
    place="",
    findings="",
    tip=None,
    spot_check_round=None,
    latitude=None,
    longitude=None,
    photos=(),
):
    """Save one inspection. `team` is an existing Team, or `new_team` a dict for create_team
    (name, member_users, member_names). `new_enterprise` is the data for
    enterprises.services.create_enterprise: a new find goes on the ledger in the same step.
    Everything — team, enterprise, inspection, photos, the case transition and the tip —
    is written in one transaction; any refusal leaves nothing behind."""
    require_role(by, INSPECTOR_ROLES, "您的角色只能查看，不能录入检查。")
    organisation = acting_organisation(by)
    if isinstance(inspected_on, datetime.datetime):
        inspected_on = inspected_on.date()
    if (team is None) == (new_team is None):
        raise Refused("请选择已出动的执法组，或新建一个执法组。", field="team")
    if new_enterprise is not None:
        if enterprise is not None:
            raise Refused("选择了台账企业时不能同时新建企业。", field="enterprise")
        if result != InspectionResult.NEW_FIND:
            raise Refused("新录入台账的企业，检查结果应为“新发现”。", field="result")
    photos = prepare_photos(
        photos,
        limit=MAX_INSPECTION_PHOTOS,
        too_many=f"每次最多上传 {MAX_INSPECTION_PHOTOS} 张照片。",
    )
    if latitude is None and longitude is None:
        # No point typed in: the first photo the phone located on site stands for the record.
        located = next((photo.facts for photo in photos if photo.facts.latitude is not None), None)
        if located is not None:
            latitude, longitude = located.latitude, located.longitude

    with transaction.atomic():
        if tip is not None:
            tip = type(tip).objects.select_for_update().get(pk=tip.pk)
            _check_tip_handler(by, tip)
        if new_enterprise is not None:
            enterprise = _create_enterprise(by, new_enterprise, inspection_type, inspected_on)
        township = _check_target(by, enterprise, township, place)
        if team is None:
            team = create_team(by=by, out_on=inspected_on, **new_team)
        _check_rules(
            by,
            inspection_type=inspection_type,
            result=result,
            inspected_on=inspected_on,
            team=team,
            enterprise=enterprise,
            tip=tip,
            spot_check_round=spot_check_round,
        )
        inspection = Inspection(
            inspection_type=inspection_type,
            inspected_on=inspected_on,
            organisation=organisation,
            team=team,
            enterprise=enterprise,
            township=township,
            place=(place or "").strip(),
            findings=(findings or "").strip(),
            result=result,
            tip=tip,
            spot_check_round=spot_check_round,
            latitude=latitude,
            longitude=longitude,
            created_by=by,
        )
        try:
            inspection.full_clean(exclude=["created_by", "region_path"])
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise Refused(messages[0], field=field) from error
        inspection.save()
        # The case's reopening, the tip, a power alert resolved and the inspection itself each
        # change the enterprise's 风险画像: one recompute after commit for all of them.
        with batched_recompute():
            if result in (InspectionResult.RELAPSE, InspectionResult.SHORTFALL):
                _apply_to_case(by, inspection)
            if tip is not None:
                from .tips import mark_tip_verified

                mark_tip_verified(tip, by=by, inspection=inspection)
            inspection_recorded(inspection, by)
            recompute_on_commit([inspection.enterprise_id])
        # Photos last: a refusal above must not leave files behind in storage.
        for photo in photos:
            InspectionPhoto.objects.create(
                inspection=inspection, image=photo, uploaded_by=by, **photo.facts.fields()
            )
    return inspection


def _check_tip_handler(by, tip):
    if tip.state not in (TipState.ASSIGNED, TipState.VERIFIED):
        raise Refused(
            f"举报 {tip.receipt_number} 当前为“{tip.get_state_display()}”，不能录入核查。",
            field="tip",
        )
    if not tip.contact_visible_to(by) and not by.is_superuser:
        raise Refused("只有承办单位或县整治办可以录入该举报的核查。", field="tip")


def _create_enterprise(by, data, inspection_type, inspected_on):
    from enterprises.models import Source
    from enterprises.services import Refused, create_enterprise

    data = dict(data)
    # The inspection supplies what the ledger row would otherwise ask for again.
    data["reported_on"] = data.get("reported_on") or inspected_on
    data["source"] = data.get("source") or (
        {
            InspectionType.TIP_VERIFICATION: Source.TIP,
            InspectionType.SPOT_CHECK: Source.SPOT_CHECK,
            InspectionType.LOOK_BACK: Source.LOOK_BACK,
        }.get(inspection_type, Source.SWEEP)
    )
    confirm_similar = data.pop("confirm_similar", False)
    try:
        return create_enterprise(data, by=by, confirm_similar=confirm_similar)
    except Refused as refusal:
        raise Refused(refusal.message, field=f"enterprise:{refusal.field or ''}") from refusal
    except ValidationError as error:
        field, messages = (
            next(iter(error.message_dict.items()))
            if hasattr(error, "error_dict")
            else (None, error.messages)
        )
        raise Refused(messages[0], field=f"enterprise:{field or ''}") from error
