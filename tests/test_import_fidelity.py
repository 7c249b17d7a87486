"""Nothing a township typed into its 附件1 is lost on import: every column lands where the
ledger shows it, permits and Chinese head counts are read as written, a value that cannot be
mapped is a warning on its own cell; a clerk's import proposes, a county office's 按台账建档
opens each case in the state its 完成情况 states; cases go into the chosen campaign only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.refusals import Refused
from enterprises import ledger
from enterprises.imports import services as imports
from enterprises.imports.values import parse_headcount, parse_permits
from enterprises.models import Enterprise, ImportBatch, derive_permit_status
from rectification import workflow
from rectification.models import Case, CaseEvent, CaseState, Disposal, Requirement
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.rectification import CampaignFactory
from tests.test_ledger_import import parse, row, upload, workbook_bytes

pytestmark = pytest.mark.django_db


def imported(area, rows, *, by="clerk", township="township_a1", **options):
    user = area["users"][by]
    batch = imports.stage_import(
        upload(workbook_bytes(rows)), township=area[township], by=user, **options
    )
    assert batch.error_count == 0, [r["problems"] for r in batch.rows]
    return imports.commit_import(batch, by=user)


def ledger_row(enterprise):
    return next(ledger.ledger_rows(Enterprise.objects.filter(pk=enterprise.pk)))


def warnings_of(parsed_row):
    return {warning["column"]: warning["message"] for warning in parsed_row["warnings"]}


def test_every_column_of_a_clerks_row_lands_where_the_ledger_shows_it(area):
    campaign = CampaignFactory()
    imported(
        area,
        [
            row(
                1,
                "宏达铸造厂",
                "2024年3月15日",
                scale="十二人",
                permits="仅有营业执照",
                requirement="限期拆除",
                deadline="2024-05-31",
                person="李分包",
                completion="拆除到位（2024年5月10日）",
                remarks="群众举报",
            )
        ],
    )
    enterprise = Enterprise.objects.get()
    case = Case.objects.get()
    assert enterprise.reported_on == case.found_on == datetime.date(2024, 3, 15)
    assert enterprise.employee_count == 12 and enterprise.scale == "十二人"
    assert enterprise.permits == {"business_licence": True}
    assert enterprise.get_permit_status_display() == "不全"
    assert enterprise.remarks == "群众举报"
    assert enterprise.responsible_person == case.responsible_person == "李分包"
    assert case.campaign == campaign and case.state == CaseState.FOUND
    assert case.requirement == Requirement.DEMOLISH and case.disposal == Disposal.SHUTDOWN
    assert case.deadline == case.original_deadline == datetime.date(2024, 5, 31)
    assert case.reported_completion == "拆除到位"
    assert case.reported_completed_on == datetime.date(2024, 5, 10)
    assert ledger_row(enterprise)[7:] == [
        "不全",
        "限期拆除",
        datetime.date(2024, 3, 15),
        datetime.date(2024, 5, 31),
        "李分包",
        "拆除到位（2024-05-10）",
        "群众举报",
    ]
    (event,) = case.events.all()
    assert event.action == CaseEvent.Action.PROPOSE and "第 5 行" in event.comment


def test_the_reported_completion_gives_way_once_the_workflow_moves_the_case(area):
    CampaignFactory()
    imported(area, [row(1, "宏达铸造厂", "2024-03-15", completion="正在拆除（已断电）")])
    case = Case.objects.get()
    assert case.completion == "正在拆除（已断电）"
    workflow.determine_case(
        case,
        by=area["users"]["county"],
        disposal=Disposal.SHUTDOWN,
        requirement=Requirement.DEMOLISH,
        measures="断水断电、拆除设备",
        responsible_unit=area["orgs"]["township_a1"],
        responsible_person="王分包",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    case.refresh_from_db()
    assert case.state == CaseState.DETERMINED and case.completion == "正在拆除"
    assert case.reported_completion == "正在拆除（已断电）"  # the township's record stays


@pytest.mark.parametrize(
    ("text", "permits", "shown"),
    [
        ("仅有营业执照", {"business_licence": True}, "不全"),
        ("不全", {}, "不全"),
        ("有", {}, "有"),
        ("无", {}, "无"),
        ("有营业执照、环评", {"business_licence": True, "environment": True}, "有"),
        ("营业执照有，环评无", {"business_licence": True, "environment": False}, "不全（缺环保）"),
        (
            "有营业执照，无土地手续",
            {"business_licence": True, "land": False},
            "不全（缺土地/自然资源）",
        ),
        ("不全（缺环保、规划）", {"environment": False, "planning": False}, "不全（缺环保、规划）"),
    ],
)
def test_permits_are_the_ones_named_and_the_status_is_what_the_ledger_says(
    area, text, permits, shown
):
    parsed, stated, message = parse_permits(text)
    assert message is None and parsed == permits
    enterprise = EnterpriseFactory(
        township=area["township_a1"], permits=parsed, permits_stated=stated
    )
    assert ledger.permit_display(enterprise) == shown


def test_a_named_permit_alone_is_not_every_required_permit():
    assert derive_permit_status({"business_licence": True}) == "partial"
    assert derive_permit_status({"business_licence": True, "environment": True}) == "complete"


@pytest.mark.parametrize(
    ("scale", "count"),
    [("五人", 5), ("十二人", 12), ("约二十人", 20), ("一百零五人", 105), ("约12人", 12), ("8", 8)],
)
def test_head_counts_in_chinese_numerals_are_read(scale, count):
    assert parse_headcount(scale) == count


def test_a_value_that_cannot_be_mapped_is_a_warning_on_its_own_cell(area):
    content = workbook_bytes(
        [
            row(
                1,
                "宏达铸造厂",
                "2024-03-15",
                scale="若干",
                water_air="不清楚",
                requirement="看情况处理",
                completion="差不多了",
            ),
            row(2, "兴旺砖厂", "2024-03-15", completion="拆除到位"),
        ]
    )
    first, second = parse(content, area["township_a1"]).rows
    assert first["status"] == "new" and first["problems"] == []
    assert warnings_of(first).keys() == {
        "企业规模(人员等)",
        "涉水涉气",
        "整治要求",
        "完成情况(完成日期)",
    }
    assert "若干" in warnings_of(first)["企业规模(人员等)"]
    assert "看情况处理" in warnings_of(first)["整治要求"]
    assert "差不多了" in warnings_of(first)["完成情况(完成日期)"]
    assert first["data"]["scale"] == "若干"  # kept as typed
    assert "未注明完成日期" in warnings_of(second)["完成情况(完成日期)"]


def test_the_preview_shows_each_warning_on_its_cell(area, client_for):
    clerk = area["users"]["clerk"]
    batch = imports.stage_import(
        upload(workbook_bytes([row(1, "宏达铸造厂", "2024-03-15", requirement="看情况处理")])),
        township=area["township_a1"],
        by=clerk,
    )
    page = client_for(clerk).get(reverse("enterprises:import_preview", args=[batch.token]))
    html = page.content.decode()
    assert 'class="table-warning import-cell-warning"' in html
    assert "整治要求“看情况处理”无法对应" in html
    assert 'id="import-warnings"' in html


def test_a_county_office_establishes_cases_in_the_state_their_completion_states(area):
    CampaignFactory()
    county = area["users"]["county"]
    imported(
        area,
        [
            row(1, "甲厂", "2024-03-15", completion=""),
            row(2, "乙厂", "2024-03-15", completion="正在拆除"),
            row(3, "丙厂", "2024-03-15", completion="拆除到位（2024年5月10日）"),
            row(4, "丁厂", "2024-03-15", completion="已销号（2024-05-20）"),
            row(5, "戊厂", "2024-03-15", requirement="", completion="正在整治"),
        ],
        by="county",
        establish=True,
    )
    cases = {case.enterprise.name: case for case in Case.objects.select_related("enterprise")}
    assert {name: case.state for name, case in cases.items()} == {
        "甲厂": CaseState.DETERMINED,
        "乙厂": CaseState.IN_PROGRESS,
        "丙厂": CaseState.AWAITING_VERIFICATION,
        "丁厂": CaseState.AWAITING_VERIFICATION,  # 销号 stays the county's act
        "戊厂": CaseState.FOUND,  # no 整治要求: nothing to determine
    }
    assert cases["丙厂"].completion == "拆除到位（2024-05-10）"
    assert cases["丙厂"].determined_on == datetime.date(2024, 3, 15)
    assert cases["丙厂"].steps.exists()  # the plan to carry out, as 认定 makes it
    for number, name in enumerate(["甲厂", "乙厂", "丙厂", "丁厂", "戊厂"], start=5):
        (event,) = cases[name].events.all()
        assert event.action == CaseEvent.Action.ESTABLISH and event.actor == county
        assert "台账.xlsx" in event.comment and f"第 {number} 行" in event.comment
        assert county.display_name in event.comment
    assert not Case.objects.filter(state=CaseState.CLOSED).exists()


def test_cases_established_as_done_are_closed_in_bulk_on_the_ledgers_proof(area):
    CampaignFactory()
    county = area["users"]["county"]
    imported(
        area,
        [
            row(1, "丙厂", "2024-03-15", completion="拆除到位（2024年5月10日）"),
            row(2, "丁厂", "2024-03-15", completion="拆除到位（2024年5月12日）"),
        ],
        by="county",
        establish=True,
    )
    cases = list(Case.objects.order_by("id"))
    for case in cases:
        assert {step.done_on for step in case.steps.all()} == {case.reported_completed_on}
        assert all(step.evidence_in_ledger for step in case.steps.all())
        assert workflow.missing_evidence(case)[0] == []

    workflow.close_cases(cases, by=county, note="按台账核验，已拆除到位")

    assert set(Case.objects.values_list("state", flat=True)) == {CaseState.CLOSED}


def test_a_case_carried_out_in_the_app_still_needs_its_photos(area):
    from tests.factories.rectification import in_progress_case

    case = in_progress_case(area)
    case.steps.update(done_on=timezone.localdate())
    missing, count = workflow.missing_evidence(case)
    assert count and all("照片" in entry for entry in missing)


def test_a_clerk_cannot_establish_cases_from_her_ledger(area):
    CampaignFactory()
    with pytest.raises(Refused, match="只有县整治办或系统管理员可以按台账建档"):
        imports.stage_import(
            upload(workbook_bytes([row(1, "甲厂", "2024-03-15")])),
            township=area["township_a1"],
            by=area["users"]["clerk"],
            establish=True,
        )
    assert not ImportBatch.objects.exists()


def test_only_a_county_office_is_offered_establishing_on_the_upload_form(area, client_for):
    upload_url = reverse("enterprises:import")
    assert (
        'name="establish"'
        not in client_for(area["users"]["clerk"]).get(upload_url).content.decode()
    )
    assert (
        'name="establish"' in client_for(area["users"]["county"]).get(upload_url).content.decode()
    )


def test_the_upload_form_offers_the_townships_active_campaign_first(area, client_for):
    CampaignFactory(name="全市专项行动", region=area["city"])
    own = CampaignFactory(name="甲一镇专项行动", region=area["township_a1"])
    CampaignFactory(name="乙县专项行动", region=area["county_b"])
    CampaignFactory(name="已结束的行动", region=area["city"], is_active=False)
    form = client_for(area["users"]["clerk"]).get(reverse("enterprises:import")).context["form"]
    field = form.fields["campaign"]
    assert form["campaign"].initial == own.pk
    assert {label for _, label in field.choices} == {
        "（按乡镇默认）",
        "全市专项行动（2024年）",
        "甲一镇专项行动（2024年）",
    }


def test_the_chosen_campaign_is_kept_on_the_batch_and_gets_the_cases(area, client_for):
    CampaignFactory(name="甲一镇专项行动", region=area["township_a1"])
    city = CampaignFactory(name="全市专项行动", region=area["city"])
    client = client_for(area["users"]["clerk"])
    content = workbook_bytes([row(1, "宏达铸造厂", "2024-03-15")])
    client.post(reverse("enterprises:import"), {"file": upload(content), "campaign": city.pk})
    batch = ImportBatch.objects.get()
    assert batch.campaign_id == city.pk and batch.campaign_name == "全市专项行动（2024年）"
    client.post(reverse("enterprises:import_commit", args=[batch.token]))
    assert Case.objects.get().campaign == city


def test_a_case_never_goes_into_a_campaign_outside_the_importers_area(area, client_for):
    other_county = CampaignFactory(name="乙县专项行动", region=area["county_b"])
    other_township = CampaignFactory(name="甲二乡专项行动", region=area["township_a2"])
    content = workbook_bytes([row(1, "宏达铸造厂", "2024-03-15")])
    with pytest.raises(Refused, match="不在您的辖区范围内"):
        imports.stage_import(
            upload(content),
            township=area["township_a1"],
            by=area["users"]["clerk"],
            campaign=other_county.pk,
        )
    with pytest.raises(Refused, match="专项行动“甲二乡专项行动”不覆盖甲一镇"):
        imports.stage_import(
            upload(content),
            township=area["township_a1"],
            by=area["users"]["county"],
            campaign=other_township.pk,
        )
    response = client_for(area["users"]["county"]).post(
        reverse("enterprises:import"),
        {
            "file": upload(content),
            "township": area["township_a1"].pk,
            "campaign": other_township.pk,
        },
    )
    assert "不覆盖甲一镇" in response.content.decode()
    assert not ImportBatch.objects.exists() and not Case.objects.exists()


def test_without_a_choice_the_cases_go_into_the_campaign_covering_the_township(area):
    # The county's latest campaign is the other township's: it must not get this one's cases.
    own = CampaignFactory(name="甲县专项行动", region=area["county_a"], year=2023)
    CampaignFactory(name="甲二乡专项行动", region=area["township_a2"], year=2024)
    imported(area, [row(1, "宏达铸造厂", "2024-03-15")], by="county")
    assert Case.objects.get().campaign == own


def test_an_administrator_may_establish_cases_too(area):
    CampaignFactory()
    imported(
        area, [row(1, "甲厂", "2024-03-15", completion="正在拆除")], by="admin", establish=True
    )
    case = Case.objects.get()
    assert case.state == CaseState.IN_PROGRESS
    assert case.events.get().actor == area["users"]["admin"]
