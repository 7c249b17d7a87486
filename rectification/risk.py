"""What the cases say about an enterprise's risk (enterprises.risk, registered in
RectificationConfig.ready()): relapse (反弹), months overdue, failed verifications and
类散乱污. One query per kind for a whole chunk of enterprises."""

from django.db.models import Count, Max, Q
from django.utils import timezone

from enterprises.risk import DeductionKind, Finding, register_source

from .models import Case, CaseEvent, CaseState

RELAPSE = DeductionKind("relapse", "反弹（死灰复燃）", points=30)
OVERDUE = DeductionKind("overdue", "整治逾期", points=5, cap=20, unit="个月")
FAILED_VERIFICATION = DeductionKind("failed_verification", "验收不通过", points=10, cap=20)
QUASI = DeductionKind("quasi", "类散乱污", points=10)

DAYS_PER_MONTH = 30


def local_date(moment):
    return timezone.localdate(moment) if moment is not None else None


def months_overdue(deadline, today):
    """Started months past the deadline: 1 day late is 1 month, 31 days 2 months."""
    days = (today - deadline).days
    return -(-days // DAYS_PER_MONTH) if days > 0 else 0


def case_findings(enterprise_ids, today):
    """Relapse, overdue and 类散乱污 from one read of the enterprises' flagged or late cases,
    failed verifications from one count of their events."""
    findings = []
    cases = (
        Case.objects.filter(enterprise_id__in=enterprise_ids)
        .filter(
            Q(is_relapse=True)
            | Q(is_quasi=True)
            | (~Q(state=CaseState.CLOSED) & Q(deadline__lt=today))
        )
        .annotate(
            relapsed_at=Max("events__created_at", filter=Q(events__action="reopen_relapse")),
            flagged_at=Max("events__created_at", filter=Q(events__action="flag_quasi")),
        )
        .values_list(
            "enterprise_id",
            "number",
            "state",
            "deadline",
            "is_relapse",
            "is_quasi",
            "found_on",
            "relapsed_at",
            "flagged_at",
        )
        .order_by("enterprise_id", "id")
    )
    for row in cases:
        enterprise_id, number, state, deadline, relapse, quasi, found_on, relapsed, flagged = row
        source = f"整治案件 {number}"
        if relapse:
            findings.append(
                Finding(
                    enterprise_id,
                    RELAPSE.key,
                    "销号后回头看发现反弹（死灰复燃）",
                    source,
                    local_date(relapsed) or found_on,
                )
            )
        if quasi:
            findings.append(
                Finding(
                    enterprise_id,
                    QUASI.key,
                    "被认定为类散乱污（原址换名复产、未实质整改）",
                    source,
                    local_date(flagged) or found_on,
                )
            )
        if state != CaseState.CLOSED and deadline is not None and deadline < today:
            months = months_overdue(deadline, today)
            findings.append(
                Finding(
                    enterprise_id,
                    OVERDUE.key,
                    f"整治期限 {deadline:%Y-%m-%d} 已逾期 {months} 个月",
                    source,
                    deadline,
                    count=months,
                )
            )
    failures = (
        CaseEvent.objects.filter(
            case__enterprise_id__in=enterprise_ids, action=CaseEvent.Action.FAIL_VERIFICATION
        )
        .values("case__enterprise_id", "case__number")
        .annotate(times=Count("id"), last=Max("created_at"))
        .order_by("case__enterprise_id", "case__number")
    )
    for row in failures:
        findings.append(
            Finding(
                row["case__enterprise_id"],
                FAILED_VERIFICATION.key,
                f"核查验收不通过 {row['times']} 次",
                f"整治案件 {row['case__number']}",
                local_date(row["last"]),
                count=row["times"],
            )
        )
    return findings


def register_risk_source():
    register_source("cases", case_findings, [RELAPSE, OVERDUE, FAILED_VERIFICATION, QUASI])
