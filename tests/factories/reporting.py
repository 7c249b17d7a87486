"""Helpers for reporting tests: seal images, ledger rows for a period, and submissions made
through the real service functions (a submission is never built behind the services' back)."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from enterprises.models import EnterpriseType, Sector
from reporting.periods import Period
from reporting.submissions import services
from reporting.submissions.workbooks import draft_report
from reporting.tables import get_table
from tests.factories.enterprises import EnterpriseFactory

PERIOD = Period(2024, 3)


def png_bytes(size=(240, 240), colour=(200, 0, 0, 160)):
    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(120, 120)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 0, 0)).save(buffer, "JPEG")
    return buffer.getvalue()


def seal_upload(name="seal.png", content=None):
    return SimpleUploadedFile(name, content or png_bytes(), content_type="image/png")


def give_seal(organisation):
    organisation.seal.save("seal.png", seal_upload(), save=True)
    return organisation


def enterprises(township, count, **fields):
    fields.setdefault("reported_on", datetime.date(2024, 3, 10))
    return [EnterpriseFactory(township=township, **fields) for _ in range(count)]


def mixed_ledger(area):
    """A known spread over 甲一镇 and 甲二乡 (county A), and one in 乙一镇 (county B)."""
    a1, a2, b1 = area["township_a1"], area["township_a2"], area["township_b1"]
    # 有 (手续齐全) holds every required permit: 环评 alone no longer counts as 有.
    enterprises(
        a1,
        2,
        sector=Sector.INDUSTRY,
        is_scattered=True,
        permits={"environment": True, "business_licence": True},
    )
    enterprises(a1, 1, sector=Sector.SERVICES, enterprise_type=EnterpriseType.EIGHT_SMALL)
    enterprises(a2, 1, sector=Sector.AGRICULTURE, is_disorderly=True, permits={})
    enterprises(a2, 1, sector=Sector.CONSTRUCTION, reported_on=datetime.date(2024, 4, 2))
    enterprises(b1, 1, sector=Sector.INDUSTRY)


def submit_ledger(area, period=PERIOD):
    users = area["users"]
    return services.submit_table(
        "ledger", area["township_a1"], period, by=users["clerk"], signed_by=users["head"]
    )


def submit_survey(area, period=PERIOD):
    county = area["users"]["county"]
    return services.submit_table(
        "survey_summary", area["county_a"], period, by=county, signed_by=county
    )


def county_survey_draft(area, period=PERIOD):
    """The county office's unsubmitted 汇总表 export for the period (a draft, not a submission)."""
    return draft_report(
        get_table("survey_summary"),
        area["county_a"],
        period,
        area["orgs"]["county_office"],
        area["users"]["county"],
    )


def submitted_on(submission, day):
    """Move a submission's timestamp to a given day (tests of on-time and late filing)."""
    from reporting.models import Submission

    moment = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=datetime.UTC)
    fields = {"submitted_at": moment}
    if submission.version == 1:
        fields["first_submitted_at"] = moment
    Submission.objects.filter(pk=submission.pk).update(**fields)
    for name, value in fields.items():
        setattr(submission, name, value)
    return submission
