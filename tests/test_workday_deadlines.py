"""Deadlines given as "N 个工作日" are counted on the statutory calendar — through the case
services, the case page and the API, and for tip response times — and stored as dates."""

import datetime

import pytest
from django.utils import timezone

from accounts.deadlines import calendar_warning, resolve_deadline
from accounts.refusals import Refused
from accounts.workdays import add_working_days
from inspections.models import Tip, TipState
from inspections.reminders import remind_waiting_tips
from inspections.services import assign_tip
from notices.models import Notification
from rectification import workflow
from rectification.models import Case, CaseEvent, DeadlineExtension, Disposal, Requirement
from rectification.workflow import cases, rules
from tests.factories.inspections import TipFactory
from tests.factories.rectification import (
    awaiting_case,
    closed_case,
    determine_form,
    extend,
    found_case,
    in_progress_case,
    post_case_action,
)

pytestmark = pytest.mark.django_db

D = datetime.date
# Thursday before the 2026 Spring Festival holiday (15–23 February; Saturday 14th is worked).
BEFORE_SPRING_FESTIVAL = D(2026, 2, 12)
# Thursday after the National Day holiday; Saturday 2026-10-10 is a 调休 working day.
AFTER_NATIONAL_DAY = D(2026, 10, 8)


@pytest.fixture
def on_day(monkeypatch):
    """Set the workflow's "today" (the day a working-day count starts from)."""

    def set_day(day):
        monkeypatch.setattr(cases, "today", lambda: day)
        monkeypatch.setattr(rules, "today", lambda: day)

    return set_day


def in_progress_on(area, day, on_day):
    """A case worked on from `day`, whose current deadline is the next day."""
    on_day(day)
    case = determine(
        found_case(area), area["users"]["county"], area, deadline=day + datetime.timedelta(days=1)
    )
    return workflow.start_remediation(case, by=area["users"]["clerk"])


def determine(case, user, area, **deadline):
    return workflow.determine_case(
        case,
        by=user,
        disposal=Disposal.SHUTDOWN,
        requirement=Requirement.DEMOLISH,
        measures="依法关停取缔",
        responsible_unit=area["orgs"]["township_a1"],
        responsible_person="王分包",
        **deadline,
    )


# --- the service ---------------------------------------------------------------------------


def test_determining_with_working_days_skips_the_spring_festival(area, on_day):
    on_day(BEFORE_SPRING_FESTIVAL)
    case = determine(found_case(area), area["users"]["county"], area, working_days=5)
    case.refresh_from_db()
    # Fri 13, Sat 14 (调休), holiday 15–23, Tue 24, Wed 25, Thu 26.
    assert case.deadline == D(2026, 2, 26)
    assert case.original_deadline == D(2026, 2, 26)
    assert case.deadline_working_days == 5
    assert case.deadline_display == "2026-02-26（5 个工作日）"
    event = CaseEvent.objects.filter(case=case, action=CaseEvent.Action.DETERMINE).get()
    assert "2026-02-26（5 个工作日）" in event.comment


def test_an_extension_in_working_days_lands_on_a_makeup_saturday(area, on_day):
    case = in_progress_on(area, AFTER_NATIONAL_DAY, on_day)
    extend(case, area, reason="设备拆除需协调", working_days=2)
    case.refresh_from_db()
    assert case.deadline == D(2026, 10, 10) and case.deadline.weekday() == 5
    extension = DeadlineExtension.objects.get(case=case)
    assert extension.working_days == 2
    assert extension.new_deadline_display == "2026-10-10（2 个工作日）"


def test_a_date_given_directly_is_stored_without_a_working_day_count(area):
    case = in_progress_case(area)
    new_deadline = case.deadline + datetime.timedelta(days=9)
    extend(case, area, reason="雨季", new_deadline=new_deadline)
    case.refresh_from_db()
    assert case.deadline == new_deadline and case.deadline_working_days is None
    assert case.deadline_display == f"{new_deadline:%Y-%m-%d}"


def test_failed_verification_counts_the_new_deadline_over_the_holiday(area, on_day):
    case = awaiting_case(area)
    on_day(BEFORE_SPRING_FESTIVAL)
    workflow.fail_verification(
        case,
        by=area["users"]["county"],
        note="设备未拆除",
        working_days=3,
        failed_steps=case.steps.all()[:1],
    )
    case.refresh_from_db()
    assert case.deadline == D(2026, 2, 24) and case.deadline_working_days == 3


