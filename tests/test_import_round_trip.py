"""A township's 附件1 goes out and comes back whole: export it, import that file into an empty
copy of the same township, export again, and every cell of the sheet is the same."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from accounts.sheets import write_report
from enterprises.imports import services as imports
from enterprises.ledger_table import ledger_report
from enterprises.models import Enterprise, EnterpriseType
from rectification import workflow
from rectification.models import Case, CaseState, Disposal, Requirement
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.rectification import CampaignFactory, CaseFactory

pytestmark = pytest.mark.django_db


def exported(area, user):
    township = area["township_a1"]
    report = ledger_report(
        Enterprise.objects.filter(township=township).order_by("reported_on", "name"),
        region=township,
        user=user,
    )
    output = io.BytesIO()
    write_report(report, output)
    return output.getvalue()


def cells(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def a_township_ledger(area, campaign):
    """Rows of every kind: permits held, partly, not at all, stated only; head counts in
    figures and in words; cases found, determined and none; villages named or not."""
    township, village = area["township_a1"], area["village_a1"]
    clerk, county = area["users"]["clerk"], area["users"]["county"]
    kinds = [
        {"name": "宏达铸造厂", "permits": {"business_licence": True, "environment": True}},
        {"name": "兴旺砖厂", "permits": {"business_licence": True}, "scale": "十二人"},
        {"name": "利民塑料厂", "permits": {}, "permits_stated": "partial", "scale": "约二十人"},
        {"name": "顺发喷漆点", "permits": {"environment": False, "land": False}},
        {
            "name": "永兴家具厂",
            "permits": {},
            "enterprise_type": EnterpriseType.EIGHT_SMALL,
            "village_group": "",
            "involves_air": False,
            "involves_water": True,
            "remarks": "群众举报",
        },
        {"name": "新建纸箱厂", "permits": {"business_licence": True, "environment": False}},
    ]
    enterprises = [
        EnterpriseFactory(
            township=township,
            village=village,
            village_group=kind.pop("village_group", "甲一村三组"),
            reported_on=datetime.date(2024, 3, 10 + number),
            **kind,
        )
        for number, kind in enumerate(kinds)
    ]
    workflow.propose_case(enterprises[0], campaign=campaign, by=clerk)
    determined = workflow.propose_case(enterprises[1], campaign=campaign, by=clerk)
    workflow.determine_case(
        determined,
        by=county,
        disposal=Disposal.SHUTDOWN,
        requirement=Requirement.DEMOLISH,
        measures="断水断电、拆除设备",
        responsible_unit=area["orgs"]["township_a1"],
        responsible_person="王分包",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    improving = workflow.propose_case(enterprises[2], campaign=campaign, by=clerk)
    workflow.determine_case(
        improving,
        by=county,
        disposal=Disposal.UPGRADE,
        requirement=Requirement.OBTAIN_PERMITS,
        measures="补办环评",
        responsible_unit=area["orgs"]["township_a1"],
        responsible_person="李分包",
        deadline=timezone.localdate() + datetime.timedelta(days=60),
    )
    workflow.start_remediation(improving, by=county)
    # A case closed long ago (written as it sits in the database: its evidence is not the
    # subject here).
    CaseFactory(
        enterprise=enterprises[3],
        campaign=campaign,
        region_path=enterprises[3].region_path,
        state=CaseState.CLOSED,
        requirement=Requirement.DEMOLISH,
        disposal=Disposal.SHUTDOWN,
        found_on=datetime.date(2024, 3, 13),
        deadline=datetime.date(2024, 5, 31),
        closed_on=datetime.date(2024, 5, 20),
        number="110101-2023-0001",
    )


@pytest.mark.parametrize(
    ("importer", "establish"),
    [("clerk", False), ("county", True)],
    ids=["a clerk proposing", "the county office establishing"],
)
def test_an_exported_ledger_imported_into_an_empty_township_exports_the_same(
    area, importer, establish
):
    clerk = area["users"]["clerk"]
    campaign = CampaignFactory()
    a_township_ledger(area, campaign)
    first = exported(area, clerk)

    Case.objects.all().delete()
    Enterprise.objects.all().delete()
    batch = imports.stage_import(
        SimpleUploadedFile("甲一镇小散乱污企业排查台账.xlsx", first),
        township=area["township_a1"],
        by=area["users"][importer],
        establish=establish,
    )
    assert batch.error_count == 0, [row["problems"] for row in batch.rows]
    assert [row["warnings"] for row in batch.rows] == [[]] * 6
    imports.commit_import(batch, by=area["users"][importer])
    assert Enterprise.objects.count() == 6 and Case.objects.count() == 4
    assert not Case.objects.filter(state=CaseState.CLOSED).exists()  # 销号 is never imported

    before, after = cells(first), cells(exported(area, clerk))
    assert len(before) == len(after)
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        assert old == new, f"第 {number} 行"
    completions = {row[12] for row in before[4:10]}
    assert completions == {"待认定", "正在拆除", "补办手续中", "拆除到位（2024-05-20）", None}
