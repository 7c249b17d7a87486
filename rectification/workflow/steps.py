"""The things a case carries out and proves: planning its steps when it is determined
(checklist, milestones or relocation steps), confirming a step by its department, evidence
photos, and the completeness check that gates verification."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Organisation, Role
from accounts.paths import ancestor_paths
from accounts.refusals import Refused
from accounts.uploads import prepare_photo

from ..models import Case, CaseEvent, CaseState, CaseStep, Disposal, EvidencePhoto, Requirement
from .rules import (
    can_add_photos,
    can_confirm_step,
    check_area,
    check_state,
    record,
    save,
    today,
)

# Milestones of 升级改造 (seed 001: 补办手续, 污染治理设施, 稳定达标排放) and the steps of
# 集聚搬迁 (搬迁入园, then 原有厂区拆迁和场地修复), with the department that confirms each.
D = Organisation.Department
UPGRADE_MILESTONES = {
    Requirement.OBTAIN_PERMITS: [("补办审批手续", ""), ("监测达标", D.ECOLOGY_ENVIRONMENT)],
    Requirement.IMPROVE: [
        ("安装污染治理设施", D.ECOLOGY_ENVIRONMENT),
        ("监测达标", D.ECOLOGY_ENVIRONMENT),
    ],
    "": [
        ("补办审批手续", ""),
        ("安装污染治理设施", D.ECOLOGY_ENVIRONMENT),
        ("监测达标", D.ECOLOGY_ENVIRONMENT),
    ],
}
RELOCATION_STEPS = [
    ("搬迁入园", D.INDUSTRY),
    ("拆除原厂房", D.HOUSING),
    ("原址场地恢复", D.NATURAL_RESOURCES),
]


def confirming_units(case, departments):
    """The county (or city) department organisation for each department, nearest first."""
    ancestors = ancestor_paths(case.region_path)
    units = {}
    for organisation in (
        Organisation.objects.filter(department__in=departments, region__path__in=ancestors)
        .exclude(kind=Organisation.Kind.TOWNSHIP_GOVERNMENT)
        .select_related("region")
        .order_by("-region__level", "id")
    ):
        units.setdefault(organisation.department, organisation)
    return units


def step_plan(case, checklist_steps):
    """(kind, name, confirming department, deadline) of each step a determined case goes
    through: the campaign's checklist (关停取缔), the milestones (升级改造) or the relocation
    steps (集聚搬迁)."""
    if case.disposal == Disposal.SHUTDOWN:
        return [
            (CaseStep.Kind.CLOSURE_STEP, step.name, step.default_department, None)
            for step in checklist_steps
        ]
    if case.disposal == Disposal.UPGRADE:
        return [
            (CaseStep.Kind.MILESTONE, name, department, case.deadline)
            for name, department in UPGRADE_MILESTONES[case.requirement or ""]
        ]
    return [
        (
            CaseStep.Kind.RELOCATION_STEP,
            name,
            department,
            case.relocation_deadline if index == 0 else case.deadline,
        )
        for index, (name, department) in enumerate(RELOCATION_STEPS)
    ]


def build_steps(case, checklist_steps, units):
    """Unsaved CaseStep rows for a determined case (see step_plan). `units` maps department →
    unit."""
    return [
        CaseStep(
            case=case,
            kind=kind,
            order=index,
            name=name,
            confirming_department=department,
            confirming_unit=units.get(department),
            deadline=deadline,
        )
        for index, (kind, name, department, deadline) in enumerate(
            step_plan(case, checklist_steps), start=1
        )
    ]


def plan_steps(case):
    checklist_steps = list(case.campaign.closure_checklist.steps.all())
    departments = {step.default_department for step in checklist_steps} | {
        department for _, department in RELOCATION_STEPS
    }
    departments |= {department for plan in UPGRADE_MILESTONES.values() for _, department in plan}
    units = confirming_units(case, {department for department in departments if department})
    CaseStep.objects.bulk_create(build_steps(case, checklist_steps, units))


def missing_evidence(case):
    """Names of steps still lacking a done date or a photo, e.g. ["断水（缺完成日期）"], and
    the number of steps. A step whose proof is the historical ledger (按台账建档) needs no
    photo."""
    missing, returned, count = evidence_gaps(case)
    return missing + returned, count


def evidence_gaps(case):
    """missing_evidence, with the steps a failed verification returned (not yet redone with a
    new date and a photo uploaded after the failure) listed apart."""
    missing, returned = [], []
    steps = case.steps.annotate(
        photo_count=Count("photos", filter=Q(photos__superseded=False))
    ).order_by("order", "id")
    for step in steps:
        lacks = []
        if step.done_on is None:
            lacks.append("完成日期")
        if step.photo_count == 0 and not step.evidence_in_ledger:
            lacks.append("新照片" if step.returned_at else "照片")
        if lacks:
            (returned if step.returned_at else missing).append(
                f"{step.name}（缺{'、'.join(lacks)}）"
            )
    return missing, returned, len(steps)


def check_evidence_complete(case):
    missing, returned, count = evidence_gaps(case)
    if count == 0:
        raise Refused("该案件还没有整治步骤，不能提请验收。")
    sentences = []
    if returned:
        sentences.append(
            "以下步骤验收未通过，须重新完成并上传退回后拍摄的新照片：" + "；".join(returned) + "。"
        )
    if missing:
        sentences.append("以下步骤尚未完成或缺少佐证照片：" + "；".join(missing) + "。")
    if sentences:
        raise Refused("".join(sentences))


def return_steps(case, failed_steps):
    """验收不通过 names these steps: each goes back to 未完成 (its date and confirmer kept as
    上次提交, its photos kept as history) and must be redone with new evidence."""
    ids = {getattr(step, "pk", step) for step in failed_steps or ()}
    if not ids:
        raise Refused("请勾选验收未通过的步骤（至少一项）。", field="failed_steps")
    steps = list(case.steps.filter(pk__in=ids).order_by("order", "id"))
    if len(steps) != len(ids):
        raise Refused("所选步骤不属于该案件。", field="failed_steps")
    now = timezone.now()
    for step in steps:
        if step.done_on is not None:
            step.previous_done_on = step.done_on
            step.previous_confirming_person = step.confirming_person
        step.done_on = None
        step.confirming_person = ""
        step.confirmed_by = None
        step.evidence_in_ledger = False
        step.returned_at = now
        step.save(
            update_fields=[
                "previous_done_on",
                "previous_confirming_person",
                "done_on",
                "confirming_person",
                "confirmed_by",
                "evidence_in_ledger",
                "returned_at",
            ]
        )
    EvidencePhoto.objects.filter(step__in=steps).update(superseded=True)
    return steps


# --- steps and evidence --------------------------------------------------------------------


def _lock_step(step, by):
    current = _lock_case_of_step(step)
    check_area(by, current.region_path)
    check_state(current, {CaseState.IN_PROGRESS}, "登记整治步骤（请先开始整治）")
    return current


def _lock_case_of_step(step):
    try:
        return Case.objects.select_for_update().get(pk=step.case_id)
    except Case.DoesNotExist as error:
        raise Refused("案件不存在或已被删除。") from error


# Photos per upload, as inspections allow: each may be 10 MB, so the count bounds the request.
MAX_STEP_PHOTOS = 9


def _save_photos(step, images, by):
    if len(images) > MAX_STEP_PHOTOS:
        raise Refused(f"每次最多上传 {MAX_STEP_PHOTOS} 张照片，请分几次上传。")
    cleaned = []
    for image in images:
        try:
            cleaned.append(prepare_photo(image))
        except Exception as error:
            messages = getattr(error, "messages", None) or [str(error)]
            raise Refused(
                f"“{step.name}”的照片“{getattr(image, 'name', '')}”未能上传：{messages[0]}",
                field="photos",
            ) from error
    return [
        EvidencePhoto.objects.create(step=step, image=image, uploaded_by=by, **image.facts.fields())
        for image in cleaned
    ]


@transaction.atomic
def confirm_step(step, *, by, done_on, confirming_person="", note="", photos=()):
    """Record a step as done on a date, confirmed by its department (e.g. 供电公司 confirms 断电)."""
    if by.is_read_only:
        raise Refused("局领导账号为只读，不能办理案件。")
    current = _lock_step(step, by)
    step = CaseStep.objects.select_related("confirming_unit").get(pk=step.pk)
    if not can_confirm_step(by, step):
        department = step.get_confirming_department_display() or "县整治办"
        raise Refused(f"“{step.name}”应由{department}或县整治办确认，您不能确认该步骤。")
    if done_on is None:
        raise Refused("请填写完成日期。")
    if done_on > today():
        raise Refused("完成日期不能晚于今天。")
    if done_on < current.found_on:
        raise Refused("完成日期不能早于案件发现日期。")
    if step.returned_at and done_on < timezone.localdate(step.returned_at):
        raise Refused(
            f"“{step.name}”验收未通过后须重新完成，完成日期不能早于退回日期"
            f"（{timezone.localdate(step.returned_at):%Y-%m-%d}）。"
        )
    _save_photos(step, list(photos), by)
    step.done_on = done_on
    step.confirming_person = (confirming_person or "").strip() or by.display_name
    step.confirmed_by = by
    if (
        by.organisation_id and by.role == Role.DEPARTMENT_OFFICER
    ) or step.confirming_unit_id is None:
        step.confirming_unit = by.organisation
    step.note = (note or "").strip()[:200]
    step.save(
        update_fields=["done_on", "confirming_person", "confirmed_by", "confirming_unit", "note"]
    )
    save(current)
    record(
        current,
        CaseEvent.Action.CONFIRM_STEP,
        by,
        current.state,
        current.state,
        f"{step.name}：{done_on:%Y-%m-%d} 完成，确认人 {step.confirming_person}。{step.note}".strip(),
    )
    return step


@transaction.atomic
def add_step_photos(step, *, by, photos):
    """Evidence photos for a step (images only, checked by content)."""
    if by.is_read_only:
        raise Refused("局领导账号为只读，不能办理案件。")
    photos = list(photos)
    if not photos:
        raise Refused("请选择要上传的照片。")
    current = _lock_step(step, by)
    step = CaseStep.objects.get(pk=step.pk)
    if not can_add_photos(by, step):
        raise Refused(f"您不能为“{step.name}”上传佐证照片。")
    saved = _save_photos(step, photos, by)
    save(current)
    record(
        current,
        CaseEvent.Action.ADD_PHOTO,
        by,
        current.state,
        current.state,
        f"{step.name}：上传照片 {len(saved)} 张",
    )
    return saved
