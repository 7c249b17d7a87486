"""Factories and helpers for cases: campaigns with the seeds' checklists, cases built directly
(for lists) or walked through the real services (for workflow tests), and photo bytes."""

import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from rectification import workflow
from rectification.checklists import ensure_checklist
from rectification.models import Campaign, Case, CaseState, Disposal, Requirement
from tests.factories.enterprises import EnterpriseFactory

# The steps of the seed checklist 两断三清一恢复, in order: what a shutdown case is handed.
SHUTDOWN_STEPS = ["断水", "断电", "清原料", "清设备", "清场地", "恢复原状原貌"]


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"测试专项行动{n}")
    year = 2024
    region = None
    closure_checklist = factory.LazyFunction(lambda: ensure_checklist("两断三清一恢复"))


class CaseFactory(factory.django.DjangoModelFactory):
    """A case row as it sits in the database (no workflow): for lists and reminders."""

    class Meta:
        model = Case

    enterprise = None  # pass an Enterprise
    campaign = factory.SubFactory(CampaignFactory)
    number = factory.Sequence(lambda n: f"110101-2024-{n + 1:04d}")
    state = CaseState.FOUND
    found_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


def shutdown_case_due(area, days):
    """A shutdown case in progress in 甲一镇, built directly, with 王分包 of 甲一镇政府
    responsible and the deadline `days` from today (negative: overdue)."""
    return CaseFactory(
        enterprise=new_enterprise(area),
        disposal=Disposal.SHUTDOWN,
        state=CaseState.IN_PROGRESS,
        responsible_unit=area["orgs"]["township_a1"],
        responsible_person="王分包",
        deadline=timezone.localdate() + datetime.timedelta(days=days),
    )


def image_bytes(image_format="PNG", size=(8, 8), color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=image_format)
    return buffer.getvalue()


def photo(name="现场.png", image_format="PNG"):
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[image_format]
    return SimpleUploadedFile(name, image_bytes(image_format), content_type=content_type)


def new_enterprise(area, township="township_a1", **kwargs):
    return EnterpriseFactory(township=area[township], **kwargs)


def found_case(area, campaign=None, township="township_a1"):
    """A case at 排查发现, proposed by the township clerk through the service."""
    campaign = campaign or CampaignFactory()
    clerk = area["users"]["clerk"] if township == "township_a1" else area["users"]["county"]
    return workflow.propose_case(new_enterprise(area, township), campaign=campaign, by=clerk)


def determined_case(area, disposal=Disposal.SHUTDOWN, requirement=Requirement.DEMOLISH, **kwargs):
    case = found_case(area, **kwargs)
    return workflow.determine_case(
        case,
        by=area["users"]["county"],
        disposal=disposal,
        requirement=requirement,
        measures="依法关停取缔",
        responsible_unit=area["orgs"]["township_a1"],
        responsible_person="王分包",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        destination_park="工业园区" if disposal == Disposal.RELOCATION else "",
    )


def determine_form(case, area, **fields):
    """What a county officer posts (page or API) to determine `case` as shutdown and demolish,
    李四 of township 甲一 responsible; the deadline, a date or working days, is the caller's."""
    return {
        "version": case.version,
        "disposal": "shutdown",
        "requirement": "demolish",
        "measures": "关停",
        "responsible_unit": area["orgs"]["township_a1"].pk,
        "responsible_person": "李四",
    } | fields


def post_case_action(client, case, action, data=None):
    """Post `action` from the case page (by default with only the version shown) and follow
    the redirect to the page the user sees next."""
    return client.post(
        reverse("rectification:case_action", args=[case.pk, action]),
        {"version": case.version} if data is None else data,
        follow=True,
    )


def extend(case, area, reason="r", **deadline):
    """The township clerk extends the deadline of `case` (`new_deadline=` or `working_days=`)
    with the county office's approval, through the service."""
    return workflow.extend_deadline(
        case,
        by=area["users"]["clerk"],
        reason=reason,
        approver=area["users"]["county"],
        **deadline,
    )


def in_progress_case(area, **kwargs):
    case = determined_case(area, **kwargs)
    return workflow.start_remediation(case, by=area["users"]["clerk"])


def complete_all_steps(case, user):
    for step in case.steps.all():
        workflow.confirm_step(step, by=user, done_on=timezone.localdate(), photos=[photo()])
    case.refresh_from_db()
    return case


def awaiting_case(area, **kwargs):
    case = complete_all_steps(in_progress_case(area, **kwargs), area["users"]["county"])
    return workflow.submit_for_verification(case, by=area["users"]["clerk"])


def closed_case(area, **kwargs):
    case = awaiting_case(area, **kwargs)
    return workflow.close_case(case, by=area["users"]["county"], note="验收合格")
