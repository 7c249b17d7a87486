"""催办: the county office chases a responsible unit about its overdue cases in one action.

One service function in one transaction: the record (Urging, 催办记录), a 催办 line on each
case's timeline, and — after commit — one notice to the unit's members and the cases'
responsible persons through notices.notify_once.
"""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role
from accounts.refusals import Refused
from accounts.scoping import scope_to_area_and_above
from accounts.side_effects import after_commit
from notices.notifications import notify_once, register_kind

from .models import Case, CaseEvent, Urging
from .workflow.rules import check_role

URGE_KIND = "urge"
URGERS = frozenset({Role.COUNTY_OFFICE})

register_kind(URGE_KIND, "催办")


def overdue_cases_url(unit_id):
    return f"{reverse('rectification:case_list')}?responsible_unit={unit_id}&overdue=true"


def overdue_by_unit(user, today):
    """[{unit_id, unit, cases, oldest, persons}] of the user's overdue cases per responsible unit,
    the longest overdue first. One query whatever the number of cases."""
    rows = (
        Case.objects.visible_to(user)
        .overdue(today)
        .filter(responsible_unit__isnull=False)
        .order_by()
        .values("responsible_unit_id", "responsible_unit__name", "responsible_person")
        .annotate(n=Count("id"), oldest=Min("deadline"))
    )
    units = {}
    for row in rows:
        entry = units.setdefault(
            row["responsible_unit_id"],
            {
                "unit_id": row["responsible_unit_id"],
                "unit": row["responsible_unit__name"],
                "cases": 0,
                "oldest": row["oldest"],
                "persons": defaultdict(int),
            },
        )
        entry["cases"] += row["n"]
        entry["oldest"] = min(entry["oldest"], row["oldest"])
        if row["responsible_person"]:
            entry["persons"][row["responsible_person"]] += row["n"]
    return sorted(units.values(), key=lambda e: (e["oldest"], -e["cases"], e["unit"]))


def urged_today(user, today):
    """Ids of the units the user's office has already urged today."""
    if not user.organisation_id:
        return set()
    return set(
        Urging.objects.filter(office_id=user.organisation_id, urged_on=today).values_list(
            "unit_id", flat=True
        )
    )


@transaction.atomic
def urge_unit(unit, *, by, note="", today=None):
    """催办 `unit` about every case of it overdue in `by`'s area today; returns the Urging."""
    check_role(by, URGERS, "催办")
    today = today or timezone.localdate()
    units = scope_to_area_and_above(Organisation.objects.all(), by, "region__path")
    if unit is None or not units.filter(pk=unit.pk).exists():
        raise Refused("请选择您辖区内的责任单位。", field="unit")
    cases = list(
        Case.objects.visible_to(by)
        .overdue(today)
        .filter(responsible_unit=unit)
        .select_related("enterprise")
        .order_by("deadline", "id")
    )
    if not cases:
        raise Refused(f"{unit.name}目前没有逾期案件，无需催办。", field="unit")
    note = (note or "").strip()[:300]
    persons = sorted({case.responsible_person for case in cases if case.responsible_person})
    try:
        with transaction.atomic():
            urging = Urging.objects.create(
                region_path=by.organisation.region.path,
                urged_by=by,
                office=by.organisation,
                unit=unit,
                persons="、".join(persons)[:300],
                case_count=len(cases),
                note=note,
                urged_on=today,
            )
    except IntegrityError as error:
        raise Refused(f"今天已向{unit.name}催办过，请勿重复催办。", field="unit") from error
    urging.cases.set(cases)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            action=CaseEvent.Action.URGE,
            actor=by,
            comment=(
                f"{by.organisation.short_name or by.organisation.name}催办{unit.name}"
                f"{'（' + case.responsible_person + '）' if case.responsible_person else ''}："
                f"整治期限 {case.deadline:%Y-%m-%d}，已逾期 {(today - case.deadline).days} 天。"
                f"{note}"
            ),
        )
        for case in cases
    )
    recipients = [unit, *{case.responsible_user for case in cases if case.responsible_user_id}]
    after_commit(lambda: send_urging_notice(urging, cases, recipients), "urging notice")
    return urging


def send_urging_notice(urging, cases, recipients):
    numbers = "、".join(case.number for case in cases[:20])
    more = f"等 {len(cases)} 件" if len(cases) > 20 else ""
    return notify_once(
        f"urging:{urging.pk}",
        URGE_KIND,
        urging.urged_on,
        recipients,
        f"【催办】{urging.office.name}催办逾期案件 {urging.case_count} 件",
        f"{urging.unit.name}的 {urging.case_count} 件整治案件已超过整治期限（{numbers}{more}），"
        f"请抓紧整改并提请验收。{urging.note}".strip(),
        overdue_cases_url(urging.unit_id),
    )