def test_a_relapse_reopens_with_a_deadline_in_working_days(area, on_day):
    case = closed_case(area)
    on_day(BEFORE_SPRING_FESTIVAL)
    workflow.reopen_for_relapse(case, by=area["users"]["county"], note="夜间偷偷生产")
    case.refresh_from_db()
    expected = add_working_days(BEFORE_SPRING_FESTIVAL, workflow.RELAPSE_DEADLINE_WORKING_DAYS)
    assert case.deadline == expected
    # Twenty working days from 12 February: both 调休 Saturdays (14th, 28th) count, the
    # nine-day holiday does not.
    assert expected == D(2026, 3, 18)


def test_giving_both_a_date_and_working_days_is_refused_and_changes_nothing(area):
    case = found_case(area)
    with pytest.raises(Refused, match="只填写日期或工作日天数其中一项"):
        determine(
            case,
            area["users"]["county"],
            area,
            deadline=timezone.localdate() + datetime.timedelta(days=10),
            working_days=5,
        )
    case.refresh_from_db()
    assert case.state == "found" and case.deadline is None


def test_giving_neither_a_date_nor_working_days_is_refused(area):
    case = found_case(area)
    with pytest.raises(Refused, match="请填写整治期限（日期或工作日天数）"):
        determine(case, area["users"]["county"], area)
    assert Case.objects.get(pk=case.pk).state == "found"


def test_a_working_day_count_out_of_range_is_refused(area):
    case = in_progress_case(area)
    with pytest.raises(Refused, match="工作日天数须在 1 到 365 之间"):
        extend(case, area, reason="x", working_days=0)
    assert not DeadlineExtension.objects.filter(case=case).exists()


def test_a_count_into_a_year_without_holiday_data_warns_in_chinese():
    assert calendar_warning(D(2026, 12, 30), start=D(2026, 12, 1)) == ""
    warning = calendar_warning(D(2027, 1, 20), start=D(2026, 12, 1))
    assert "2027 年" in warning and "只扣除了周末" in warning
    # Weekends are still skipped in the unknown year: Fri 2027-01-01 + 1 → Mon 4th.
    assert resolve_deadline(working_days=1, start=D(2027, 1, 1)) == (D(2027, 1, 4), 1)


# --- the case page -------------------------------------------------------------------------


def test_the_case_page_accepts_working_days_and_shows_the_date(area, client_for, on_day):
    on_day(BEFORE_SPRING_FESTIVAL)
    case = found_case(area)
    client = client_for(area["users"]["county"])
    response = post_case_action(
        client, case, "determine", determine_form(case, area, working_days="5")
    )
    page = response.content.decode()
    assert "案件已认定" in page
    assert "2026-02-26（5 个工作日）" in page
    assert Case.objects.get(pk=case.pk).deadline == D(2026, 2, 26)


def test_the_case_page_refuses_both_fields_in_chinese(area, client_for):
    case = found_case(area)
    response = post_case_action(
        client_for(area["users"]["county"]),
        case,
        "determine",
        determine_form(
            case,
            area,
            deadline=(timezone.localdate() + datetime.timedelta(days=9)).isoformat(),
            working_days="5",
        ),
    )
    assert "请只填写日期或工作日天数其中一项" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "found"


def test_the_case_page_warns_when_the_count_runs_into_an_unloaded_year(area, client_for, on_day):
    on_day(D(2026, 12, 10))
    case = in_progress_case(area)
    response = post_case_action(
        client_for(area["users"]["clerk"]),
        case,
        "extend",
        {
            "version": case.version,
            "working_days": "30",
            "reason": "冬季停工",
            "approver": area["users"]["county"].pk,
        },
    )
    page = response.content.decode()
    assert "整治期限已延长" in page
    assert "2027 年的法定节假日和调休安排尚未载入" in page


# --- the API -------------------------------------------------------------------------------


