"""Power alerts: 安排回头看, resolved only by an inspection (反弹 reopens the case through the
workflow and confirms the alert; 无问题 closes it with the reason), told once to the county
office and the township, on their 待办, scoped to the user's area, and listed in a fixed
number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.worklists import todo_for
from inspections.models import InspectionResult, InspectionType
from inspections.services.inspections import record_inspection
from metering.models import AlertState, PowerAlert
from notices.models import Notification
from rectification.models import Case, CaseState
from tests.factories.metering import alert_for, closed_watched_case, many_alerts

pytestmark = pytest.mark.django_db
NUMBER = "3300000005"


def look_back(area, case, result, findings=""):
    return record_inspection(
        by=area["users"]["clerk"],
        inspection_type=InspectionType.LOOK_BACK,
        inspected_on=timezone.localdate(),
        result=result,
        enterprise=case.enterprise,
        findings=findings,
        new_team={"name": "回头看组", "member_users": [], "member_names": ["张三"]},
    )


def test_arranging_a_look_back_puts_the_closed_case_s_look_back_due_today(area, api_for):
    case = closed_watched_case(area, NUMBER)
    alert = alert_for(area, case, NUMBER)
    response = api_for(area["users"]["county"]).post(
        f"/api/power-alerts/{alert.pk}/arrange-look-back/"
    )
    assert response.status_code == 200
    assert response.json()["state"] == AlertState.ARRANGED
    assert Case.objects.get(pk=case.pk).look_back_due == timezone.localdate()


def test_a_look_back_finding_relapse_reopens_the_case_and_confirms_the_alert(area):
    case = closed_watched_case(area, NUMBER)
    alert = alert_for(area, case, NUMBER)
    inspection = look_back(area, case, InspectionResult.RELAPSE, "夜间生产")
    alert.refresh_from_db()
    case.refresh_from_db()
    assert (case.state, case.is_relapse) == (CaseState.IN_PROGRESS, True)
    assert (alert.state, alert.inspection_id) == (AlertState.CONFIRMED, inspection.pk)


def test_a_look_back_finding_no_problem_closes_the_alert_with_the_reason(area):
    case = closed_watched_case(area, NUMBER)
    alert = alert_for(area, case, NUMBER)
    look_back(area, case, InspectionResult.NO_PROBLEM, "仅照明用电")
    alert.refresh_from_db()
    assert (alert.state, alert.resolution) == (AlertState.DISMISSED, "仅照明用电")
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_an_alert_cannot_be_resolved_with_another_enterprise_s_inspection(area, api_for):
    case = closed_watched_case(area, NUMBER)
    other = closed_watched_case(area, "3300000006")
    alert = alert_for(area, case, NUMBER)
    alert_for(area, other, "3300000006")
    inspection = look_back(area, other, InspectionResult.NO_PROBLEM, "仅照明用电")
    response = api_for(area["users"]["county"]).post(
        f"/api/power-alerts/{alert.pk}/resolve/", {"inspection": inspection.pk}, format="json"
    )
    assert response.status_code == 400
    assert "不是对这家企业的检查" in str(response.json())
    assert PowerAlert.objects.get(pk=alert.pk).state == AlertState.OPEN


def test_a_resolved_alert_cannot_be_arranged_again(area, api_for):
    case = closed_watched_case(area, NUMBER)
    alert = alert_for(area, case, NUMBER)
    look_back(area, case, InspectionResult.NO_PROBLEM, "仅照明用电")
    response = api_for(area["users"]["county"]).post(
        f"/api/power-alerts/{alert.pk}/arrange-look-back/"
    )
    assert response.status_code == 400
    assert PowerAlert.objects.get(pk=alert.pk).state == AlertState.DISMISSED


def test_the_county_office_and_the_township_are_told_once_per_enterprise_and_month(
    area, django_capture_on_commit_callbacks
):
    case = closed_watched_case(area, NUMBER)
    with django_capture_on_commit_callbacks(execute=True):
        alert_for(area, case, NUMBER)
    with django_capture_on_commit_callbacks(execute=True):
        alert_for(area, case, NUMBER, kwh="400")  # a corrected file: same month, no new alert
    told = {n.recipient.username for n in Notification.objects.filter(kind="power_alert")}
    county, clerk = area["users"]["county"], area["users"]["clerk"]
    assert {county.username, clerk.username} <= told
    assert Notification.objects.filter(kind="power_alert", recipient=county).count() == 1


def test_open_alerts_are_on_the_township_s_to_do_list(area):
    case = closed_watched_case(area, NUMBER)
    alert_for(area, case, NUMBER)
    lists = {entry.key: entry for entry in todo_for(area["users"]["clerk"], timezone.localdate())}
    assert lists["power_alerts"].count == 1


def test_an_alert_of_another_county_is_not_found(area, client_for, api_for):
    case = closed_watched_case(area, NUMBER)
    alert = alert_for(area, case, NUMBER)
    outsider = area["users"]["county_b"]
    assert (
        client_for(outsider).get(reverse("metering:alert_detail", args=[alert.pk])).status_code
        == 404
    )
    assert api_for(outsider).get(f"/api/power-alerts/{alert.pk}/").status_code == 404
    assert (
        api_for(outsider).post(f"/api/power-alerts/{alert.pk}/arrange-look-back/").status_code
        == 404
    )
    assert api_for(outsider).get("/api/power-alerts/").json()["count"] == 0


def test_the_alert_page_shows_the_triggering_readings(area, client_for):
    case = closed_watched_case(area, NUMBER)
    alert = alert_for(area, case, NUMBER, kwh="321")
    page = client_for(area["users"]["county"]).get(
        reverse("metering:alert_detail", args=[alert.pk])
    )
    assert "321.00" in page.text
    assert "安排回头看" in page.text


@pytest.mark.parametrize("url", [reverse("metering:alert_list"), "/api/power-alerts/"])
def test_the_alert_list_runs_the_same_queries_at_3_and_30_alerts(
    area, client_for, django_assert_num_queries, url
):
    case = closed_watched_case(area, NUMBER)
    many_alerts(case, 3)
    client = client_for(area["users"]["county"])
    client.get(url)
    with CaptureQueriesContext(connection) as at_three:
        response = client.get(url)
    assert response.status_code == 200
    PowerAlert.objects.all().delete()
    many_alerts(case, 30)
    with django_assert_num_queries(len(at_three)):
        response = client.get(url)
    assert (
        "共 30 条" in response.text if url.startswith("/power") else response.json()["count"] == 30
    )


def test_an_open_alert_is_on_the_map_layer_and_opens_its_card(area, api_for):
    case = closed_watched_case(area, NUMBER)
    case.enterprise.latitude, case.enterprise.longitude = 46.7, 130.5
    case.enterprise.save()
    alert = alert_for(area, case, NUMBER)
    client = api_for(area["users"]["county"])
    layer = client.get("/api/map/", {"crs": "wgs84"}).json()["power_alerts"]
    assert [row[0] for row in layer["rows"]] == [alert.pk]
    card = client.get(f"/api/map/cards/power_alert/{alert.pk}/").json()
    assert card["title"] == case.enterprise.name
    assert (
        api_for(area["users"]["county_b"])
        .get(f"/api/map/cards/power_alert/{alert.pk}/")
        .status_code
        == 404
    )


def test_the_dashboard_counts_the_open_alerts(area, client_for):
    case = closed_watched_case(area, NUMBER)
    alert_for(area, case, NUMBER)
    page = client_for(area["users"]["county"]).get(reverse("reporting:dashboard"))
    assert page.context["dash"].totals["power_alerts"] == 1
    assert "用电异常待核查" in page.text


def test_an_alert_deducts_from_the_risk_score_until_a_look_back_dismisses_it(
    area, django_capture_on_commit_callbacks
):
    from enterprises.models import Enterprise

    case = closed_watched_case(area, NUMBER)
    with django_capture_on_commit_callbacks(execute=True):
        alert_for(area, case, NUMBER)
    enterprise = Enterprise.objects.get(pk=case.enterprise_id)
    deductions = list(enterprise.risk_deductions.filter(kind="power_alert"))
    assert [deduction.points for deduction in deductions] == [20]
    assert "用电异常" not in deductions[0].detail and "kWh" in deductions[0].detail
    assert enterprise.risk_score == 80
    with django_capture_on_commit_callbacks(execute=True):
        look_back(area, case, InspectionResult.NO_PROBLEM, "仅照明用电")
    enterprise.refresh_from_db()
    assert not enterprise.risk_deductions.filter(kind="power_alert").exists()
    assert enterprise.risk_score == 100


def test_the_alert_list_filters_by_township_and_month_on_the_page_and_in_the_api(
    area, client_for, api_for
):
    case = closed_watched_case(area, NUMBER)
    alert_for(area, case, NUMBER)
    township = case.enterprise.township
    other = area["township_a2"]
    api = api_for(area["users"]["county"])
    assert api.get(f"/api/power-alerts/?township={township.code}").json()["count"] == 1
    assert api.get(f"/api/power-alerts/?township={other.code}").json()["count"] == 0
    assert api.get("/api/power-alerts/?month=2026-10").json()["count"] == 1
    assert api.get("/api/power-alerts/?month=2026-09").json()["count"] == 0
    assert api.get("/api/power-alerts/?month=十月").json()["count"] == 0
    page = client_for(area["users"]["county"]).get(
        f"/power/alerts/?township={township.code}&month=2026-10"
    )
    assert case.enterprise.name in page.content.decode()
    assert 'class="form-select form-select-sm"' in page.content.decode()
