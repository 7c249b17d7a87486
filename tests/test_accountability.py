"""The 问责台账: the right units from the data, worst first; actions recorded with a checked
notice and shown per unit; the .xlsx cell by cell; the API; area scoping."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role, User
from inspections.models import InspectionResult, InspectionType
from rectification.models import CaseState, Disposal
from reporting.accountability.ledger import accountability_list
from reporting.accountability.services import MAX_NOTICE_BYTES
from reporting.models import AccountabilityAction
from reporting.submissions import services as submission_services
from tests.factories.inspections import InspectionFactory, TeamFactory
from tests.factories.rectification import CaseFactory, new_enterprise
from tests.factories.reporting import png_bytes, submit_ledger, submitted_on

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def overdue_case(area, township="township_a1", unit="township_a1", person="王分包", days=10):
    return CaseFactory(
        enterprise=new_enterprise(area, township),
        disposal=Disposal.SHUTDOWN,
        state=CaseState.IN_PROGRESS,
        responsible_unit=area["orgs"][unit] if unit else None,
        responsible_person=person,
        deadline=TODAY - datetime.timedelta(days=days),
    )


def hidden_find(area, township="township_a2"):
    team = TeamFactory(organisation=area["orgs"]["county_office"])
    return InspectionFactory(
        team=team,
        inspection_type=InspectionType.SPOT_CHECK,
        result=InspectionResult.NEW_FIND,
        township=area[township],
        place="村西无名作坊",
    )


def scenario(area):
    overdue_case(area, person="王分包", days=10)
    overdue_case(area, person="李分包", days=3)
    overdue_case(area, unit="environment", person="赵科长", days=40)
    CaseFactory(  # relapse in 甲二乡
        enterprise=new_enterprise(area, "township_a2"), state=CaseState.FOUND, is_relapse=True
    )
    hidden_find(area)
    hidden_find(area)
    overdue_case(area, township="township_b1", unit="township_b1")  # county B
    submission = submitted_on(submit_ledger(area), datetime.date(2024, 4, 25))  # due 23rd
    submission_services.return_submission(submission, by=area["users"]["county"], reason="数字不符")


def notice_upload(content=PDF, name="约谈通知.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_ledger_lists_the_right_units_worst_first(area):
    scenario(area)
    accounts = accountability_list(area["users"]["county"], area["county_a"], TODAY)
    names = [account.organisation.name for account in accounts]
    assert names == ["甲二乡政府", "甲一镇政府", "甲县生态环境局"]
    a2, a1, environment = accounts
    assert (a2.hidden_finds, a2.relapses, a2.score) == (2, 1, 13)
    assert (a1.overdue_cases, a1.late_submissions, a1.returned_submissions) == (2, 1, 1)
    assert a1.score == 2 * 2 + 2 + 1
    assert a1.persons_display == "李分包（1）、王分包（1）"
    assert a1.days_overdue == 10
    assert environment.overdue_cases == 1 and environment.days_overdue == 40
    assert "乙一镇政府" not in names


def test_case_without_unit_counts_against_its_township_government(area):
    overdue_case(area, unit=None, person="孙分包")
    accounts = accountability_list(area["users"]["county"], area["county_a"], TODAY)
    assert [(a.organisation.name, a.overdue_cases) for a in accounts] == [("甲一镇政府", 1)]


def test_county_office_records_an_interview_and_sees_it_in_the_units_history(area, client_for):
    scenario(area)
    client = client_for(area["users"]["county"])
    unit = area["orgs"]["township_a1"]
    url = reverse("reporting:accountability_unit", args=[unit.pk])
    response = client.post(
        url,
        {
            "kind": "interview",
            "taken_on": TODAY.isoformat(),
            "person": "王分包",
            "reason": "2件案件逾期未销号",
            "notice": notice_upload(),
        },
    )
    assert response.status_code == 302
    action = AccountabilityAction.objects.get()
    assert action.recorded_by == area["users"]["county"]
    assert action.region_path == unit.region.path
    assert action.notice.name.endswith(".pdf")
    page = client.get(url).content.decode()
    assert "约谈" in page and "2件案件逾期未销号" in page
    assert (
        client.get(reverse("reporting:accountability_notice", args=[action.pk])).status_code == 200
    )
    account = accountability_list(area["users"]["county"], area["county_a"], TODAY)[1]
    assert (account.organisation, account.actions, account.last_action_on) == (unit, 1, TODAY)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"just text, not a notice", "notice.pdf", "通知文书必须是 PDF 文件"),
        (b"", "empty.pdf", "文件是空的"),
        (b"%PDF-" + b"0" * MAX_NOTICE_BYTES, "big.pdf", "不能超过 10 MB"),
    ],
)
def test_bad_notices_are_refused_and_nothing_is_saved(area, client_for, content, name, message):
    client = client_for(area["users"]["county"])
    url = reverse("reporting:accountability_unit", args=[area["orgs"]["township_a1"].pk])
    response = client.post(
        url,
        {
            "kind": "reminder",
            "taken_on": TODAY.isoformat(),
            "reason": "提醒",
            "notice": notice_upload(content, name),
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccountabilityAction.objects.exists()


def test_an_image_notice_is_accepted_by_content(area, client_for):
    client = client_for(area["users"]["county"])
    url = reverse("reporting:accountability_unit", args=[area["orgs"]["township_a1"].pk])
    upload = SimpleUploadedFile("扫描件.pdf", png_bytes(), content_type="application/pdf")
    response = client.post(
        url, {"kind": "circular", "taken_on": TODAY.isoformat(), "reason": "通报", "notice": upload}
    )
    assert response.status_code == 302
    assert AccountabilityAction.objects.get().notice.name.endswith(".png")


def test_leader_sees_history_but_cannot_record(area, client_for):
    client = client_for(area["users"]["leader"])
    url = reverse("reporting:accountability_unit", args=[area["orgs"]["township_a1"].pk])
    assert client.get(url).context["form"] is None
    response = client.post(
        url,
        {
            "kind": "reminder",
            "taken_on": TODAY.isoformat(),
            "reason": "x",
            "notice": notice_upload(),
        },
    )
    assert response.status_code == 403
    assert not AccountabilityAction.objects.exists()


def test_units_outside_the_area_answer_404(area, client_for):
    client = client_for(area["users"]["county"])
    other = area["orgs"]["township_b1"]
    assert client.get(reverse("reporting:accountability_unit", args=[other.pk])).status_code == 404
    response = client.post(
        "/api/accountability-actions/",
        {
            "organisation": other.pk,
            "kind": "reminder",
            "taken_on": TODAY.isoformat(),
            "reason": "x",
            "notice": notice_upload(),
        },
    )
    assert response.status_code == 404
    assert not AccountabilityAction.objects.exists()


def test_township_users_are_refused(area, client_for):
    client = client_for(area["users"]["clerk"])
    assert client.get(reverse("reporting:accountability")).status_code == 403
    assert client.get("/api/accountability/").status_code == 403


def test_api_lists_the_ledger_and_records_actions(area, client_for):
    scenario(area)
    client = client_for(area["users"]["county"])
    ledger = client.get("/api/accountability/").json()
    assert [row["organisation_name"] for row in ledger] == [
        "甲二乡政府",
        "甲一镇政府",
        "甲县生态环境局",
    ]
    assert ledger[0]["score"] == 13
    unit = area["orgs"]["township_a2"]
    bad = client.post(
        "/api/accountability-actions/",
        {
            "organisation": unit.pk,
            "kind": "interview",
            "taken_on": TODAY.isoformat(),
            "reason": "瞒报",
            "notice": notice_upload(b"<html>", "x.pdf"),
        },
    )
    assert bad.status_code == 400 and "PDF" in bad.json()["detail"]
    future = client.post(
        "/api/accountability-actions/",
        {
            "organisation": unit.pk,
            "kind": "interview",
            "taken_on": (TODAY + datetime.timedelta(days=1)).isoformat(),
            "reason": "瞒报",
            "notice": notice_upload(),
        },
    )
    assert future.status_code == 400 and "不能晚于今天" in future.json()["detail"]
    created = client.post(
        "/api/accountability-actions/",
        {
            "organisation": unit.pk,
            "kind": "interview",
            "taken_on": TODAY.isoformat(),
            "reason": "瞒报漏报2处",
            "notice": notice_upload(),
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["kind_display"] == "约谈"
    listed = client.get("/api/accountability-actions/", {"organisation": unit.pk}).json()
    assert [row["reason"] for row in listed["results"]] == ["瞒报漏报2处"]
    other = client_for(area["users"]["county_b"]).get("/api/accountability-actions/").json()
    assert other["count"] == 0


def test_leader_cannot_record_through_the_api(area, client_for):
    response = client_for(area["users"]["leader"]).post(
        "/api/accountability-actions/",
        {
            "organisation": area["orgs"]["township_a1"].pk,
            "kind": "reminder",
            "taken_on": TODAY.isoformat(),
            "reason": "x",
            "notice": notice_upload(),
        },
    )
    assert response.status_code == 403


def test_export_is_in_the_government_layout_cell_by_cell(area, client_for):
    scenario(area)
    response = client_for(area["users"]["county"]).get(reverse("reporting:accountability_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "甲县散乱污企业整治问责台账"
    assert sheet["A2"].value == "填报单位：甲县整治办（盖章）"
    assert sheet["A4"].value == "序号" and sheet["E4"].value == "问责事项"
    assert sheet["E5"].value == "逾期未销号案件" and sheet["J5"].value == "瞒报漏报"
    assert "E4:J4" in {str(r) for r in sheet.merged_cells.ranges}
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=6, max_row=9)]
    assert rows[0][:11] == [1, "甲二乡政府", "甲二乡", None, 0, 0, 0, 0, 1, 2, 13]
    assert rows[1][:11] == [
        2,
        "甲一镇政府",
        "甲一镇",
        "李分包（1）、王分包（1）",
        2,
        10,
        1,
        1,
        0,
        0,
        7,
    ]
    assert rows[2][1] == "甲县生态环境局" and rows[2][5] == 40
    assert rows[3][0] == "合计" and rows[3][4] == 3 and rows[3][5] == 40 and rows[3][10] == 22
    assert sheet["A10"].value.startswith("注：按问责得分从高到低排列")
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$4:$5"


def test_demo_data_gives_a_non_empty_ordered_ledger():
    call_command("seed_demo", size=40)
    county_office = User.objects.get(username="county", role=Role.COUNTY_OFFICE)
    accounts = accountability_list(county_office, county_office.region, TODAY)
    assert accounts
    scores = [account.score for account in accounts]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 0


def test_city_sees_units_of_every_county_and_the_dashboard_shortens_long_name_lists(area):
    scenario(area)
    for person in ("甲", "乙", "丙"):
        overdue_case(area, unit="environment", person=person)
    accounts = accountability_list(area["users"]["city"], area["city"], TODAY)
    names = {account.organisation.name for account in accounts}
    assert {"甲二乡政府", "甲一镇政府", "甲县生态环境局", "乙一镇政府"} <= names
    environment = next(a for a in accounts if a.organisation.name == "甲县生态环境局")
    assert environment.persons_short == "丙、乙、甲等4人"
    assert environment.persons_display.count("（1）") == 4


@pytest.mark.parametrize(
    "url",
    ["/reports/accountability/", "/api/accountability/", "/api/accountability-actions/"],
)
def test_ledger_page_and_apis_run_a_fixed_number_of_queries(area, client_for, url):
    client = client_for(area["users"]["county"])
    scenario(area)
    record(area, "township_a1")
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(5):
        overdue_case(area, township="township_a2", unit="township_a2", person="钱分包")
        overdue_case(area, unit="power", person="供电所")
        hidden_find(area, township="township_a1")
        record(area, "township_a2")
        record(area, "environment")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def record(area, unit):
    from reporting.accountability.services import record_action

    return record_action(
        area["orgs"][unit],
        by=area["users"]["county"],
        kind="reminder",
        taken_on=TODAY,
        reason="提醒按期整改",
        notice=notice_upload(),
    )


def test_an_image_notice_is_stored_without_its_metadata_and_a_pdf_as_sent(area, client_for):
    from tests.factories.photos import phone_photo
    from tests.test_photo_metadata import assert_clean

    client = client_for(area["users"]["county"])
    url = reverse("reporting:accountability_unit", args=[area["orgs"]["township_a1"].pk])
    for notice in (phone_photo("通知.jpg", orientation=6), notice_upload()):
        response = client.post(
            url,
            {"kind": "circular", "taken_on": TODAY.isoformat(), "reason": "通报", "notice": notice},
        )
        assert response.status_code == 302
    photo, pdf = AccountabilityAction.objects.order_by("pk")
    assert photo.notice.name.endswith(".jpg")
    assert_clean(photo.notice, "JPEG")
    with pdf.notice.open("rb") as stored:
        assert stored.read() == PDF
