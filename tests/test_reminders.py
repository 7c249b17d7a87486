"""The daily reminder job: 7/3/1-day reminders to the responsible person and unit, the overdue
notice escalated to the county office, look-back notices — each exactly once, however often
the job (or a retried task) runs; the same job from the daily Celery task, from the command, and
on a real worker through Redis."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from notices.models import Notification, Reminder
from notices.tasks import run_daily_jobs
from rectification.models import CaseState
from rectification.reminders import send_due_reminders
from tests.factories.rectification import CampaignFactory, CaseFactory, new_enterprise

TODAY = datetime.date(2024, 5, 10)
K = Notification.Kind


def case_due(area, days, state=CaseState.IN_PROGRESS, **kwargs):
    kwargs.setdefault("responsible_unit", area["orgs"]["township_a1"])
    return CaseFactory(
        enterprise=new_enterprise(area),
        campaign=CampaignFactory(),
        state=state,
        deadline=TODAY + datetime.timedelta(days=days),
        found_on=TODAY - datetime.timedelta(days=60),
        **kwargs,
    )


@pytest.fixture
def emails(area):
    for name, user in area["users"].items():
        user.email = f"{name}@example.cn"
        user.save(update_fields=["email"])


@pytest.fixture
def due_cases(area):
    return {
        K.DUE_IN_7: case_due(area, 7),
        K.DUE_IN_3: case_due(area, 3, state=CaseState.DETERMINED),
        K.DUE_IN_1: case_due(area, 1, state=CaseState.AWAITING_VERIFICATION),
        K.OVERDUE: case_due(area, -1),
        K.LOOK_BACK_DUE: case_due(
            area,
            -200,
            state=CaseState.CLOSED,
            closed_on=TODAY - datetime.timedelta(days=180),
            look_back_due=TODAY,
        ),
        "quiet": case_due(area, 5),
    }


def kinds_for(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.mark.django_db
def test_job_run_twice_sends_each_notice_exactly_once(
    area, due_cases, emails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_reminders(TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        second = send_due_reminders(TODAY)
    assert first == {K.DUE_IN_7: 1, K.DUE_IN_3: 1, K.DUE_IN_1: 1, K.OVERDUE: 1, K.LOOK_BACK_DUE: 1}
    assert sum(second.values()) == 0
    assert Reminder.objects.count() == 5
    # the unit's members (clerk and head of 甲一镇) get every notice once
    assert kinds_for(area["users"]["clerk"]) == sorted(
        [K.DUE_IN_1, K.DUE_IN_3, K.DUE_IN_7, K.LOOK_BACK_DUE, K.OVERDUE]
    )
    assert kinds_for(area["users"]["head"]) == kinds_for(area["users"]["clerk"])
    # the county office hears of the overdue case and of the look-back, not of reminders
    assert kinds_for(area["users"]["county"]) == sorted([K.LOOK_BACK_DUE, K.OVERDUE])
    assert kinds_for(area["users"]["county_b"]) == []
    assert kinds_for(area["users"]["clerk_a2"]) == []
    assert len(mail.outbox) == Notification.objects.count() == 12
    assert any("逾期督办" in message.subject for message in mail.outbox)


@pytest.mark.django_db
def test_overdue_notice_names_the_responsible_and_escalates(area):
    case = case_due(area, -1, responsible_person="王分包")
    send_due_reminders(TODAY)
    notice = Notification.objects.get(recipient=area["users"]["county"])
    assert notice.kind == K.OVERDUE
    assert "王分包" in notice.body and case.number in notice.body
    assert notice.link == f"/cases/{case.pk}/"


@pytest.mark.django_db
def test_missed_day_still_sends_the_overdue_notice_once(area):
    case_due(area, -4)
    assert send_due_reminders(TODAY)[K.OVERDUE] == 1
    assert send_due_reminders(TODAY + datetime.timedelta(days=1)).get(K.OVERDUE, 0) == 0


@pytest.mark.django_db
def test_new_deadline_gets_its_own_reminders(area):
    case = case_due(area, 7)
    send_due_reminders(TODAY)
    case.deadline = TODAY + datetime.timedelta(days=10)
    case.save()
    assert send_due_reminders(TODAY + datetime.timedelta(days=3))[K.DUE_IN_7] == 1
    assert Reminder.objects.filter(kind=K.DUE_IN_7).count() == 2


@pytest.mark.django_db
def test_found_and_closed_cases_get_no_deadline_reminders(area):
    case_due(area, 7, state=CaseState.FOUND)
    case_due(
        area,
        -1,
        state=CaseState.CLOSED,
        closed_on=TODAY,
        look_back_due=TODAY + datetime.timedelta(days=180),
    )
    assert sum(send_due_reminders(TODAY).values()) == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_responsible_user_is_notified_personally(area):
    case_due(area, 3, responsible_user=area["users"]["officer"], responsible_unit=None)
    send_due_reminders(TODAY)
    assert kinds_for(area["users"]["officer"]) == [K.DUE_IN_3]
    assert Notification.objects.count() == 1


def case_reminders_sent(result, timeout=10):
    return result.get(timeout=timeout)["sent"]["case_reminders"]


@pytest.mark.django_db
def test_daily_task_runs_the_same_job_eagerly_and_twice_is_harmless(area, due_cases):
    assert case_reminders_sent(run_daily_jobs.delay(TODAY.isoformat()))[K.OVERDUE] == 1
    assert sum(case_reminders_sent(run_daily_jobs.delay(TODAY.isoformat())).values()) == 0
    assert Reminder.objects.filter(key__startswith="case:").count() == 5


@pytest.mark.django_db
def test_management_command_runs_the_job(area, due_cases, capsys):
    call_command("send_reminders", "--date", TODAY.isoformat())
    assert "整治期限、逾期督办和回头看提醒: 5" in capsys.readouterr().out
    call_command("send_reminders", "--date", TODAY.isoformat())
    assert "新发送 0 条提醒" in capsys.readouterr().out


@pytest.mark.django_db
def test_management_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "五月十日")


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_daily_job_runs_on_a_real_worker_through_redis(area, due_cases, celery_worker_process):
    result = run_daily_jobs.apply_async(args=[TODAY.isoformat()], queue=celery_worker_process)
    assert case_reminders_sent(result, timeout=60)[K.OVERDUE] == 1
    again = run_daily_jobs.apply_async(args=[TODAY.isoformat()], queue=celery_worker_process)
    assert sum(case_reminders_sent(again, timeout=60).values()) == 0
    assert Reminder.objects.filter(key__startswith="case:").count() == 5
    assert (
        Notification.objects.filter(recipient=area["users"]["county"], kind=K.OVERDUE).count() == 1
    )
