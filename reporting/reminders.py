"""Report-deadline reminders (township ledger by the 23rd, summary tables by the 30th), a daily job
registered with notices.jobs as "report_reminders" and sent through `notify_once`, so a retried or
repeated job never sends one twice.

Three days and one day before the deadline the submitting organisation is reminded; from
the day after, an overdue notice goes to it and to the office one level up. Nothing is sent
to a place whose table is in (已报送 or 已接收); a returned table counts as not in.
"""

from collections import defaultdict

from django.urls import reverse

from accounts.models import Organisation, Region
from notices.notifications import notify_once

from .models import Submission
from .periods import Period
from .submissions.services import SUBMITTER_ORGANISATION_KINDS
from .tables import all_tables

REPORT_KIND = "report_due"
DAYS_AHEAD = (1, 3)  # the most urgent applicable reminder is sent; a missed day is caught up
UPPER_OFFICE = {
    Region.Level.TOWNSHIP: Organisation.Kind.COUNTY_OFFICE,
    Region.Level.COUNTY: Organisation.Kind.CITY_OFFICE,
}


def register_digests():
    from notices.notifications import register_digest

    register_digest(
        REPORT_KIND,
        "今日报表报送提醒：{count} 项",
        lambda: reverse("reporting:submission_list"),
        "共 {count} 张报表临近截止或逾期未报，请打开报送情况逐一督促。",
    )


def table_link(table, region, period):
    return (
        f"{reverse('reporting:table', args=[table.key])}?period={period.key}&region={region.code}"
    )


def reminder_suffix(days_left):
    if days_left < 0:
        return "overdue"
    for days in DAYS_AHEAD:
        if days_left <= days:
            return f"{days}d"
    return None


def send_report_reminders(today=None):
    """Run on `today` (default: the local date); returns how many new notices went out."""
    from django.utils import timezone

    today = today or timezone.localdate()
    period = Period.due_now(today)
    sent = 0
    for table in all_tables():
        deadline = table.deadline(period)
        suffix = reminder_suffix((deadline - today).days)
        if suffix is None:
            continue
        for level in sorted(table.submit_levels):
            sent += _remind_level(table, level, period, deadline, suffix)
    return sent


def _remind_level(table, level, period, deadline, suffix):
    kind = SUBMITTER_ORGANISATION_KINDS.get(level)
    if kind is None:
        return 0
    organisations = list(
        Organisation.objects.filter(kind=kind, region__level=level).select_related("region")
    )
    done = set(
        Submission.objects.filter(
            table_key=table.key,
            period=period.start,
            state__in=Submission.LIVE_STATES,
            region__level=level,
        ).values_list("region_id", flat=True)
    )
    upper = defaultdict(list)
    if suffix == "overdue":
        for office in Organisation.objects.filter(kind=UPPER_OFFICE[level]):
            upper[office.region_id].append(office)
    sent = 0
    for organisation in organisations:
        region = organisation.region
        if region.id in done:
            continue
        key = f"report:{table.key}:{region.code}:{period.key}:{suffix}"
        link = table_link(table, region, period)
        if suffix == "overdue":
            recipients = [organisation, *upper.get(region.parent_id, [])]
            subject = f"【报表逾期】{region.name}{period.label}“{table.name}”逾期未报"
            body = (
                f"{region.name}{period.label}的“{table.name}”应于{deadline:%Y年%m月%d日}前报送，"
                "至今未报送（或被退回后未重新报送），请尽快报送。"
            )
        else:
            recipients = [organisation]
            subject = f"【报表报送提醒】{period.label}“{table.name}”将于{deadline:%m月%d日}截止"
            body = (
                f"{region.name}{period.label}的“{table.name}”应于{deadline:%Y年%m月%d日}前"
                "报送，请核对台账后由主要负责同志签字报送。"
            )
        sent += len(notify_once(key, REPORT_KIND, deadline, recipients, subject, body, link))
    return sent
