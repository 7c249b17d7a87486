"""Transferring a problem to a township (移交) and confirming it done (完成情况 with date)."""

from django.db import transaction
from django.utils import timezone

from accounts.refusals import Refused
from accounts.scoping import ensure_in_area

from ..models import SupervisionTransfer
from ..models.supervision import STATUS_FLOW
from .common import (
    SUPERVISOR_ROLES,
    TRANSFER_PROGRESS_ROLES,
    acting_organisation,
    require_role,
)


def transfer_problem(
    *,
    by,
    enterprise,
    requirement,
    problem,
    transferred_on=None,
    responsible_person="",
    inspection=None,
):
    require_role(by, SUPERVISOR_ROLES, "只有县、市整治办可以移交督查发现的问题。")
    organisation = acting_organisation(by)
    ensure_in_area(by, enterprise.region_path)
    transferred_on = transferred_on or timezone.localdate()
    if transferred_on > timezone.localdate():
        raise Refused("移交日期不能晚于今天。", field="transferred_on")
    if requirement not in STATUS_FLOW:
        raise Refused("请选择整治要求：补办手续、整改完善或限期拆除。", field="requirement")
    problem = (problem or "").strip()
    if not problem:
        raise Refused("请写明督查发现的问题。", field="problem")
    responsible_person = (responsible_person or enterprise.responsible_person or "").strip()
    if not responsible_person:
        raise Refused("请填写分包责任人。", field="responsible_person")
    if inspection is not None and inspection.enterprise_id != enterprise.pk:
        raise Refused("所选检查记录不是对该企业的检查。", field="inspection")
    with transaction.atomic():
        return SupervisionTransfer.objects.create(
            enterprise=enterprise,
            township=enterprise.township,
            problem=problem,
            requirement=requirement,
            transferred_on=transferred_on,
            found_by=organisation,
            inspection=inspection,
            responsible_person=responsible_person,
            status=STATUS_FLOW[requirement][0],
            created_by=by,
        )


def complete_transfer(transfer, *, by, completed_on, note=""):
    """The township reports the problem resolved: 手续补办到位 / 整改到位 / 拆除到位, with the date."""
    require_role(by, TRANSFER_PROGRESS_ROLES, "您的角色不能确认移交问题的完成情况。")
    with transaction.atomic():
        locked = SupervisionTransfer.objects.select_for_update().get(pk=transfer.pk)
        ensure_in_area(by, locked.region_path)
        if locked.is_done:
            raise Refused(f"该问题已于 {locked.completed_on} 完成，不能重复确认。")
        if completed_on is None:
            raise Refused("请填写完成日期。", field="completed_on")
        if completed_on < locked.transferred_on:
            raise Refused("完成日期不能早于移交日期。", field="completed_on")
        if completed_on > timezone.localdate():
            raise Refused("完成日期不能晚于今天。", field="completed_on")
        locked.status = STATUS_FLOW[locked.requirement][1]
        locked.completed_on = completed_on
        locked.completion_note = (note or "").strip()
        locked.completed_by = by
        locked.save()
    return locked
