"""The case work lists of 待办 and the case records of 已办, registered with accounts.worklists.

Who has a case is read from the transitions table (`states_held_by`): 待认定 for the
determiners, 待整治 for the township that carries it out, 待验收 for the verifiers. Each list is
a count and a slice of one queryset: two queries whatever the number of cases.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import Role
from accounts.worklists import DoneItem, Listing, WorkItem, register, register_done

from .filters import COUNTY_OFFICE_STEPS, awaiting_steps
from .models import Case, CaseEvent, CaseState, CaseStep, Urging
from .urging import URGERS, overdue_by_unit, overdue_cases_url, urged_today
from .workflow.transitions import TRANSITIONS, UNDER_DEADLINE, NextHolder, states_held_by

TOWNSHIP_ROLES = frozenset({Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD})
DUE_SOON_DAYS = 7


def case_list_url(**params):
    return f"{reverse('rectification:case_list')}?{urlencode(params)}"


def case_api_url(**params):
    return f"{reverse('case-list')}?{urlencode(params)}"


def case_url(case, anchor=""):
    return reverse("rectification:case_detail", args=[case.pk]) + anchor


def cases_of(user):
    return Case.objects.visible_to(user).select_related("enterprise", "enterprise__township")


def by_urgency(queryset):
    """Overdue first (their deadlines are the earliest), then due soonest, undated last."""
    return queryset.order_by(F("deadline").asc(nulls_last=True), "id")


def place(case):
    township = case.enterprise.township
    return f"{case.number} · {township.name}" if township else case.number


def count_of(queryset):
    """A per-case count as a subquery, 0 when there is none."""
    counted = queryset.order_by().values("case").annotate(n=Count("id")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def cases_to_carry_out(user, today, limit):
    """Township: cases the township has in hand (已认定 to start, 整治中 to carry out), with what
    the next step is: start, the steps still lacking a date or a photo, redo after a failed
    verification, or submit."""
    holder = NextHolder.RESPONSIBLE_UNIT
    queryset = cases_of(user).filter(state__in=states_held_by(holder))
    steps = CaseStep.objects.filter(case=OuterRef("pk"))
    last_move = (
        CaseEvent.objects.filter(case=OuterRef("pk"))
        .exclude(to_state="")
        .order_by("-created_at", "-id")
        .values("action")[:1]
    )
    items = by_urgency(
        queryset.annotate(
            undated=count_of(steps.filter(done_on__isnull=True)),
            unproven=count_of(
                steps.filter(evidence_in_ledger=False).exclude(
                    pk__in=CaseStep.objects.filter(photos__isnull=False).values("pk")
                )
            ),
            last_move=Subquery(last_move),
        )
    )[:limit]
    return Listing(
        count=queryset.count(),
        items=[carry_out_item(case) for case in items],
        url=case_list_url(holder=holder),
        api_url=case_api_url(holder=holder),
    )


def carry_out_item(case):
    if case.state == CaseState.DETERMINED:
        badge, css, detail = "待开始整治", "info", "已认定，请开始整治"
    else:
        missing = []
        if case.undated:
            missing.append(f"{case.undated} 个步骤缺完成日期")
        if case.unproven:
            missing.append(f"{case.unproven} 个步骤缺照片")
        if case.last_move == CaseEvent.Action.FAIL_VERIFICATION:
            badge, css = "验收不通过", "danger"
            detail = "验收不通过，请重新整改" + ("：" + "，".join(missing) if missing else "")
        elif missing:
            badge, css, detail = "待补佐证", "warning", "，".join(missing)
        else:
            badge, css, detail = "可提请验收", "success", "步骤已齐，请提请验收"
    return WorkItem(
        title=case.enterprise.name,
        url=case_url(case),
        detail=f"{place(case)} · {detail}",
        due=case.deadline,
        badge=badge,
        badge_css=css,
    )


def cases_due_soon(user, today, limit):
    """Township: cases whose deadline falls within the next 7 days (overdue ones lead the list of
    cases to carry out, marked 逾期, so this list and the one it links to count the same)."""
    queryset = cases_of(user).filter(
        state__in=UNDER_DEADLINE,
        deadline__range=(today, today + datetime.timedelta(days=DUE_SOON_DAYS)),
    )
    return Listing(
        count=queryset.count(),
        items=[
            WorkItem(
                title=case.enterprise.name,
                url=case_url(case),
                detail=f"{place(case)} · {case.get_state_display()}",
                due=case.deadline,
                badge=case.get_state_display(),
            )
            for case in by_urgency(queryset)[:limit]
        ],
        url=case_list_url(due_within=DUE_SOON_DAYS),
        api_url=case_api_url(due_within=DUE_SOON_DAYS),
    )


def cases_to_determine(user, today, limit):
    """Departments and the county office: proposed cases waiting for 认定, the oldest first."""
    holder = NextHolder.DETERMINERS
    queryset = cases_of(user).filter(state__in=states_held_by(holder))
    return Listing(
        count=queryset.count(),
        items=[
            WorkItem(
                title=case.enterprise.name,
                url=case_url(case, "#action-determine"),
                detail=f"{place(case)} · {case.found_on:%Y-%m-%d} 发现",
                badge="待认定",
                badge_css="info",
            )
            for case in queryset.order_by("found_on", "id")[:limit]
        ],
        url=case_list_url(holder=holder),
        api_url=case_api_url(holder=holder),
    )


def cases_to_verify(user, today, limit):
    """County office: cases submitted for 核查验收, the nearest deadline first."""
    holder = NextHolder.VERIFIERS
    queryset = cases_of(user).filter(state__in=states_held_by(holder))
    return Listing(
        count=queryset.count(),
        items=[
            WorkItem(
                title=case.enterprise.name,
                url=case_url(case, "#action-close"),
                detail=f"{place(case)} · {case.get_disposal_display()}",
                due=case.deadline,
                badge="待验收",
                badge_css="primary",
            )
            for case in by_urgency(queryset)[:limit]
        ],
        url=case_list_url(holder=holder),
        api_url=case_api_url(holder=holder),
    )


def steps_to_confirm(user, today, limit):
    """Department officer: the steps its department confirms (断电 for 供电公司) in cases being
    carried out anywhere in the county, the most urgent case first. County office: the steps no
    department unit of the county owns, which only it can confirm."""
    if user.role == Role.COUNTY_OFFICE:
        department = COUNTY_OFFICE_STEPS
    else:
        department = user.organisation.department if user.organisation_id else ""
    if not department:
        return Listing(count=0)
    queryset = awaiting_steps(department).filter(
        case__in=Case.objects.visible_to(user).values("pk")
    )
    items = queryset.select_related(
        "case", "case__enterprise", "case__enterprise__township"
    ).order_by(F("case__deadline").asc(nulls_last=True), "case_id", "order", "id")[:limit]
    return Listing(
        count=queryset.count(),
        items=[
            WorkItem(
                title=f"{step.name} · {step.case.enterprise.name}",
                url=case_url(step.case, f"#step-{step.pk}"),
                detail=place(step.case),
                due=step.deadline or step.case.deadline,
                badge=step.name,
                badge_css="warning",
            )
            for step in items
        ],
        url=case_list_url(awaiting_department=department),
        api_url=case_api_url(awaiting_department=department),
    )


def overdue_units(user, today, limit):
    """County office (催办): overdue cases grouped by responsible unit, each with its 催办 button."""
    units = overdue_by_unit(user, today)
    done = urged_today(user, today)
    urge_url = reverse("rectification:urging_list")
    items = []
    for entry in units[:limit]:
        persons = few_names(entry["persons"])
        urged = entry["unit_id"] in done
        items.append(
            WorkItem(
                title=entry["unit"],
                url=overdue_cases_url(entry["unit_id"]),
                detail=f"逾期 {entry['cases']} 件" + (f" · 责任人 {persons}" if persons else ""),
                due=entry["oldest"],
                badge="今日已催办" if urged else f"{entry['cases']} 件",
                badge_css="secondary" if urged else "danger",
                action=None if urged else (urge_url, "催办", {"unit": entry["unit_id"]}),
            )
        )
    return Listing(
        count=sum(entry["cases"] for entry in units),
        items=items,
        url=urge_url,
        api_url=reverse("urging-list"),
    )


def few_names(counts, shown=3):
    """At most three names, those with the most cases first: "张三、李四、王五等8人"."""
    names = [name for name, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    if len(names) <= shown:
        return "、".join(names)
    return f"{'、'.join(names[:shown])}等{len(names)}人"


def case_events_done(user, since, limit):
    # A 催办 is one thing done, however many cases it named: listed once, from its record.
    events = (
        CaseEvent.objects.filter(actor=user, created_at__gte=since)
        .exclude(action=CaseEvent.Action.URGE)
        .select_related("case", "case__enterprise")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        DoneItem(
            at=event.created_at,
            kind="案件办理",
            title=f"{event.get_action_display()} · {event.case.enterprise.name}",
            detail=f"{event.case.number} {event.comment}".strip()[:200],
            url=case_url(event.case),
        )
        for event in events
    ]


def urgings_done(user, since, limit):
    urgings = (
        Urging.objects.filter(urged_by=user, created_at__gte=since)
        .select_related("unit")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        DoneItem(
            at=urging.created_at,
            kind="催办",
            title=f"催办 · {urging.unit.name}",
            detail=f"逾期案件 {urging.case_count} 件 {urging.note}".strip(),
            url=overdue_cases_url(urging.unit_id),
        )
        for urging in urgings
    ]


def register_worklists():
    township = TOWNSHIP_ROLES
    register("cases_to_carry_out", "待整治推进的案件", township, cases_to_carry_out, order=10)
    register("cases_due_soon", "7天内到期的案件", township, cases_due_soon, order=12)
    register(
        "cases_to_determine",
        "待认定的案件",
        TRANSITIONS["determine"].roles,
        cases_to_determine,
        order=20,
    )
    register(
        "steps_to_confirm", "待本部门确认的步骤", {Role.DEPARTMENT_OFFICER}, steps_to_confirm, 22
    )
    register(
        "steps_for_county_office",
        "待县整治办确认的步骤（无对口部门）",
        {Role.COUNTY_OFFICE},
        steps_to_confirm,
        order=23,
    )
    register("cases_to_verify", "待核查验收的案件", TRANSITIONS["close"].roles, cases_to_verify, 5)
    register("overdue_units", "逾期案件（按责任单位催办）", URGERS, overdue_units, order=30)
    register_done("case_events", case_events_done)
    register_done("urgings", urgings_done)
