"""The reporting lists of 待办 (tables owed, submissions to review, places late, the leader's
headline figures and accountability top 10) and the submissions of 已办, registered with
accounts.worklists. A fixed number of queries each, whatever the data size."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from accounts.models import Role
from accounts.worklists import DoneItem, Listing, WorkItem, register, register_done
from enterprises.models import Enterprise
from rectification.models import Case, CaseState

from .accountability.ledger import accountability_list
from .dashboard.figures import ACCOUNTABILITY_ON_DASHBOARD, case_list_url, percent
from .models import Submission
from .periods import Period
from .reminders import table_link
from .submissions.services import REVIEWER_ROLES
from .submissions.status import lower_level, own_status, status_board


def due_periods(today):
    """The month just past (due early this month, or late) and this month (due later)."""
    current = Period.from_date(today)
    return [current.previous(), current]


def outstanding(board):
    """(place, cell) of every table on the board not in: never submitted, or returned."""
    for row in board.rows:
        for cell in row.cells:
            if cell.latest is None or cell.latest.state == Submission.State.RETURNED:
                yield row.region, cell


def cell_item(place, cell, period, own):
    returned = cell.latest is not None
    if returned:
        url = reverse("reporting:submission_detail", args=[cell.latest.pk])
        badge, css = "已退回", "warning"
        detail = f"{period.label} · 退回原因：{cell.latest.return_reason}"
    else:
        url = table_link(cell.table, place, period)
        badge, css = ("逾期未报", "danger") if cell.is_late else ("待报送", "secondary")
        detail = period.label
    return WorkItem(
        title=cell.table.name if own else f"{place.name} · {cell.table.name}",
        url=url if own or returned else f"{reverse('reporting:index')}?period={period.key}",
        detail=detail,
        due=cell.deadline,
        badge=badge,
        badge_css=css,
    )


def reports_owed(user, today, limit):
    """The tables the user's own unit owes upward, for last month and this month: never
    submitted, or returned to be redone. The township head signs them (签字确认)."""
    region = user.region
    items = []
    for period in due_periods(today):
        board = own_status(region, period, today=today)
        items += [cell_item(place, cell, period, own=True) for place, cell in outstanding(board)]
    items.sort(key=lambda item: item.due)
    return Listing(
        count=len(items),
        items=items[:limit],
        url=reverse("reporting:index"),
        api_url=reverse("submission-list"),
    )


def places_late(user, today, limit):
    """County / city office: the places one level down whose tables are late (past the
    deadline and not in, or returned and not refiled)."""
    region = user.region
    if lower_level(region) is None:
        return Listing(count=0)
    items = []
    for period in due_periods(today):
        board = status_board(region, period, today=today)
        items += [
            cell_item(place, cell, period, own=False)
            for place, cell in outstanding(board)
            if cell.is_late
        ]
    items.sort(key=lambda item: (item.due, item.title))
    return Listing(
        count=len(items),
        items=items[:limit],
        url=f"{reverse('reporting:index')}?period={due_periods(today)[0].key}",
    )


def submissions_to_review(user, today, limit):
    """County / city office: tables submitted from one level down, waiting to be accepted or
    returned, the earliest deadline first."""
    level = lower_level(user.region)
    if level is None or not user.has_role(*REVIEWER_ROLES.get(level, ())):
        return Listing(count=0)
    queryset = Submission.objects.visible_to(user).filter(
        state=Submission.State.SUBMITTED, region__level=level
    )
    return Listing(
        count=queryset.count(),
        items=[
            WorkItem(
                title=f"{submission.region.name} · {submission.title}",
                url=reverse("reporting:submission_detail", args=[submission.pk]),
                detail=f"{submission.period_label} · 第{submission.version}版 · "
                f"{submission.submitted_at:%m-%d} 报送",
                due=None,
                badge="待审核",
                badge_css="primary",
            )
            for submission in queryset.select_related("region").order_by(
                "deadline", "submitted_at", "id"
            )[:limit]
        ],
        url=f"{reverse('reporting:submission_list')}?{urlencode({'state': 'submitted'})}",
        api_url=f"{reverse('submission-list')}?{urlencode({'state': 'submitted'})}",
    )


def headline_figures(user, today, limit):
    """Bureau leader: the dashboard's headline numbers, each opening the list behind it. Two
    queries (the cases' aggregate and the ledger's count)."""
    cases = Case.objects.visible_to(user).order_by()
    totals = cases.aggregate(
        cases=Count("id"),
        closed=Count("id", filter=Q(state=CaseState.CLOSED)),
        overdue=Count("id", filter=~Q(state=CaseState.CLOSED) & Q(deadline__lt=today)),
        relapses=Count("id", filter=Q(is_relapse=True)),
    )
    enterprises = Enterprise.objects.visible_to(user).count()
    completion = percent(totals["closed"], totals["cases"])
    figures = [
        ("台账企业", f"{enterprises} 家", reverse("enterprises:list")),
        ("整治案件", f"{totals['cases']} 件", case_list_url()),
        ("已销号", f"{totals['closed']} 件", case_list_url(state=CaseState.CLOSED)),
        ("完成率", f"{completion}%" if completion is not None else "—", case_list_url()),
        ("逾期未销号", f"{totals['overdue']} 件", case_list_url(overdue="true")),
        ("反弹", f"{totals['relapses']} 件", case_list_url(is_relapse="true")),
    ]
    return Listing(
        count=len(figures),
        items=[WorkItem(title=title, value=value, url=url) for title, value, url in figures],
        url=reverse("reporting:dashboard"),
    )


def accountability_top(user, today, limit):
    """Bureau leader: the accountability list's worst ten units."""
    region = user.region
    entries = accountability_list(user, region, today) if region is not None else []
    top = entries[:ACCOUNTABILITY_ON_DASHBOARD]
    return Listing(
        count=len(entries),
        items=[
            WorkItem(
                title=f"{rank}. {entry.organisation.name}",
                url=entry.overdue_cases_url
                if entry.overdue_cases
                else reverse("reporting:accountability_unit", args=[entry.organisation.pk]),
                detail=f"逾期案件 {entry.overdue_cases} 件 · 逾期报送 {entry.late_submissions} · "
                f"反弹 {entry.relapses} · 瞒报漏报 {entry.hidden_finds}"
                + (f" · {entry.persons_short}" if entry.persons_short else ""),
                due=entry.oldest_deadline,
                badge=f"{entry.score} 分",
                badge_css="danger",
            )
            for rank, entry in enumerate(top, start=1)
        ],
        url=reverse("reporting:accountability"),
        api_url=reverse("accountability-list"),
    )


