"""The browser pages of 报表报送, through Django's test client: scoping, refusals, query counts."""

import datetime
import io

from openpyxl import load_workbook

from reporting.models import Submission
from reporting.submissions import services
from tests.factories.reporting import (
    PERIOD,
    enterprises,
    give_seal,
    jpeg_bytes,
    mixed_ledger,
    png_bytes,
    seal_upload,
    submit_ledger,
    submit_survey,
    submitted_on,
)


def submit_survey_on_page(client, signer, confirm=True, **options):
    """Post the 汇总表 of county 甲 for March 2024 from its page, signed by `signer`."""
    data = {"period": "2024-03", "region": "110101000000", "signed_by": signer.pk}
    if confirm:
        data["confirm"] = "on"
    return client.post("/reports/tables/survey_summary/submit/", data, **options)


def test_the_hub_shows_a_county_which_townships_are_late(client_for, area):
    submitted_on(submit_ledger(area), datetime.date(2024, 3, 20))
    page = client_for(area["users"]["county"]).get("/reports/?period=2024-03").content.decode()
    assert "下级报送情况" in page
    assert "甲一镇" in page and "已报送" in page
    assert "逾期未报" in page  # 甲二乡 never filed its ledger
    assert "本单位应报报表" in page  # the county's own survey summary


def test_the_hub_shows_a_township_only_its_own_tables(client_for, area):
    page = client_for(area["users"]["clerk"]).get("/reports/?period=2024-03").content.decode()
    assert "本单位应报报表" in page and "下级报送情况" not in page


def test_a_malformed_period_on_the_hub_says_so_and_shows_this_month(client_for, area):
    response = client_for(area["users"]["county"]).get("/reports/?period=2024-99")
    assert response.status_code == 200
    assert "报送期间" in response.content.decode()


def test_the_table_page_shows_live_numbers_and_the_submit_form_to_the_submitter(client_for, area):
    mixed_ledger(area)
    page = (
        client_for(area["users"]["county"])
        .get("/reports/tables/survey_summary/?period=2024-03&region=110101000000")
        .content.decode()
    )
    assert "甲县“散乱污”问题摸底情况汇总表" in page
    assert 'id="submit-table"' in page
    assert "<td>合计</td>" in page


def test_the_bureau_leader_sees_the_table_but_no_submit_form(client_for, area):
    page = (
        client_for(area["users"]["leader"])
        .get("/reports/tables/survey_summary/?period=2024-03&region=110101000000")
        .content.decode()
    )
    assert "摸底情况汇总表" in page and 'id="submit-table"' not in page


def test_a_clerk_cannot_open_another_townships_table(client_for, area):
    response = client_for(area["users"]["clerk"]).get(
        "/reports/tables/ledger/?period=2024-03&region=110101101000"
    )
    assert response.status_code == 404


def test_an_unknown_table_is_404(client_for, area):
    assert client_for(area["users"]["county"]).get("/reports/tables/nope/").status_code == 404


