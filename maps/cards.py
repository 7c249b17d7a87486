"""The card a click on a map point opens: a case (name, township, disposal, state, deadline,
responsible unit, link), a tip, an inspection or a power alert. Objects outside the user's area answer 404."""

from django.http import Http404
from django.urls import reverse

from accounts.scoping import get_visible_or_404
from inspections.models import Inspection, Tip
from metering.models import PowerAlert
from rectification.models import Case


def card(user, kind, pk):
    if kind == "case":
        case = get_visible_or_404(
            Case.objects.select_related("enterprise__township", "responsible_unit"), user, pk=pk
        )
        return {
            "kind": "case",
            "title": case.enterprise.name,
            "rows": [
                ["案件编号", case.number],
                ["所在乡镇", case.enterprise.township.name],
                ["分类处置", case.get_disposal_display() or "未认定"],
                ["状态", case.get_state_display() + ("（逾期）" if case.is_overdue() else "")],
                ["整治期限", case.deadline_display or "—"],
                ["责任单位", case.responsible_unit.name if case.responsible_unit else "—"],
                *([["标记", "反弹"]] if case.is_relapse else []),
                *([["标记", "类散乱污"]] if case.is_quasi else []),
            ],
            "url": reverse("rectification:case_detail", args=[case.pk]),
            "link": "查看案件",
        }
    if kind == "tip":
        tip = get_visible_or_404(Tip.objects.select_related("enterprise", "township"), user, pk=pk)
        return {
            "kind": "tip",
            "title": f"举报 {tip.receipt_number}",
            "rows": [
                ["受理时间", f"{tip.received_at:%Y-%m-%d}"],
                ["地点", tip.place],
                ["关联企业", tip.enterprise.name if tip.enterprise else "—"],
                ["办理状态", tip.get_state_display()],
            ],
            "url": reverse("inspections:tip_detail", args=[tip.pk]),
            "link": "查看举报",
        }
    if kind == "inspection":
        inspection = get_visible_or_404(
            Inspection.objects.select_related("enterprise", "township"), user, pk=pk
        )
        return {
            "kind": "inspection",
            "title": inspection.enterprise.name if inspection.enterprise else inspection.place,
            "rows": [
                ["检查日期", f"{inspection.inspected_on:%Y-%m-%d}"],
                ["检查类型", inspection.get_inspection_type_display()],
                ["所在乡镇", inspection.township.name],
                ["检查结果", inspection.get_result_display()],
            ],
            "url": reverse("inspections:inspection_detail", args=[inspection.pk]),
            "link": "查看检查记录",
        }
    if kind == "power_alert":
        alert = get_visible_or_404(
            PowerAlert.objects.select_related("enterprise__township"), user, pk=pk
        )
        return {
            "kind": "power_alert",
            "title": alert.enterprise.name,
            "rows": [
                ["预警类型", alert.get_rule_display()],
                ["所属月份", f"{alert.period_month:%Y年%m月}"],
                ["用电量", f"{alert.kwh} kWh"],
                ["所在乡镇", alert.enterprise.township.name],
                ["状态", alert.get_state_display()],
            ],
            "url": reverse("metering:alert_detail", args=[alert.pk]),
            "link": "查看预警",
        }
    raise Http404("没有这种点位。")