def test_the_api_determines_with_working_days(area, client_for, on_day):
    on_day(BEFORE_SPRING_FESTIVAL)
    case = found_case(area)
    response = client_for(area["users"]["county"]).post(
        f"/api/cases/{case.pk}/determine/",
        determine_form(case, area, working_days=5),
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["deadline"] == "2026-02-26"
    assert body["deadline_working_days"] == 5
    assert body["deadline_display"] == "2026-02-26（5 个工作日）"
    assert body["deadline_warning"] == ""


def test_the_api_extends_onto_the_makeup_saturday(area, client_for, on_day):
    case = in_progress_on(area, AFTER_NATIONAL_DAY, on_day)
    response = client_for(area["users"]["clerk"]).post(
        f"/api/cases/{case.pk}/extend/",
        {"working_days": 2, "reason": "雨季", "approver": area["users"]["county"].pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["deadline"] == "2026-10-10"
    assert response.json()["extensions"][-1]["working_days"] == 2


def test_the_api_refuses_both_fields_in_chinese(area, client_for):
    case = in_progress_case(area)
    before = case.deadline
    response = client_for(area["users"]["clerk"]).post(
        f"/api/cases/{case.pk}/extend/",
        {
            "new_deadline": (before + datetime.timedelta(days=5)).isoformat(),
            "working_days": 2,
            "reason": "雨季",
            "approver": area["users"]["county"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "只填写日期或工作日天数其中一项" in str(response.json())
    assert Case.objects.get(pk=case.pk).deadline == before


def test_the_api_reports_the_unloaded_year_warning(area, client_for, on_day):
    on_day(D(2026, 12, 10))
    case = in_progress_case(area)
    response = client_for(area["users"]["clerk"]).post(
        f"/api/cases/{case.pk}/extend/",
        {"working_days": 30, "reason": "冬季停工", "approver": area["users"]["county"].pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["deadline"].startswith("2027-01")
    assert "2027 年的法定节假日和调休安排尚未载入" in response.json()["deadline_warning"]


# --- tip response times --------------------------------------------------------------------


def test_an_assigned_tip_gets_a_verify_by_date_in_working_days(area):
    tip = TipFactory(county=area["county_a"])
    assign_tip(
        tip,
        by=area["users"]["county"],
        organisation=area["orgs"]["environment"],
        working_days=3,
    )
    tip.refresh_from_db()
    assert tip.verify_due == add_working_days(timezone.localdate(), 3)
    assert tip.verify_working_days == 3


def test_a_tip_defaults_to_five_working_days(area):
    tip = TipFactory(county=area["county_a"])
    assign_tip(tip, by=area["users"]["county"], organisation=area["orgs"]["environment"])
    tip.refresh_from_db()
    assert tip.verify_due == add_working_days(timezone.localdate(), 5)


def test_a_tip_with_both_a_date_and_working_days_is_refused(area):
    tip = TipFactory(county=area["county_a"])
    with pytest.raises(Refused, match="只填写日期或工作日天数其中一项"):
        assign_tip(
            tip,
            by=area["users"]["county"],
            organisation=area["orgs"]["environment"],
            verify_due=timezone.localdate() + datetime.timedelta(days=3),
            working_days=3,
        )
    assert Tip.objects.get(pk=tip.pk).state == TipState.RECEIVED


def test_the_tip_reminder_follows_the_stored_verify_by_date(area):
    today = timezone.localdate()
    long_ago = timezone.now() - datetime.timedelta(days=20)
    # Assigned long ago, but its verify-by date is still ahead: no reminder.
    TipFactory(
        county=area["county_a"],
        state=TipState.ASSIGNED,
        assigned_organisation=area["orgs"]["environment"],
        assigned_at=long_ago,
        verify_due=today + datetime.timedelta(days=1),
    )
    assert remind_waiting_tips() == 0
    # Past its verify-by date: reminded, and the notice names the date.
    late = TipFactory(
        county=area["county_a"],
        state=TipState.ASSIGNED,
        assigned_organisation=area["orgs"]["environment"],
        assigned_at=timezone.now(),
        verify_due=today - datetime.timedelta(days=1),
        verify_working_days=5,
    )
    assert remind_waiting_tips() == 1
    notice = Notification.objects.get()
    assert late.receipt_number in notice.subject and "核查期限" in notice.subject


def test_the_tip_api_accepts_working_days(area, client_for):
    tip = TipFactory(county=area["county_a"])
    response = client_for(area["users"]["county"]).post(
        f"/api/tips/{tip.pk}/assign/",
        {"organisation": area["orgs"]["environment"].pk, "working_days": 4},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["verify_due"] == add_working_days(timezone.localdate(), 4).isoformat()
    assert response.json()["verify_working_days"] == 4
