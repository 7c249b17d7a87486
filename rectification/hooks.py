"""The hooks rectification hands the ledger (enterprises.ledger), registered in
RectificationConfig.ready(): the case columns of seed 004's 附件1 (整治要求, 整治期限,
完成情况(完成日期)), the links from a ledger row to its cases, and the case an imported row
opens. enterprises offers the hooks because it must not import this app."""

from django.db.models import Prefetch
from django.urls import reverse

from accounts.scoping import in_area

from .models import Campaign, Case, case_as_of, completion_text
from .workflow import PROPOSERS, propose_case


def current_case(enterprise):
    """The enterprise's most recent case, from the prefetch made by `prepare`."""
    cases = getattr(enterprise, "ledger_cases", None)
    if cases is None:
        cases = list(enterprise.cases.order_by("-campaign__year", "-id")[:1])
    return cases[0] if cases else None


class CaseColumnsProvider:
    """prepare(): one extra query per page, whatever the number of rows."""

    def prepare(self, queryset):
        return queryset.prefetch_related(
            Prefetch(
                "cases",
                queryset=Case.objects.only(
                    "id",
                    "number",
                    "enterprise_id",
                    "state",
                    "disposal",
                    "requirement",
                    "deadline",
                    "determined_on",
                    "closed_on",
                    "campaign_id",
                ).order_by("-campaign__year", "-id"),
                to_attr="ledger_cases",
            )
        )

    def values(self, enterprise, as_of=None):
        case = current_case(enterprise)
        if case is None:
            return {"requirement": "", "deadline": None, "completion": ""}
        if as_of is not None:
            case = case_as_of(case, as_of)
        return {
            "requirement": case.get_requirement_display() if case.requirement else "",
            "deadline": case.deadline,
            "completion": completion_text(case),
        }


def case_detail_links(enterprise, user):
    """Links to the enterprise's cases; a proposer also gets "上报整治案件" when it has none."""
    cases = getattr(enterprise, "ledger_cases", None)
    if cases is None:
        cases = list(Case.objects.visible_to(user).filter(enterprise=enterprise).order_by("-id"))
    links = [
        (f"整治案件 {case.number}", reverse("rectification:case_detail", args=[case.pk]))
        for case in cases
    ]
    if (
        not cases
        and in_area(user, enterprise.region_path)
        and user.has_role(*PROPOSERS)
        and not user.is_read_only
    ):
        links.append(
            ("上报整治案件", f"{reverse('rectification:case_propose')}?enterprise={enterprise.pk}")
        )
    return links


def open_case_for_imported_row(enterprise, columns, by):
    """An imported old ledger row that carries 整治要求/整治期限/完成情况 gets a case at 排查发现 in
    the importer's latest active campaign, with the old values quoted on the timeline. The old
    values are not applied as state: determination and closure still go through the workflow."""
    if not any(columns.values()) or not by.has_role(*PROPOSERS):
        return None
    campaign = (
        Campaign.objects.visible_to(by).filter(is_active=True).order_by("-year", "-id").first()
    )
    if campaign is None:
        return None
    quoted = "；".join(
        f"{label}：{columns[key]}"
        for key, label in (
            ("requirement", "整治要求"),
            ("deadline", "整治期限"),
            ("completion", "完成情况"),
        )
        if columns.get(key)
    )
    return propose_case(enterprise, campaign=campaign, by=by, note=f"由台账导入。原台账{quoted}")
