"""The life of a tip: filed (public page or staff intake) → assigned by the county office →
verified by a 举报核查 inspection → outcome published. One function per step, each writing
its TipEvent in the same transaction."""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.deadlines import resolve_deadline
from accounts.models import Organisation, Region
from accounts.refusals import Refused
from accounts.scoping import ensure_in_area
from accounts.side_effects import after_commit
from notices.notifications import notify_once

from ..models import MAX_TIP_PHOTOS, Tip, TipChannel, TipEvent, TipPhoto, TipState
from .common import (
    TIP_INTAKE_ROLES,
    TIP_OFFICE_ROLES,
    prepare_photos,
    require_role,
)

# No 0/O, 1/I/L: a receipt number read out on the phone must not be misheard.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_RANDOM_LENGTH = 8  # 31^8 ≈ 8.5e11 per day: not guessable within the lookup throttle


def new_receipt_number(today=None):
    today = today or timezone.localdate()
    tail = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_RANDOM_LENGTH))
    return f"JB{today:%Y%m%d}{tail}"


def file_tip(
    *,
    channel,
    content,
    place,
    county,
    township=None,
    happened_when="",
    reporter_name="",
    reporter_contact="",
    reward=False,
    photos=(),
    by=None,
    received_at=None,
    client_key="",
):
    """Take a tip in. `by` is None for the public page (channel must be 网上举报); staff intake
    records the channel (12369, phone, letter, visit) and who took it in."""
    if by is None:
        if channel != TipChannel.ONLINE:
            raise Refused("网上提交的举报渠道只能是“网上举报”。", field="channel")
    else:
        require_role(by, TIP_INTAKE_ROLES, "您的角色不能登记举报。")
        ensure_in_area(by, county.path)
    if county is None or county.level != Region.Level.COUNTY:
        raise Refused("请选择举报地点所在的县（区）。", field="county")
    if township is not None and township.parent_id != county.pk:
        raise Refused(f"{township.name}不属于{county.name}。", field="township")
    content = (content or "").strip()
    place = (place or "").strip()
    if len(content) < 5:
        raise Refused("请写明举报内容（至少 5 个字）。", field="content")
    if not place:
        raise Refused("请写明地点，便于核查人员找到现场。", field="place")
    if reward and not (reporter_contact or "").strip():
        raise Refused("申请有奖举报需要留下联系方式，以便兑现奖励。", field="reporter_contact")
    photos = prepare_photos(
        photos, limit=MAX_TIP_PHOTOS, too_many=f"最多上传 {MAX_TIP_PHOTOS} 张照片。"
    )
    tip = Tip(
        channel=channel,
        received_at=received_at or timezone.now(),
        content=content,
        place=place,
        happened_when=(happened_when or "").strip(),
        county=county,
        township=township,
        reporter_name=(reporter_name or "").strip(),
        reporter_contact=(reporter_contact or "").strip(),
        reward=bool(reward),
        created_by=by,
        client_key=client_key if by is None else "",
    )
    try:
        tip.full_clean(exclude=["receipt_number", "region_path", "created_by"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise Refused(messages[0], field=field) from error
    for _attempt in range(5):
        tip.receipt_number = new_receipt_number()
        try:
            with transaction.atomic():
                tip.save()
                for photo in photos:
                    TipPhoto.objects.create(tip=tip, image=photo)
                TipEvent.objects.create(
                    tip=tip, action=TipEvent.Action.RECEIVED, by=by, note=tip.get_channel_display()
                )
            return tip
        except IntegrityError:  # a receipt number collision: draw again
            tip.pk = None
    raise Refused("系统繁忙，请稍后再提交。")


def _locked(tip):
    return Tip.objects.select_for_update().select_related("county").get(pk=tip.pk)


def _check_county_office(by, tip):
    require_role(by, TIP_OFFICE_ROLES, "只有县整治办可以交办举报和公开处理结果。")
    ensure_in_area(by, tip.region_path)
    if not by.is_superuser and by.organisation.region_id != tip.county_id:
        raise Refused("只有举报所在县（区）的整治办可以办理。")


# A tip must be verified within this many working days of its assignment unless the county
# office sets another time limit.
VERIFY_WITHIN_WORKING_DAYS = 5


def assign_tip(tip, *, by, organisation, note="", verify_due=None, working_days=None):
    """The county office sends the tip to a township government or a department of the county,
    with the time limit for its verification (核查期限): a date, or N working days from today on
    the calendar (default VERIFY_WITHIN_WORKING_DAYS)."""
    if verify_due is None and working_days is None:
        working_days = VERIFY_WITHIN_WORKING_DAYS
    today = timezone.localdate()
    verify_due, working_days = resolve_deadline(
        deadline=verify_due,
        working_days=working_days,
        start=today,
        label="核查期限",
        field="verify_due",
    )
    if verify_due < today:
        raise Refused("核查期限不能早于今天。", field="verify_due")
    with transaction.atomic():
        tip = _locked(tip)
        _check_county_office(by, tip)
        if tip.state not in (TipState.RECEIVED, TipState.ASSIGNED):
            raise Refused(f"举报已{tip.get_state_display()}，不能再交办。")
        kinds = (Organisation.Kind.TOWNSHIP_GOVERNMENT, Organisation.Kind.COUNTY_DEPARTMENT)
        region = organisation.region
        in_county = region.pk == tip.county_id or region.parent_id == tip.county_id
        if organisation.kind not in kinds or not in_county:
            raise Refused("请交办给本县的乡镇（街道、农场）政府或县直部门。", field="organisation")
        if organisation.kind == Organisation.Kind.TOWNSHIP_GOVERNMENT:
            if tip.township_id and tip.township_id != region.pk:
                raise Refused(
                    f"举报地点在{tip.township.name}，不能交办给{organisation.name}。",
                    field="organisation",
                )
            tip.township = region
        tip.assigned_organisation = organisation
        tip.assigned_at = timezone.now()
        tip.verify_due = verify_due
        tip.verify_working_days = working_days
        tip.state = TipState.ASSIGNED
        tip.save()
        TipEvent.objects.create(
            tip=tip,
            action=TipEvent.Action.ASSIGNED,
            by=by,
            note=f"交办{organisation.name}，核查期限 {tip.verify_due_display}。"
            f"{(note or '').strip()}".strip(),
        )
    after_commit(lambda: _notify_assignment(tip), f"tip {tip.pk} assigned notice")
    return tip


def _notify_assignment(tip):
    """Tell the assigned organisation's people, once per assignment (after it commits: a
    failing notice never undoes the assignment)."""
    recipients = list(tip.assigned_organisation.members.filter(is_active=True))
    if recipients:
        notify_once(
            f"tip-assigned:{tip.pk}:{tip.assigned_organisation_id}:{tip.assigned_at:%Y%m%d%H%M%S}",
            "tip_assigned",
            timezone.localdate(),
            recipients,
            f"举报 {tip.receipt_number} 已交办，请核查",
            tip.place,
            f"/inspections/tips/{tip.pk}/",
        )


def mark_tip_verified(tip, *, by, inspection):
    """Called by record_inspection (inside its transaction) for a 举报核查 inspection."""
    tip.state = TipState.VERIFIED
    tip.verified_at = timezone.now()
    if inspection.enterprise_id and tip.enterprise_id is None:
        tip.enterprise = inspection.enterprise
    tip.save()
    TipEvent.objects.create(
        tip=tip,
        action=TipEvent.Action.VERIFIED,
        by=by,
        note=f"{inspection.get_result_display()}：{inspection.findings}".rstrip("："),
    )
    return tip


def publish_tip_outcome(tip, *, by, outcome, reward=None):
    """公开处理结果: the county office publishes what was found and done."""
    outcome = (outcome or "").strip()
    with transaction.atomic():
        tip = _locked(tip)
        _check_county_office(by, tip)
        if tip.state not in (TipState.VERIFIED, TipState.PUBLISHED):
            raise Refused("举报还没有核查结果，核查后才能公开处理结果。")
        if len(outcome) < 5:
            raise Refused("请填写处理结果（至少 5 个字）。", field="outcome")
        tip.outcome = outcome
        if reward is not None:
            tip.reward = bool(reward)
        tip.state = TipState.PUBLISHED
        tip.published_at = timezone.now()
        tip.save()
        TipEvent.objects.create(tip=tip, action=TipEvent.Action.PUBLISHED, by=by, note=outcome)
    return tip
