"""A notice at every hand-over: each transition that hands the work to someone else tells
exactly those people, once, in the app and by e-mail, with a link to the object — after the
change commits, and never the person who acted. Case notices follow the transitions table."""

import datetime
from collections import Counter

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from inspections.services import assign_tip
from notices.models import Notification
from notices.notifications import register_channel, unregister_channel
from rectification import workflow
from rectification.workflow import handovers
from rectification.workflow.transitions import CASE_TRANSITIONS, TRANSITIONS
from reporting.submissions import services as submissions
from tests.factories.inspections import TipFactory
from tests.factories.rectification import (
    CampaignFactory,
    awaiting_case,
    closed_case,
    complete_all_steps,
    determined_case,
    found_case,
    in_progress_case,
    new_enterprise,
)
from tests.factories.reporting import submit_ledger

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def told(django_capture_on_commit_callbacks):
    """told(action): run `action` as a request would (its after-commit side effects run) and
    return {username: number of notices} of the notices it sent, with those notices."""

    def run(action):
        # The set-up's hand-overs, made inside the same test transaction, are not this request's.
        handovers.start_new_batch()
        before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with django_capture_on_commit_callbacks(execute=True):
            action()
        new = list(
            Notification.objects.filter(pk__gt=before).select_related("recipient").order_by("pk")
        )
        run.notices = new
        return dict(Counter(notice.recipient.username for notice in new))

    return run


def case_link(case):
    return reverse("rectification:case_detail", args=[case.pk])


def determine(case, area, **overrides):
    values = {
        "disposal": "shutdown",
        "requirement": "demolish",
        "measures": "依法关停取缔",
        "responsible_unit": area["orgs"]["township_a1"],
        "responsible_person": "王分包",
        "deadline": TODAY + datetime.timedelta(days=30),
    }
    return workflow.determine_case(case, by=area["users"]["county"], **values | overrides)


def test_a_proposal_tells_the_county_office_that_determines_it(area, told):
    campaign = CampaignFactory()
    enterprise = new_enterprise(area)

    assert told(
        lambda: workflow.propose_case(enterprise, campaign=campaign, by=area["users"]["clerk"])
    ) == {"county_a": 1}
    (notice,) = told.notices
    assert notice.kind == "case_propose"
    assert notice.subject == f"【待认定】{enterprise.name} 已上报整治案件，请认定"
    assert notice.link == case_link(enterprise.cases.get())


def test_the_county_office_proposing_itself_is_not_told_about_its_own_act(area, told):
    campaign = CampaignFactory()
    enterprise = new_enterprise(area)

    assert (
        told(
            lambda: workflow.propose_case(enterprise, campaign=campaign, by=area["users"]["county"])
        )
        == {}
    )


def test_determining_tells_the_responsible_unit_and_person(area, told):
    case = found_case(area)

    assert told(lambda: determine(case, area, responsible_user=area["users"]["clerk_a2"])) == {
        "clerk_a1": 1,
        "head_a1": 1,
        "clerk_a2": 1,
    }
    assert {notice.link for notice in told.notices} == {case_link(case)}
    assert "整治期限：" in told.notices[0].body


def test_starting_tells_each_department_its_closure_steps_once(area, told):
    case = determined_case(area)

    assert told(lambda: workflow.start_remediation(case, by=area["users"]["clerk"])) == {
        "power_a": 1,
        "officer_a": 1,
    }
    subjects = {notice.recipient.username: notice.subject for notice in told.notices}
    assert subjects["power_a"].endswith("：断电 待甲县供电公司确认")
    assert "清原料、清场地" in subjects["officer_a"]
    assert {notice.kind for notice in told.notices} == {"case_step_waiting"}


def test_submitting_for_verification_tells_the_county_office(area, told):
    case = complete_all_steps(in_progress_case(area), area["users"]["county"])

    assert told(lambda: workflow.submit_for_verification(case, by=area["users"]["clerk"])) == {
        "county_a": 1
    }
    assert told.notices[0].subject.startswith("【待验收】")