def submissions_done(user, since, limit):
    submissions = (
        Submission.objects.filter(Q(submitted_by=user) | Q(decided_by=user))
        .filter(Q(submitted_at__gte=since) | Q(decided_at__gte=since))
        .select_related("region")
        .order_by("-submitted_at", "-id")[:limit]
    )
    items = []
    for submission in submissions:
        url = reverse("reporting:submission_detail", args=[submission.pk])
        label = f"{submission.region.name} · {submission.title}（{submission.period_label}）"
        if submission.submitted_by_id == user.pk and submission.submitted_at >= since:
            items.append(DoneItem(submission.submitted_at, "报表报送", f"报送 · {label}", url=url))
        if (
            submission.decided_by_id == user.pk
            and submission.decided_at
            and submission.decided_at >= since
        ):
            verb = "退回" if submission.state == Submission.State.RETURNED else "接收"
            items.append(DoneItem(submission.decided_at, "报表审核", f"{verb} · {label}", url=url))
    return items


def register_worklists():
    register(
        "reports_owed",
        "本单位待报送的报表",
        {Role.TOWNSHIP_CLERK, Role.COUNTY_OFFICE},
        reports_owed,
        order=16,
    )
    register("reports_to_sign", "待签字报送的报表", {Role.TOWNSHIP_HEAD}, reports_owed, order=16)
    register(
        "submissions_to_review",
        "待审核的报送",
        {Role.COUNTY_OFFICE, Role.CITY_OFFICE},
        submissions_to_review,
        order=18,
    )
    register(
        "places_late", "逾期未报送的下级", {Role.COUNTY_OFFICE, Role.CITY_OFFICE}, places_late, 19
    )
    register(
        "headline_figures",
        "整治总体情况",
        {Role.BUREAU_LEADER},
        headline_figures,
        order=1,
        figures=True,
    )
    register(
        "accountability_top", "问责台账前10名", {Role.BUREAU_LEADER}, accountability_top, order=2
    )
    register_done("submissions", submissions_done)
