"""The daily nudge for tips left waiting, a job registered with notices.jobs as "tip_reminders":
tips not yet assigned by the county office two days after intake, or not yet verified by their
核查期限 (a date computed on the working-day calendar at assignment; tips assigned before it
existed fall back to a week). Each notice goes out once per tip and stage (notify_once), however
often the job runs or is retried."""

import datetime

from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation
from notices.notifications import notify_once

from .models import Tip, TipState

TIP_KIND_LABELS = {
    "tip_assigned": "举报交办",
    "tip_unassigned": "举报待交办",
    "tip_unverified": "举报逾期未核查",
}

TIP_DIGESTS = {
    "tip_unassigned": ("今日举报超期未交办：{count} 件", "?state=received"),
    "tip_unverified": ("今日举报逾期未核查：{count} 件", "?state=assigned"),
}


def register_digests():
    from django.urls import reverse

    from notices.notifications import register_digest

    for kind, (subject, query) in TIP_DIGESTS.items():
        register_digest(kind, subject, lambda query=query: reverse("inspections:tip_list") + query)


ASSIGN_WITHIN_DAYS = 2
VERIFY_WITHIN_DAYS = 7


def remind_waiting_tips(today=None):
    """Send the due notices; returns how many tips were newly reminded about."""
    today = today or timezone.localdate()
    reminded = 0
    unassigned = Tip.objects.filter(
        state=TipState.RECEIVED,
        received_at__date__lte=today - datetime.timedelta(days=ASSIGN_WITHIN_DAYS),
    ).select_related("county")
    offices = {}
    for office in Organisation.objects.filter(
        kind=Organisation.Kind.COUNTY_OFFICE,
        region_id__in=unassigned.values("county_id"),
    ):
        offices.setdefault(office.region_id, []).append(office)
    for tip in unassigned.iterator(chunk_size=500):
        sent = notify_once(
            f"tip-unassigned:{tip.pk}",
            "tip_unassigned",
            timezone.localtime(tip.received_at).date(),
            offices.get(tip.county_id, []),
            f"举报 {tip.receipt_number} 受理已超过 {ASSIGN_WITHIN_DAYS} 天，尚未交办",
            tip.place,
            f"/inspections/tips/{tip.pk}/",
        )
        reminded += bool(sent)
    unverified = Tip.objects.filter(
        Q(verify_due__lt=today)
        | Q(
            verify_due__isnull=True,
            assigned_at__date__lte=today - datetime.timedelta(days=VERIFY_WITHIN_DAYS),
        ),
        state=TipState.ASSIGNED,
    ).select_related("assigned_organisation")
    for tip in unverified.iterator(chunk_size=500):
        sent = notify_once(
            f"tip-unverified:{tip.pk}:{tip.assigned_organisation_id}",
            "tip_unverified",
            timezone.localtime(tip.assigned_at).date(),
            [tip.assigned_organisation],
            f"举报 {tip.receipt_number} 已过核查期限"
            f"（{tip.verify_due_display if tip.verify_due else f'交办后 {VERIFY_WITHIN_DAYS} 天'}），"
            "尚未核查",
            tip.place,
            f"/inspections/tips/{tip.pk}/",
        )
        reminded += bool(sent)
    return reminded