def fail(case, area, note="断电不彻底，电表仍在走", steps=("断电",)):
    return workflow.fail_verification(
        case,
        by=area["users"]["county"],
        note=note,
        failed_steps=list(case.steps.filter(name__in=steps)),
        new_deadline=TODAY + datetime.timedelta(days=10),
    )


def test_failed_verification_tells_the_responsible_person_and_township_with_the_reason(area, told):
    case = awaiting_case(area)
    case.responsible_user = area["users"]["clerk_a2"]
    case.save(update_fields=["responsible_user"])

    # 断电 failed: its department (供电公司) is told too, the next test says what.
    assert told(lambda: fail(case, area)) == {
        "clerk_a1": 1,
        "head_a1": 1,
        "clerk_a2": 1,
        "power_a": 1,
    }
    clerk = next(notice for notice in told.notices if notice.recipient.username == "clerk_a1")
    assert "原因：断电不彻底，电表仍在走" in clerk.body
    assert clerk.subject.startswith("【验收不通过】")


def test_failed_verification_names_the_steps_sent_back_and_tells_their_department(area, told):
    case = awaiting_case(area)

    assert told(lambda: fail(case, area)) == {"clerk_a1": 1, "head_a1": 1, "power_a": 1}
    by_user = {notice.recipient.username: notice for notice in told.notices}
    assert "需重新完成的步骤：断电。" in by_user["clerk_a1"].body
    assert by_user["power_a"].kind == "case_step_waiting"


def test_closing_tells_the_township(area, told):
    case = awaiting_case(area)

    assert told(lambda: workflow.close_case(case, by=area["users"]["county"])) == {
        "clerk_a1": 1,
        "head_a1": 1,
    }
    assert told.notices[0].subject.startswith("【已销号】")


def test_a_relapse_tells_the_township_and_the_responsible_unit(area, told):
    case = closed_case(area)
    case.responsible_unit = area["orgs"]["environment"]
    case.save(update_fields=["responsible_unit"])

    assert told(
        lambda: workflow.reopen_for_relapse(case, by=area["users"]["county"], note="死灰复燃")
    ) == {"clerk_a1": 1, "head_a1": 1, "officer_a": 1}


def test_a_shortfall_tells_the_responsible_unit(area, told):
    case = in_progress_case(area)

    assert told(
        lambda: workflow.record_shortfall(case, by=area["users"]["county"], note="原料未清")
    ) == {"clerk_a1": 1, "head_a1": 1}


def test_transitions_that_hand_nothing_over_tell_nobody(area, told):
    case = in_progress_case(area)

    assert told(lambda: workflow.flag_quasi(case, by=area["users"]["county"], note="换址")) == {}
    assert not TRANSITIONS["extend"].audiences and not TRANSITIONS["flag_quasi"].audiences


def test_every_hand_over_of_the_table_has_a_notice():
    handing_over = {key for key, t in CASE_TRANSITIONS.items() if t.next_holder}
    assert handing_over <= {key for key, t in CASE_TRANSITIONS.items() if t.audiences}
    assert TRANSITIONS["propose"].audiences and TRANSITIONS["close"].audiences


def test_assigning_a_tip_tells_the_handling_organisation(area, told):
    tip = TipFactory(county=area["county_a"])

    assert told(
        lambda: assign_tip(tip, by=area["users"]["county"], organisation=area["orgs"]["power"])
    ) == {"power_a": 1}
    assert told.notices[0].link == f"/inspections/tips/{tip.pk}/"


def test_a_returned_submission_tells_the_submitter_the_reason(area, told):
    submission = submit_ledger(area)

    assert told(
        lambda: submissions.return_submission(
            submission, by=area["users"]["county"], reason="第3行企业名称有误"
        )
    ) == {"clerk_a1": 1}
    (notice,) = told.notices
    assert notice.kind == "submission_returned"
    assert "退回原因：第3行企业名称有误" in notice.body
    assert notice.link == reverse("reporting:submission_detail", args=[submission.pk])


