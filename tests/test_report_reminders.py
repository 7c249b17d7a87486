"""Report-deadline reminders: before the 23rd/30th, overdue the day after (escalated upward),
never twice, and none once the table is in."""

import datetime

import pytest

from notices.models import Notification
from notices.tasks import run_daily_jobs
from reporting.periods import Period
from reporting.reminders import send_report_reminders
from reporting.submissions import services
from tests.factories.reporting import submit_ledger

MARCH = Period(2024, 3)


def subjects_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def test_three_days_before_the_23rd_every_township_is_reminded_of_its_ledger(area):
    send_report_reminders(datetime.date(2024, 3, 20))
    [subject] = subjects_for(area["users"]["clerk"])
    assert "排查台账" in subject and "03月23日" in subject
    assert len(subjects_for(area["users"]["head"])) == 1
    assert len(subjects_for(area["users"]["clerk_b1"])) == 1
    # The county's own 督查跟踪台账 is due the same day; its summaries (30th) are not yet.
    [county_subject] = subjects_for(area["users"]["county"])
    assert "督查跟踪台账" in county_subject and "03月23日" in county_subject


def test_running_the_job_twice_sends_nothing_new(area):
    first = send_report_reminders(datetime.date(2024, 3, 20))
    assert first > 0
    assert send_report_reminders(datetime.date(2024, 3, 20)) == 0
    assert send_report_reminders(datetime.date(2024, 3, 21)) == 0  # still the 3-day notice


def test_a_township_whose_ledger_is_in_gets_no_reminder(area):
    submit_ledger(area, MARCH)
    send_report_reminders(datetime.date(2024, 3, 22))
    assert subjects_for(area["users"]["clerk"]) == []
    assert len(subjects_for(area["users"]["clerk_a2"])) == 1


def test_the_day_after_the_deadline_the_overdue_notice_reaches_the_county_office(area):
    send_report_reminders(datetime.date(2024, 3, 24))
    county_subjects = subjects_for(area["users"]["county"])
    assert any("甲一镇" in s and "逾期未报" in s for s in county_subjects)
    assert any("甲二乡" in s for s in county_subjects)
    assert not any("乙一镇" in s for s in county_subjects)  # county B's township goes to county B
    assert any("逾期未报" in s for s in subjects_for(area["users"]["clerk"]))


def test_a_returned_table_counts_as_not_in(area):
    submission = submit_ledger(area, MARCH)
    services.return_submission(submission, by=area["users"]["county"], reason="重报")
    send_report_reminders(datetime.date(2024, 3, 24))
    assert any("逾期未报" in s for s in subjects_for(area["users"]["clerk"]))


def test_the_county_is_reminded_of_its_summary_and_the_city_hears_when_it_is_late(area):
    send_report_reminders(datetime.date(2024, 3, 29))
    assert any("摸底情况汇总表" in s for s in subjects_for(area["users"]["county"]))
    assert not any("摸底情况汇总表" in s for s in subjects_for(area["users"]["city"]))
    send_report_reminders(datetime.date(2024, 3, 31))
    assert any(
        "甲县" in s and "摸底情况汇总表" in s and "逾期未报" in s
        for s in subjects_for(area["users"]["city"])
    )


def test_early_in_the_month_only_the_previous_months_late_tables_are_chased_once(area):
    sent = send_report_reminders(datetime.date(2024, 3, 5))
    subjects = subjects_for(area["users"]["clerk"])
    assert sent > 0 and subjects and all("2024年2月" in s and "逾期未报" in s for s in subjects)
    # Sent once: the next morning sends nothing new, and March is not due yet.
    Notification.objects.all().delete()
    assert send_report_reminders(datetime.date(2024, 3, 6)) == 0
    assert not any("2024年3月" in s for s in Notification.objects.values_list("subject", flat=True))


def test_the_daily_celery_task_runs_the_same_job(area):
    assert run_daily_jobs.delay("2024-03-20").get()["sent"]["report_reminders"] > 0
    assert run_daily_jobs.delay("2024-03-20").get()["sent"]["report_reminders"] == 0


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_the_job_runs_on_a_real_worker_through_redis(area, celery_worker_process):
    first = run_daily_jobs.apply_async(args=["2024-03-24"], queue=celery_worker_process)
    assert first.get(timeout=60)["sent"]["report_reminders"] > 0
    again = run_daily_jobs.apply_async(args=["2024-03-24"], queue=celery_worker_process)
    assert again.get(timeout=60)["sent"]["report_reminders"] == 0
    # The daily run digests: the county office hears of its late townships in one notice.
    assert any(s.startswith("今日报表报送提醒：") for s in subjects_for(area["users"]["county"]))
    assert any("逾期未报" in s for s in subjects_for(area["users"]["clerk"]))


def test_the_county_is_reminded_of_each_table_it_owes_by_the_30th(area):
    send_report_reminders(datetime.date(2024, 3, 29))
    subjects = subjects_for(area["users"]["county"])
    for name in ("清理整顿情况汇总表", "整治提升情况汇总表", "整治工作月报"):
        assert any(name in s and "03月30日" in s for s in subjects), name


def test_the_tracking_ledger_reminder_stops_once_the_county_has_submitted_it(area):
    county = area["users"]["county"]
    services.submit_table(
        "supervision_tracking", area["county_a"], MARCH, by=county, signed_by=county
    )
    send_report_reminders(datetime.date(2024, 3, 22))
    assert not any("督查跟踪台账" in s for s in subjects_for(county))
    assert any("督查跟踪台账" in s for s in subjects_for(area["users"]["county_b"]))
    send_report_reminders(datetime.date(2024, 3, 24))
    assert not any("督查跟踪台账" in s for s in subjects_for(area["users"]["city"]) if "甲县" in s)
    assert any("乙县" in s and "督查跟踪台账" in s for s in subjects_for(area["users"]["city"]))


def test_the_monthly_report_overdue_notice_reaches_the_city_until_the_county_files_it(area):
    county = area["users"]["county"]
    send_report_reminders(datetime.date(2024, 3, 31))
    assert any("甲县" in s and "整治工作月报" in s for s in subjects_for(area["users"]["city"]))
    services.submit_table(
        "monthly_report", area["county_a"], Period(2024, 4), by=county, signed_by=county
    )
    before = len(subjects_for(county))
    send_report_reminders(datetime.date(2024, 4, 29))
    assert not any("2024年4月" in s and "整治工作月报" in s for s in subjects_for(county))
    assert len(subjects_for(county)) > before  # the other April tables are still owed
