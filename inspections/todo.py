"""The tip and spot-check lists of 待办 and the field work of 已办, registered with
accounts.worklists. Each list is a count and a slice: two queries whatever the data size."""

from urllib.parse import urlencode

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.worklists import DoneItem, Listing, WorkItem, register, register_done

from .models import Inspection, SpotCheckRound, SpotCheckTarget, Tip, TipEvent, TipState

# Who verifies a tip handed to them: a township government or a county department.
HANDLERS = frozenset({Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD, Role.DEPARTMENT_OFFICER})


def with_query(url_name, **params):
    return f"{reverse(url_name)}?{urlencode(params)}"


def tip_url(tip):
    return reverse("inspections:tip_detail", args=[tip.pk])


def short(text, length=40):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def tips_assigned(user, today, limit):
    """Tips handed to the user's organisation to verify (核查中), the nearest 核查期限 first."""
    if not user.organisation_id:
        return Listing(count=0)
    queryset = Tip.objects.visible_to(user).filter(
        state=TipState.ASSIGNED, assigned_organisation_id=user.organisation_id
    )
    params = {"state": TipState.ASSIGNED, "assigned_organisation": user.organisation_id}
    return Listing(
        count=queryset.count(),
        items=[
            WorkItem(
                title=short(tip.content),
                url=tip_url(tip),
                detail=f"{tip.receipt_number} · {tip.place}",
                due=tip.verify_due,
                badge="待核查",
                badge_css="warning",
            )
            for tip in queryset.order_by(F("verify_due").asc(nulls_last=True), "received_at")[
                :limit
            ]
        ],
        url=with_query("inspections:tip_list", **params),
        api_url=with_query("tip-list", **params),
    )


def tips_to_assign(user, today, limit):
    """County office: tips received and not yet handed to anyone, the oldest first."""
    queryset = Tip.objects.visible_to(user).filter(state=TipState.RECEIVED)
    return Listing(
        count=queryset.count(),
        items=[
            WorkItem(
                title=short(tip.content),
                url=tip_url(tip),
                detail=f"{tip.receipt_number} · {tip.place} · {timezone.localtime(tip.received_at):%Y-%m-%d} 受理",
                badge="待分派",
                badge_css="info",
            )
            for tip in queryset.select_related("county").order_by("received_at", "id")[:limit]
        ],
        url=with_query("inspections:tip_list", state=TipState.RECEIVED),
        api_url=with_query("tip-list", state=TipState.RECEIVED),
    )


def spot_checks_open(user, today, limit):
    """County office: spot-check rounds whose drawn enterprises are not all inspected yet, the
    round ending soonest first."""
    uninspected = (
        SpotCheckTarget.objects.filter(
            spot_check_round=OuterRef("pk"), draw__version=OuterRef("current_version")
        )
        .exclude(
            Exists(
                Inspection.objects.filter(
                    spot_check_round=OuterRef("spot_check_round"),
                    enterprise_id=OuterRef("enterprise_id"),
                )
            )
        )
        .order_by()
        .values("spot_check_round")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    queryset = (
        SpotCheckRound.objects.visible_to(user)
        .annotate(remaining=Coalesce(Subquery(uninspected, output_field=IntegerField()), Value(0)))
        .filter(remaining__gt=0)
    )
    return Listing(
        count=queryset.count(),
        items=[
            WorkItem(
                title=spot_check_round.name,
                url=reverse("inspections:round_detail", args=[spot_check_round.pk]),
                detail=f"尚有 {spot_check_round.remaining} 家抽中企业未检查",
                due=spot_check_round.period_end,
                badge=f"{spot_check_round.remaining} 家未查",
                badge_css="warning",
            )
            for spot_check_round in queryset.order_by("period_end", "id")[:limit]
        ],
        url=reverse("inspections:round_list"),
        api_url=reverse("spot-check-round-list"),
    )


def tip_events_done(user, since, limit):
    events = (
        TipEvent.objects.filter(by=user, at__gte=since)
        .select_related("tip")
        .order_by("-at", "-id")[:limit]
    )
    return [
        DoneItem(
            at=event.at,
            kind="举报办理",
            title=f"{event.get_action_display()} · {event.tip.receipt_number}",
            detail=short(event.note or event.tip.content, 80),
            url=tip_url(event.tip),
        )
        for event in events
    ]


def inspections_done(user, since, limit):
    inspections = (
        Inspection.objects.filter(created_by=user, created_at__gte=since)
        .select_related("enterprise", "township")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        DoneItem(
            at=inspection.created_at,
            kind="检查",
            title=f"{inspection.get_inspection_type_display()} · "
            f"{inspection.enterprise.name if inspection.enterprise_id else inspection.place}",
            detail=f"{inspection.inspected_on:%Y-%m-%d} {inspection.township.name} · "
            f"{inspection.get_result_display()}",
            url=reverse("inspections:inspection_detail", args=[inspection.pk]),
        )
        for inspection in inspections
    ]


def register_worklists():
    register("tips_assigned", "交办给本单位的举报", HANDLERS, tips_assigned, order=14)
    register("tips_to_assign", "待分派的举报", {Role.COUNTY_OFFICE}, tips_to_assign, order=10)
    register(
        "spot_checks_open", "未查完的督导抽查", {Role.COUNTY_OFFICE}, spot_checks_open, order=40
    )
    register_done("tip_events", tip_events_done)
    register_done("inspections", inspections_done)