def test_an_accepted_submission_tells_the_submitter(area, told):
    submission = submit_ledger(area)

    assert told(lambda: submissions.accept_submission(submission, by=area["users"]["county"])) == {
        "clerk_a1": 1
    }
    assert told.notices[0].subject.startswith("【报表已接收】")


def test_a_hand_over_notice_goes_out_by_email_once_per_person(area, told):
    county = area["users"]["county"]
    county.email = "county@example.cn"
    county.save(update_fields=["email"])
    case = complete_all_steps(in_progress_case(area), county)
    mail.outbox.clear()

    told(lambda: workflow.submit_for_verification(case, by=area["users"]["clerk"]))

    (message,) = mail.outbox
    assert message.to == ["county@example.cn"]
    assert message.subject.startswith("【待验收】")
    assert case_link(case) in message.body


def test_a_failing_channel_neither_undoes_the_change_nor_hides_the_notice(area, told):
    case = complete_all_steps(in_progress_case(area), area["users"]["county"])

    def broken(notification):
        raise RuntimeError("邮件服务器不可用")

    register_channel("broken", broken)
    try:
        told(lambda: workflow.submit_for_verification(case, by=area["users"]["clerk"]))
    finally:
        unregister_channel("broken")

    case.refresh_from_db()
    assert case.state == "awaiting_verification"
    assert Notification.objects.filter(recipient__username="county_a").count() == 1


def test_a_notice_that_fails_outright_leaves_the_change_made(area, told, monkeypatch):
    case = complete_all_steps(in_progress_case(area), area["users"]["county"])

    def down(*args, **kwargs):
        raise ConnectionError("数据库连接中断")

    monkeypatch.setattr(handovers, "notify_once", down)

    assert told(lambda: workflow.submit_for_verification(case, by=area["users"]["clerk"])) == {}
    case.refresh_from_db()
    assert case.state == "awaiting_verification"


def test_a_second_run_of_the_same_commit_sends_nothing(area, told):
    case = complete_all_steps(in_progress_case(area), area["users"]["county"])
    told(lambda: workflow.submit_for_verification(case, by=area["users"]["clerk"]))
    event = case.events.order_by("-pk").first()

    assert handovers.send_handover(case.pk, "submit", area["users"]["clerk"].pk, event.pk) == []


def test_many_hand_overs_of_one_commit_reach_a_person_as_one_digest(area, told):
    cases = [awaiting_case(area) for _ in range(3)]

    assert told(lambda: workflow.close_cases(cases, by=area["users"]["county"])) == {
        "clerk_a1": 1,
        "head_a1": 1,
    }
    digest = told.notices[0]
    assert digest.subject == "验收销号的案件：3 件"
    assert digest.link == "/cases/?state=closed"


def test_a_ledger_import_proposing_many_cases_tells_the_county_office_once(area, told):
    campaign = CampaignFactory()
    enterprises = [new_enterprise(area) for _ in range(4)]

    def import_rows():
        with transaction.atomic():
            for enterprise in enterprises:
                workflow.propose_case(enterprise, campaign=campaign, by=area["users"]["clerk"])

    assert told(import_rows) == {"county_a": 1}
    assert told.notices[0].subject == "新上报待认定的整治案件：4 件"


def test_hand_overs_of_a_rolled_back_transaction_are_never_sent(area, told):
    campaign = CampaignFactory()
    dropped, kept = new_enterprise(area), new_enterprise(area)

    def roll_back_then_propose():
        try:
            with transaction.atomic():
                workflow.propose_case(dropped, campaign=campaign, by=area["users"]["clerk"])
                raise RuntimeError("撤销")
        except RuntimeError:
            pass
        workflow.propose_case(kept, campaign=campaign, by=area["users"]["clerk"])

    assert told(roll_back_then_propose) == {"county_a": 1}
    assert kept.name in told.notices[0].subject
