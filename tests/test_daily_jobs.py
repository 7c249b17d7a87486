"""The daily jobs: each app registers its reminder job with notices.jobs; `manage.py
send_reminders` and the one beat task run every one of them (case, tip and report reminders),
and a job that fails is logged without stopping the others."""

import datetime
import logging
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.utils import timezone

from config.celery import app as celery_app
from notices import jobs
from notices.models import Notification
from notices.tasks import run_daily_jobs
from rectification.models import CaseState
from tests.factories.inspections import TipFactory
from tests.factories.rectification import CampaignFactory, CaseFactory, new_enterprise

# Three days before the township ledgers are due (the 23rd).
TODAY = datetime.date(2024, 3, 20)


@pytest.fixture
def one_of_each(area):
    """A case due in three days, a tip unassigned for three days, and the reports due on the 23rd."""
    CaseFactory(
        enterprise=new_enterprise(area),
        campaign=CampaignFactory(),
        state=CaseState.IN_PROGRESS,
        deadline=TODAY + datetime.timedelta(days=3),
        found_on=TODAY - datetime.timedelta(days=60),
        responsible_unit=area["orgs"]["township_a1"],
    )
    received = timezone.make_aware(datetime.datetime(2024, 3, 17, 9, 0))
    TipFactory(county=area["county_a"], received_at=received)


def kinds_sent():
    return set(Notification.objects.values_list("kind", flat=True))


@pytest.fixture
def broken_job_first(monkeypatch):
    """The registered jobs, after one that always fails."""

    def broken(today):
        raise ValueError("坏任务")

    monkeypatch.setattr(
        jobs, "_jobs", {"broken": jobs.Job("broken", "坏任务", broken), **jobs._jobs}
    )


def test_each_app_registers_its_daily_reminder_job():
    assert [job.name for job in jobs.registered()] == [
        "risk_scores",  # enterprises' nightly 风险画像 pass: it sends nothing
        "case_reminders",
        "tip_reminders",
        "report_reminders",
    ]


def test_one_beat_entry_runs_every_daily_job(settings):
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert tasks.count("notices.run_daily_jobs") == 1
    assert not {
        "rectification.send_reminders",
        "reporting.send_report_reminders",
        "inspections.remind_waiting_tips",
    } & set(tasks)
    assert "notices.run_daily_jobs" in celery_app.tasks


@pytest.mark.django_db
def test_send_reminders_sends_case_tip_and_report_reminders(area, one_of_each, capsys):
    call_command("send_reminders", "--date", TODAY.isoformat())
    output = capsys.readouterr().out
    assert kinds_sent() == {Notification.Kind.DUE_IN_3, "tip_unassigned", "report_due"}
    assert "整治期限、逾期督办和回头看提醒: 1\n" in output
    assert "举报待交办、待核查提醒: 1\n" in output
    reports = int(re.search(r"报表报送提醒: (\d+)", output).group(1))
    assert reports > 0
    assert f"新发送 {2 + reports} 条提醒" in output
    call_command("send_reminders", "--date", TODAY.isoformat())
    assert "新发送 0 条提醒" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_daily_task_runs_every_registered_job(area, one_of_each):
    result = run_daily_jobs.delay(TODAY.isoformat()).get(timeout=10)
    assert result["failed"] == []
    assert result["sent"]["case_reminders"] == {Notification.Kind.DUE_IN_3: 1}
    assert result["sent"]["tip_reminders"] == 1
    assert result["sent"]["report_reminders"] > 0
    assert kinds_sent() == {Notification.Kind.DUE_IN_3, "tip_unassigned", "report_due"}


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others_in_the_task(
    area, one_of_each, broken_job_first, caplog
):
    with caplog.at_level(logging.ERROR, logger="notices.jobs"):
        result = run_daily_jobs.delay(TODAY.isoformat()).get(timeout=10)
    assert result["failed"] == ["broken"]
    assert set(result["sent"]) == {
        "risk_scores",
        "case_reminders",
        "tip_reminders",
        "report_reminders",
    }
    assert kinds_sent() == {Notification.Kind.DUE_IN_3, "tip_unassigned", "report_due"}
    assert "daily job broken failed" in caplog.text


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others_in_the_command(
    area, one_of_each, broken_job_first, capsys
):
    with pytest.raises(CommandError, match="1 项提醒任务失败：坏任务"):
        call_command("send_reminders", "--date", TODAY.isoformat())
    assert "坏任务：失败" in capsys.readouterr().err
    assert kinds_sent() == {Notification.Kind.DUE_IN_3, "tip_unassigned", "report_due"}


def test_a_job_failing_on_the_database_is_retried_alone(db, monkeypatch):
    calls = []

    def steady(today):
        calls.append("steady")
        return 2

    def flaky(today):
        calls.append("flaky")
        if calls.count("flaky") == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return {"due_in_3": 1}

    monkeypatch.setattr(jobs, "_jobs", {})
    jobs.register("steady", steady, "稳定任务")
    jobs.register("flaky", flaky, "偶发失败任务")
    # throw=False: run as a worker would, where a retry is another run, not an error raised.
    result = run_daily_jobs.apply(args=[TODAY.isoformat()], throw=False).get(timeout=10)
    assert result == {"sent": {"steady": 2, "flaky": {"due_in_3": 1}}, "failed": []}
    assert calls == ["steady", "flaky", "flaky"]
    assert run_daily_jobs.acks_late is True and run_daily_jobs.max_retries == 5
