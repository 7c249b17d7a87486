"""/api/submissions/ and /api/report-tables/: the same scoping and rules as the pages."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from reporting.models import Submission
from reporting.periods import Period
from tests.factories.reporting import mixed_ledger, submit_ledger, submit_survey


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_is_scoped_to_the_users_area(area):
    submit_ledger(area)
    submit_survey(area)
    assert api(area["users"]["city"]).get("/api/submissions/").data["count"] == 2
    assert api(area["users"]["county"]).get("/api/submissions/").data["count"] == 2
    assert api(area["users"]["clerk"]).get("/api/submissions/").data["count"] == 1
    assert api(area["users"]["clerk_a2"]).get("/api/submissions/").data["count"] == 0
    assert api(area["users"]["county_b"]).get("/api/submissions/").data["count"] == 0


def test_anonymous_callers_are_refused(db):
    assert APIClient().get("/api/submissions/").status_code in (401, 403)


def test_the_list_uses_the_shared_filterset(area):
    submit_ledger(area)
    submit_survey(area)
    data = api(area["users"]["county"]).get("/api/submissions/?table=survey_summary").data
    assert [row["table_key"] for row in data["results"]] == ["survey_summary"]
    data = api(area["users"]["county"]).get("/api/submissions/?region=110101100000").data
    assert [row["region_code"] for row in data["results"]] == ["110101100000"]


def test_another_areas_submission_is_404(area):
    submission = submit_ledger(area)
    client = api(area["users"]["county_b"])
    assert client.get(f"/api/submissions/{submission.pk}/").status_code == 404
    assert client.post(f"/api/submissions/{submission.pk}/accept/").status_code == 404


def test_a_county_submits_through_the_api(area):
    mixed_ledger(area)
    county = area["users"]["county"]
    response = api(county).post(
        "/api/submissions/",
        {"table": "survey_summary", "period": "2024-03", "signed_by": county.pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.data["version"] == 1
    assert response.data["snapshot"]["totals"][2] == 4
    assert response.data["verification_code"] == Submission.objects.get().verification_code


def test_a_bad_period_or_unknown_table_is_refused_in_chinese(area):
    county = api(area["users"]["county"])
    response = county.post(
        "/api/submissions/", {"table": "survey_summary", "period": "三月"}, format="json"
    )
    assert response.status_code == 400 and "报送期间" in str(response.data)
    response = county.post("/api/submissions/", {"table": "nope", "period": "2024-03"})
    assert response.status_code == 400 and "没有这张报表" in response.data["detail"]
    assert not Submission.objects.exists()


def test_a_clerk_signing_for_themself_is_refused(area):
    response = api(area["users"]["clerk"]).post(
        "/api/submissions/", {"table": "ledger", "period": "2024-03"}, format="json"
    )
    assert response.status_code == 400
    assert "签字负责人" in response.data["detail"]


def test_a_leader_gets_403_from_the_api(area):
    response = api(area["users"]["leader"]).post(
        "/api/submissions/",
        {"table": "survey_summary", "period": "2024-03", "region": "110101000000"},
        format="json",
    )
    assert response.status_code == 403
    assert "只读" in str(response.data["detail"])


def test_accept_return_and_resubmit_through_the_api(area):
    users = area["users"]
    first = submit_ledger(area)
    response = api(users["county"]).post(f"/api/submissions/{first.pk}/return/", {"reason": ""})
    assert response.status_code == 400 and "退回原因" in response.data["detail"]
    response = api(users["county"]).post(
        f"/api/submissions/{first.pk}/return/", {"reason": "缺整治期限"}
    )
    assert response.status_code == 200 and response.data["state"] == "returned"
    response = api(users["clerk"]).post(
        f"/api/submissions/{first.pk}/resubmit/", {"signed_by": users["head"].pk}
    )
    assert response.status_code == 201 and response.data["version"] == 2
    second = response.data["id"]
    response = api(users["county"]).post(f"/api/submissions/{second}/accept/")
    assert response.status_code == 200 and response.data["state"] == "accepted"
    response = api(users["county"]).post(f"/api/submissions/{second}/accept/")
    assert response.status_code == 400


def test_the_clerk_cannot_accept_through_the_api(area):
    submission = submit_ledger(area)
    response = api(area["users"]["clerk"]).post(f"/api/submissions/{submission.pk}/accept/")
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED


def test_the_api_export_is_the_stamped_workbook(area):
    submission = submit_survey(area)
    response = api(area["users"]["city"]).get(f"/api/submissions/{submission.pk}/export/")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws.oddFooter.center.text == f"验证码：{submission.verification_code}"


def test_the_list_runs_the_same_queries_at_two_sizes(area, django_assert_num_queries):
    client = api(area["users"]["city"])
    submit_ledger(area)
    with CaptureQueriesContext(connection) as small:
        client.get("/api/submissions/")
    for month in range(4, 12):
        submit_ledger(area, Period(2024, month))
        submit_survey(area, Period(2024, month))
    with django_assert_num_queries(len(small.captured_queries)):
        data = client.get("/api/submissions/").data
    assert data["count"] == 17


def test_report_tables_lists_the_registry_and_computes_a_table(area):
    mixed_ledger(area)
    client = api(area["users"]["county"])
    keys = [table["key"] for table in client.get("/api/report-tables/").data]
    assert keys[:3] == ["ledger", "supervision_tracking", "survey_summary"]
    data = client.get("/api/report-tables/survey_summary/?period=2024-03").data
    assert data["title"] == "甲县“散乱污”问题摸底情况汇总表"
    assert data["rows"][0][:3] == [1, "甲一镇", 3]
    assert data["totals"][2] == 4


def test_report_tables_refuses_a_region_outside_the_area_and_a_wrong_level(area):
    client = api(area["users"]["clerk"])
    response = client.get("/api/report-tables/ledger/?region=110101101000&period=2024-03")
    assert response.status_code == 404
    response = api(area["users"]["county"]).get("/api/report-tables/ledger/?period=2024-03")
    assert response.status_code == 400 and "不能按" in str(response.data)


def test_the_api_list_does_not_read_the_frozen_tables_but_the_detail_does(area):
    submission = submit_ledger(area)
    client = api(area["users"]["city"])
    with CaptureQueriesContext(connection) as listing:
        assert client.get("/api/submissions/").data["count"] == 1
    assert not any('"snapshot"' in q["sql"] for q in listing.captured_queries)
    with CaptureQueriesContext(connection) as detail:
        assert client.get(f"/api/submissions/{submission.pk}/").data["snapshot"]
    assert any('"snapshot"' in q["sql"] for q in detail.captured_queries)