def test_the_draft_export_downloads_a_workbook(client_for, area):
    mixed_ledger(area)
    response = client_for(area["users"]["county"]).get(
        "/reports/tables/survey_summary/export/?period=2024-03&region=110101000000"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws["C8"].value == 4


def test_submitting_from_the_page_freezes_the_table_and_opens_it(client_for, area):
    mixed_ledger(area)
    county = area["users"]["county"]
    response = submit_survey_on_page(client_for(county), county)
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/submissions/{submission.pk}/"
    assert submission.snapshot["totals"][2] == 4


def test_submitting_without_confirming_changes_nothing(client_for, area):
    county = area["users"]["county"]
    response = submit_survey_on_page(client_for(county), county, confirm=False, follow=True)
    assert "请勾选确认后再报送" in response.content.decode()
    assert not Submission.objects.exists()


def test_submitting_twice_from_the_page_is_refused_in_chinese(client_for, area):
    submit_survey(area)
    county = area["users"]["county"]
    response = submit_survey_on_page(client_for(county), county, follow=True)
    assert "已经报送" in response.content.decode()
    assert Submission.objects.count() == 1


def test_a_leader_posting_a_submission_is_forbidden(client_for, area):
    leader = area["users"]["leader"]
    response = submit_survey_on_page(client_for(leader), leader)
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_the_county_returns_and_the_clerk_resubmits_through_the_pages(client_for, area):
    users = area["users"]
    submission = submit_ledger(area)
    client = client_for(users["county"])
    page = client.get(f"/reports/submissions/{submission.pk}/").content.decode()
    assert 'id="return-submission"' in page and 'id="accept-submission"' in page
    client.post(f"/reports/submissions/{submission.pk}/return/", {"reason": "缺整治期限"})
    submission.refresh_from_db()
    assert submission.state == Submission.State.RETURNED
    client = client_for(users["clerk"])
    page = client.get(f"/reports/submissions/{submission.pk}/").content.decode()
    assert "缺整治期限" in page and 'id="resubmit-submission"' in page
    response = client.post(
        f"/reports/submissions/{submission.pk}/resubmit/",
        {"signed_by": users["head"].pk, "confirm": "on"},
    )
    second = Submission.objects.get(version=2)
    assert response["Location"] == f"/reports/submissions/{second.pk}/"


def test_returning_without_a_reason_changes_nothing(client_for, area):
    submission = submit_ledger(area)
    response = client_for(area["users"]["county"]).post(
        f"/reports/submissions/{submission.pk}/return/", {"reason": ""}, follow=True
    )
    assert "必须填写退回原因" in response.content.decode()
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED


def test_the_clerk_cannot_accept_their_own_submission(client_for, area):
    submission = submit_ledger(area)
    client = client_for(area["users"]["clerk"])
    page = client.get(f"/reports/submissions/{submission.pk}/").content.decode()
    assert 'id="accept-submission"' not in page
    assert client.post(f"/reports/submissions/{submission.pk}/accept/").status_code == 403


def test_another_countys_office_cannot_see_the_submission(client_for, area):
    submission = submit_ledger(area)
    client = client_for(area["users"]["county_b"])
    assert client.get(f"/reports/submissions/{submission.pk}/").status_code == 404
    assert client.get(f"/reports/submissions/{submission.pk}/export/").status_code == 404
    assert client.post(f"/reports/submissions/{submission.pk}/accept/").status_code == 404


def test_the_clerk_of_another_township_does_not_see_it_in_the_list(client_for, area):
    submit_ledger(area)
    page = client_for(area["users"]["clerk_a2"]).get("/reports/submissions/").content.decode()
    assert "甲一镇政府" not in page
    page = client_for(area["users"]["city"]).get("/reports/submissions/").content.decode()
    assert "甲一镇政府" in page


def test_the_list_filters_by_table_period_and_state(client_for, area):
    submit_ledger(area)
    submit_survey(area)
    client = client_for(area["users"]["county"])
    page = client.get("/reports/submissions/?table=ledger&period=2024-03").content.decode()
    assert "甲县小散乱污企业排查台账</a>" in page and "摸底情况汇总表</a>" not in page
    page = client.get("/reports/submissions/?state=accepted").content.decode()
    assert "没有符合条件的报送记录" in page


def test_the_submission_list_runs_a_fixed_number_of_queries(
    client_for, area, django_assert_num_queries
):
    from reporting.periods import Period

    client = client_for(area["users"]["city"])
    submit_ledger(area)
    client.get("/reports/submissions/")  # warm the session and the user

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert client.get("/reports/submissions/").status_code == 200
        return len(context.captured_queries)

    small = count_queries()
    for month in range(4, 12):
        submit_ledger(area, Period(2024, month))
        submit_survey(area, Period(2024, month))
    with django_assert_num_queries(small):
        response = client.get("/reports/submissions/")
    assert response.content.decode().count("<code>") == 17


def test_the_stamped_export_comes_from_the_snapshot(client_for, area):
    enterprises(area["township_a1"], 1, name="报送时的厂")
    give_seal(area["orgs"]["township_a1"])
    submission = submit_ledger(area)
    enterprises(area["township_a1"], 1, name="后来的厂")
    response = client_for(area["users"]["county"]).get(
        f"/reports/submissions/{submission.pk}/export/"
    )
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws["C5"].value == "报送时的厂" and ws["A6"].value.startswith("注：")
    assert len(ws._images) == 1
    assert ws.oddFooter.center.text == f"验证码：{submission.verification_code}"


def test_a_county_office_uploads_its_seal(client_for, area):
    client = client_for(area["users"]["county"])
    response = client.post("/reports/seal/", {"seal": seal_upload()})
    assert response.status_code == 302
    office = area["orgs"]["county_office"]
    office.refresh_from_db()
    assert office.seal.name.startswith("seals/")
    image = client.get("/reports/seal/image/")
    assert image.status_code == 200 and b"".join(image.streaming_content)[:4] == b"\x89PNG"


def test_a_jpeg_seal_is_refused_and_the_old_seal_stays(client_for, area):
    office = give_seal(area["orgs"]["county_office"])
    old_name = office.seal.name
    client = client_for(area["users"]["county"])
    response = client.post("/reports/seal/", {"seal": seal_upload("seal.jpg", jpeg_bytes())})
    assert "必须是 PNG 格式" in response.content.decode()
    office.refresh_from_db()
    assert office.seal.name == old_name


def test_a_file_that_is_not_an_image_is_refused_as_a_seal(client_for, area):
    client = client_for(area["users"]["county"])
    response = client.post("/reports/seal/", {"seal": seal_upload("seal.png", b"not an image")})
    assert "PNG" in response.content.decode()
    area["orgs"]["county_office"].refresh_from_db()
    assert not area["orgs"]["county_office"].seal


def test_a_clerk_cannot_upload_the_townships_seal(client_for, area):
    response = client_for(area["users"]["clerk"]).post(
        "/reports/seal/", {"seal": seal_upload(content=png_bytes())}
    )
    assert response.status_code == 403


def test_a_township_head_uploads_the_townships_seal(client_for, area):
    client_for(area["users"]["head"]).post("/reports/seal/", {"seal": seal_upload()})
    area["orgs"]["township_a1"].refresh_from_db()
    assert area["orgs"]["township_a1"].seal


def test_the_navigation_offers_reporting_to_clerks_and_verification_to_everyone(client_for, area):
    page = client_for(area["users"]["clerk"]).get("/reports/").content.decode()
    assert "报表报送" in page and "验证报表" in page
    page = client_for(area["users"]["officer"]).get("/").content.decode()
    assert "报表报送" not in page and "验证报表" in page


def test_reports_need_a_login(client, db):
    assert client.get("/reports/").status_code == 302


def test_accepting_through_the_page_records_the_reviewer(client_for, area):
    submission = submit_survey(area)
    client_for(area["users"]["city"]).post(f"/reports/submissions/{submission.pk}/accept/")
    submission.refresh_from_db()
    assert submission.state == Submission.State.ACCEPTED
    assert submission.decided_by == area["users"]["city"]
    assert services.eligible_signers(area["orgs"]["county_office"]).count() == 1
    assert PERIOD.key == "2024-03"


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_table_pages_run_a_fixed_number_of_queries(client_for, area):
    client = client_for(area["users"]["county"])
    survey = "/reports/tables/survey_summary/?period=2024-03&region=110101000000"
    ledger = "/reports/tables/ledger/?period=2024-03&region=110101100000"
    client.get(survey)
    enterprises(area["township_a1"], 2)
    small = count_queries(client, survey), count_queries(client, ledger)
    enterprises(area["township_a1"], 30)
    enterprises(area["township_a2"], 12)
    assert (count_queries(client, survey), count_queries(client, ledger)) == small


def test_the_hub_runs_a_fixed_number_of_queries(client_for, area):
    from reporting.periods import Period

    client = client_for(area["users"]["county"])
    client.get("/reports/?period=2024-03")
    small = count_queries(client, "/reports/?period=2024-03")
    submit_ledger(area)
    submit_survey(area)
    services.return_submission(
        submit_ledger(area, Period(2024, 4)), by=area["users"]["county"], reason="x"
    )
    assert count_queries(client, "/reports/?period=2024-03") == small


def test_the_hub_lists_the_ledger_for_a_county_to_open_per_township(client_for, area):
    page = client_for(area["users"]["county"]).get("/reports/").content.decode()
    assert "/reports/tables/ledger/" in page and "/reports/tables/survey_summary/" in page
    page = client_for(area["users"]["clerk"]).get("/reports/").content.decode()
    assert "/reports/tables/ledger/" in page


def test_the_submission_list_does_not_read_the_frozen_tables(client_for, area):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit_ledger(area)
    client = client_for(area["users"]["city"])
    with CaptureQueriesContext(connection) as context:
        page = client.get("/reports/submissions/")
    assert page.status_code == 200 and "甲县小散乱污企业排查台账</a>" in page.content.decode()
    listing = [q["sql"] for q in context.captured_queries if "reporting_submission" in q["sql"]]
    assert listing and not any('"snapshot"' in sql for sql in listing)
