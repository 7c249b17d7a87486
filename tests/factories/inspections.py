"""Factories for field work: team outings with members, inspections, tips, transfers and rounds.

Rows built here sit in the database as they would after the services ran; workflow tests call
the real services instead."""

import datetime
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from inspections.models import (
    Inspection,
    InspectionResult,
    InspectionType,
    SupervisionTransfer,
    Team,
    TeamMember,
    Tip,
    TipChannel,
    TipState,
)
from inspections.models.supervision import STATUS_FLOW
from inspections.services import record_inspection
from rectification.models import Requirement


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"第{n + 1}执法组")
    organisation = None  # pass an Organisation
    out_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if not create:
            return
        names = extracted if extracted is not None else ["张执法", "李执法"]
        TeamMember.objects.bulk_create(TeamMember(team=self, name=name) for name in names)
        self.count_members()


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    inspection_type = InspectionType.PATROL
    inspected_on = factory.SelfAttribute("team.out_on")
    organisation = factory.SelfAttribute("team.organisation")
    team = None  # pass a Team
    enterprise = None
    township = factory.LazyAttribute(lambda o: o.enterprise.township if o.enterprise else None)
    place = ""
    findings = "现场检查未发现生产。"
    result = InspectionResult.NO_PROBLEM


class TipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tip

    receipt_number = factory.Sequence(lambda n: f"JB20240301T{n:07d}")
    channel = TipChannel.ONLINE
    received_at = factory.LazyFunction(timezone.now)
    content = "村东头有家小作坊夜里喷漆，气味很大。"
    place = "村东头废弃仓库"
    county = None  # pass a county Region
    township = None
    reporter_name = "王举报"
    reporter_contact = "13800001111"
    state = TipState.RECEIVED


class SupervisionTransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionTransfer

    enterprise = None  # pass an Enterprise
    township = factory.SelfAttribute("enterprise.township")
    problem = "督导发现仍在生产，手续不全。"
    requirement = Requirement.IMPROVE
    transferred_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=10)
    )
    found_by = None  # pass an Organisation
    responsible_person = "王分包"
    status = factory.LazyAttribute(lambda o: STATUS_FLOW[o.requirement][0])


def image_upload(name="现场.jpg", image_format="JPEG", size=(16, 16)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 200)).save(buffer, format=image_format)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def fake_image_upload(name="伪装.jpg"):
    return SimpleUploadedFile(name, b"this is not an image at all", content_type="image/jpeg")


def tip_data(area, **overrides):
    """What a citizen types into the public /tips/ form, for the area of build_area()."""
    data = {
        "county": area["county_a"].pk,
        "township": area["township_a1"].pk,
        "place": "甲一村东头废弃仓库",
        "happened_when": "每天夜里",
        "content": "仓库里有人夜里熔炼废铝，烟很呛。",
        "reporter_name": "李先生",
        "reporter_contact": "13900002222",
    }
    data.update(overrides)
    return data


def record_patrol(area, **fields):
    """A 巡查 of a warehouse in 甲一镇 by a new team, recorded through the service by the clerk."""
    return record_inspection(
        by=area["users"]["clerk"],
        inspection_type=InspectionType.PATROL,
        inspected_on=datetime.date(2026, 11, 30),
        result=InspectionResult.NO_PROBLEM,
        new_team={"name": "第一执法组", "member_users": [], "member_names": ["张三"]},
        township=area["township_a1"],
        place="某仓库",
        **fields,
    )
