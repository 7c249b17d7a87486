"""What tips and spot checks say about an enterprise's risk (enterprises.risk, registered in
InspectionsConfig.ready()): each tip linked to the enterprise, and each 督导抽查 that found it
off the ledger (新发现). A relapse a 回头看 finds reopens the case and counts there
(rectification.risk), so it is not counted twice here. One query per kind per chunk."""

from django.utils import timezone

from enterprises.risk import DeductionKind, Finding, register_source

from .models import Inspection, InspectionResult, InspectionType, Tip

TIP = DeductionKind("tip", "被举报", points=5, cap=15)
SPOT_CHECK_FIND = DeductionKind("spot_check_find", "督导抽查发现台账未列", points=15)


def tip_findings(enterprise_ids, today):
    tips = (
        Tip.objects.filter(enterprise_id__in=enterprise_ids)
        .values_list("enterprise_id", "receipt_number", "received_at", "channel")
        .order_by("enterprise_id", "id")
    )
    return [
        Finding(
            enterprise_id,
            TIP.key,
            f"收到举报（{Tip(channel=channel).get_channel_display()}）",
            f"举报 {number}",
            timezone.localdate(received_at),
        )
        for enterprise_id, number, received_at, channel in tips
    ]


def spot_check_findings(enterprise_ids, today):
    finds = (
        Inspection.objects.filter(
            enterprise_id__in=enterprise_ids,
            inspection_type=InspectionType.SPOT_CHECK,
            result=InspectionResult.NEW_FIND,
        )
        .values_list("enterprise_id", "id", "inspected_on")
        .order_by("enterprise_id", "id")
    )
    return [
        Finding(
            enterprise_id,
            SPOT_CHECK_FIND.key,
            "督导抽查发现台账未列的问题（新发现）",
            f"检查记录 #{inspection_id}",
            inspected_on,
        )
        for enterprise_id, inspection_id, inspected_on in finds
    ]


def register_risk_sources():
    register_source("tips", tip_findings, TIP)
    register_source("spot_check_finds", spot_check_findings, SPOT_CHECK_FIND)
