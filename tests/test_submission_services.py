"""Submitting, accepting, returning and resubmitting: who may, when, and what is frozen."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts.models import Role
from accounts.refusals import Refused
from reporting.models import Submission
from reporting.periods import Period
from reporting.submissions import services
from reporting.submissions.digest import sheet_digest
from reporting.submissions.printed import expected_sheet
from reporting.submissions.status import own_status, status_board
from tests.factories.accounts import UserFactory
from tests.factories.reporting import (
    PERIOD,
    enterprises,
    mixed_ledger,
    submit_ledger,
    submit_survey,
    submitted_on,
)


def test_a_clerk_submits_the_township_ledger_signed_by_the_head(area):
    enterprises(area["township_a1"], 2)
    submission = submit_ledger(area)
    assert submission.state == Submission.State.SUBMITTED
    assert submission.version == 1
    assert submission.signed_by == area["users"]["head"]
    assert submission.submitted_by == area["users"]["clerk"]
    assert submission.organisation == area["orgs"]["township_a1"]
    assert submission.deadline == datetime.date(2024, 3, 23)
    assert len(submission.snapshot["rows"]) == 2
    assert len(submission.digest) == 64
    code = submission.verification_code
    assert len(code) == 19 and code.count("-") == 3
    assert code.replace("-", "").lower() == submission.digest[:16]


def test_the_digest_covers_the_whole_printed_sheet_and_the_identifying_fields(area):
    mixed_ledger(area)
    submission = submit_survey(area)
    snapshot = submission.snapshot
    identity = services.snapshot_identity(snapshot)
    sheet = expected_sheet(snapshot)
    assert snapshot["digest_version"] == 2
    assert sheet_digest(identity, sheet) == submission.digest
    assert sheet[0] == ["甲县“散乱污”问题摸底情况汇总表"] and sheet[1] == [
        "填报单位：甲县整治办（盖章）"
    ]
    assert sheet[-1][0].startswith("验证码：####-####-####-####")
    changed = [list(row) for row in sheet]
    changed[5][2] = str(int(changed[5][2]) + 1)
    assert sheet_digest(identity, changed) != submission.digest
    retitled = [["别的标题"], *sheet[1:]]
    assert sheet_digest(identity, retitled) != submission.digest
    assert sheet_digest({**identity, "version": 2}, sheet) != submission.digest


def test_later_ledger_edits_do_not_change_a_submitted_table(area):
    [enterprise] = enterprises(area["township_a1"], 1, name="原名称")
    submission = submit_ledger(area)
    enterprise.name = "改过的名称"
    enterprise.save()
    enterprises(area["township_a1"], 3)
    submission.refresh_from_db()
    assert [row[2] for row in submission.snapshot["rows"]] == ["原名称"]


def test_the_signer_must_be_the_townships_head(area):
    users = area["users"]
    with pytest.raises(Refused, match="签字负责人必须是本单位的主要负责同志"):
        services.submit_table(
            "ledger", area["township_a1"], PERIOD, by=users["clerk"], signed_by=users["clerk"]
        )
    assert not Submission.objects.exists()


def test_a_clerk_cannot_submit_for_another_township(area):
    users = area["users"]
    with pytest.raises(PermissionDenied, match="只能报送本单位所在区域"):
        services.submit_table(
            "ledger", area["township_a2"], PERIOD, by=users["clerk"], signed_by=users["head"]
        )


def test_a_bureau_leader_cannot_submit(area):
    leader = area["users"]["leader"]
    with pytest.raises(PermissionDenied, match="只读"):
        services.submit_table(
            "survey_summary", area["county_a"], PERIOD, by=leader, signed_by=leader
        )


def test_a_department_officer_cannot_submit_the_county_table(area):
    officer, county = area["users"]["officer"], area["users"]["county"]
    with pytest.raises(PermissionDenied):
        services.submit_table(
            "survey_summary", area["county_a"], PERIOD, by=officer, signed_by=county
        )


def test_the_county_does_not_submit_a_ledger(area):
    county = area["users"]["county"]
    with pytest.raises(Refused, match="不由县（市、区）一级报送"):
        services.submit_table("ledger", area["county_a"], PERIOD, by=county, signed_by=county)


def test_the_same_table_cannot_be_submitted_twice_for_a_period(area):
    submit_ledger(area)
    with pytest.raises(Refused, match="已经报送"):
        submit_ledger(area)
    assert Submission.objects.count() == 1
    submit_ledger(area, Period(2024, 4))
    assert Submission.objects.count() == 2


def test_the_database_refuses_a_second_live_version_even_if_the_check_is_raced(area):
    first = submit_ledger(area)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(
            **{
                field: getattr(first, field)
                for field in [
                    "table_key",
                    "title",
                    "region",
                    "organisation",
                    "period",
                    "snapshot",
                    "digest",
                    "signed_by",
                    "submitted_by",
                    "submitted_at",
                    "first_submitted_at",
                    "deadline",
                ]
            },
            version=2,
            verification_code="0000-0000-0000-0000",
        )


def test_the_county_office_accepts_a_township_submission(area):
    submission = services.accept_submission(submit_ledger(area), by=area["users"]["county"])
    submission.refresh_from_db()
    assert submission.state == Submission.State.ACCEPTED
    assert submission.decided_by == area["users"]["county"]
    assert submission.decided_at is not None


@pytest.mark.parametrize("who", ["clerk", "head", "city", "county_b", "leader", "officer"])
def test_only_the_county_office_above_reviews_a_township_submission(area, who):
    submission = submit_ledger(area)
    with pytest.raises(PermissionDenied):
        services.accept_submission(submission, by=area["users"][who])
    with pytest.raises(PermissionDenied):
        services.return_submission(submission, by=area["users"][who], reason="不对")
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED


def test_the_city_office_reviews_the_county_submission_and_the_county_cannot(area):
    submission = submit_survey(area)
    with pytest.raises(PermissionDenied):
        services.accept_submission(submission, by=area["users"]["county"])
    services.return_submission(submission, by=area["users"]["city"], reason="合计有误")
    submission.refresh_from_db()
    assert submission.state == Submission.State.RETURNED
    assert submission.return_reason == "合计有误"


def test_returning_needs_a_reason(area):
    submission = submit_ledger(area)
    with pytest.raises(Refused, match="退回原因"):
        services.return_submission(submission, by=area["users"]["county"], reason="   ")
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED


def test_an_accepted_submission_can_be_neither_accepted_again_nor_returned(area):
    submission = services.accept_submission(submit_ledger(area), by=area["users"]["county"])
    with pytest.raises(Refused, match="只有“已报送”的报表可以接收"):
        services.accept_submission(submission, by=area["users"]["county"])
    with pytest.raises(Refused, match="只有“已报送”的报表可以退回"):
        services.return_submission(submission, by=area["users"]["county"], reason="晚了")


def test_a_returned_table_is_resubmitted_as_a_new_version_and_the_old_one_is_kept(area):
    users = area["users"]
    enterprises(area["township_a1"], 1)
    first = submit_ledger(area)
    services.return_submission(first, by=users["county"], reason="缺整治期限")
    enterprises(area["township_a1"], 1)
    second = services.resubmit(first, by=users["clerk"], signed_by=users["head"])
    first.refresh_from_db()
    assert second.version == 2 and second.previous == first
    assert second.state == Submission.State.SUBMITTED
    assert first.state == Submission.State.RETURNED
    assert len(first.snapshot["rows"]) == 1 and len(second.snapshot["rows"]) == 2
    assert first.verification_code != second.verification_code


def test_a_returned_table_cannot_be_submitted_afresh_only_resubmitted(area):
    first = submit_ledger(area)
    services.return_submission(first, by=area["users"]["county"], reason="重报")
    with pytest.raises(Refused, match="重新报送"):
        submit_ledger(area)


def test_only_a_returned_version_can_be_resubmitted_and_only_once(area):
    users = area["users"]
    first = submit_ledger(area)
    with pytest.raises(Refused, match="只有被退回的报表可以重新报送"):
        services.resubmit(first, by=users["clerk"], signed_by=users["head"])
    services.return_submission(first, by=users["county"], reason="重报")
    services.resubmit(first, by=users["clerk"], signed_by=users["head"])
    with pytest.raises(Refused):
        services.resubmit(first, by=users["clerk"], signed_by=users["head"])
    assert Submission.objects.count() == 2


def test_another_townships_clerk_cannot_resubmit(area):
    users = area["users"]
    first = submit_ledger(area)
    services.return_submission(first, by=users["county"], reason="重报")
    with pytest.raises(PermissionDenied):
        services.resubmit(first, by=users["clerk_a2"], signed_by=users["head"])


def test_the_county_board_shows_who_submitted_and_who_is_late(area):
    submission = submitted_on(submit_ledger(area), datetime.date(2024, 3, 25))
    board = status_board(area["county_a"], PERIOD, today=datetime.date(2024, 3, 24))
    assert [row.region.name for row in board.rows] == ["甲一镇", "甲二乡"]
    assert [[cell.table.key for cell in row.cells] for row in board.rows] == [["ledger"]] * 2
    [ledger_a1], [ledger_a2] = (row.cells for row in board.rows)
    assert ledger_a1.latest == submission and ledger_a1.is_late
    assert ledger_a1.label == "已报送（逾期）"
    assert ledger_a2.latest is None and ledger_a2.label == "逾期未报"
    assert (board.expected, board.submitted, board.late) == (2, 1, 2)


def test_before_the_deadline_a_missing_ledger_is_only_not_yet_submitted(area):
    board = status_board(area["county_a"], PERIOD, today=datetime.date(2024, 3, 23))
    assert [row.cells[0].label for row in board.rows] == ["未报送", "未报送"]
    assert board.late == 0


def test_a_resubmission_is_judged_late_by_its_first_version(area):
    users = area["users"]
    first = submitted_on(submit_ledger(area), datetime.date(2024, 3, 20))
    services.return_submission(first, by=users["county"], reason="重报")
    second = submitted_on(
        services.resubmit(first, by=users["clerk"], signed_by=users["head"]),
        datetime.date(2024, 3, 27),
    )
    cell = status_board(area["county_a"], PERIOD, today=datetime.date(2024, 3, 28)).rows[0].cells[0]
    assert cell.latest == second and cell.versions == 2
    assert cell.label == "已报送"


def test_the_city_board_lists_counties_and_their_survey_summary(area):
    submitted_on(submit_survey(area), datetime.date(2024, 3, 28))
    board = status_board(area["city"], PERIOD, today=datetime.date(2024, 3, 1))
    assert [row.region.name for row in board.rows] == ["甲县", "乙县"]
    survey = [
        cell.label for row in board.rows for cell in row.cells if cell.table.key == "survey_summary"
    ]
    assert survey == ["已报送", "未报送"]


def test_the_board_costs_two_queries_whatever_the_number_of_submissions(
    area, django_assert_num_queries
):
    with django_assert_num_queries(2):
        status_board(area["county_a"], PERIOD)
    extra_head = UserFactory(
        username="head_a2", role=Role.TOWNSHIP_HEAD, organisation=area["orgs"]["township_a2"]
    )
    submit_ledger(area)
    services.submit_table(
        "ledger", area["township_a2"], PERIOD, by=area["users"]["clerk_a2"], signed_by=extra_head
    )
    with django_assert_num_queries(2):
        board = status_board(area["county_a"], PERIOD)
    assert board.submitted == 2


def test_a_township_sees_what_it_owes_this_period(area):
    submitted_on(submit_ledger(area), datetime.date(2024, 3, 20))
    own = own_status(area["township_a1"], PERIOD, today=datetime.date(2024, 3, 24))
    assert [(cell.table.key, cell.label) for cell in own.rows[0].cells] == [("ledger", "已报送")]
    own = own_status(area["county_a"], PERIOD, today=datetime.date(2024, 3, 31))
    assert [(cell.table.key, cell.label) for cell in own.rows[0].cells] == [
        ("supervision_tracking", "逾期未报"),
        ("survey_summary", "逾期未报"),
        ("cleanup_summary", "逾期未报"),
        ("improvement_summary", "逾期未报"),
        ("monthly_report", "逾期未报"),
    ]


def test_a_resubmission_keeps_the_first_versions_filing_date_for_lateness(area):
    users = area["users"]
    first = submitted_on(submit_ledger(area), datetime.date(2024, 3, 20))
    services.return_submission(first, by=users["county"], reason="重报")
    second = services.resubmit(first, by=users["clerk"], signed_by=users["head"])
    assert second.first_submitted_at == first.first_submitted_at
    assert not second.is_late and not first.is_late
