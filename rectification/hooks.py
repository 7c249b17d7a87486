"""The hooks rectification hands the ledger (enterprises.ledger), registered in
RectificationConfig.ready(): the case columns of seed 004's 附件1 (整治要求, 整治期限,
完成情况(完成日期)) out and, read from an imported file, in; the links from a ledger row to its
cases; the campaigns an import may use; and the case an imported row opens. enterprises
offers the hooks because it must not import this app."""

import datetime

from django.db.models import Prefetch
from django.urls import reverse

from accounts.refusals import Refused
from accounts.scoping import covers, in_area

from .imported import read_import
from .models import Campaign, Case, case_as_of, completion_text
from .workflow import ESTABLISHERS, PROPOSERS, establish_from_ledger, propose_case


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
                    "reported_completion",
                    "reported_completed_on",
                    "reported_state",
                ).order_by("-campaign__year", "-id"),
                to_attr="ledger_cases",
            )
        )

    @staticmethod
    def read_import(texts):
        return read_import(texts)

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


def campaign_covers(campaign, region):
    """A campaign without region applies everywhere; else only under its region."""
    return campaign.region_id is None or covers(campaign.region.path, region.path)


class ImportCampaigns:
    """The active campaigns an import may open its cases in: visible to the importer and
    covering the township (enterprises.ledger.register_import_campaigns)."""

    @staticmethod
    def campaigns(user, township=None):
        campaigns = Campaign.objects.visible_to(user).filter(is_active=True)
        campaigns = campaigns.select_related("region").order_by("-year", "-id")
        return [c for c in campaigns if township is None or campaign_covers(c, township)]

    def choices(self, user, township=None):
        return [
            (campaign.pk, f"{campaign.name}（{campaign.year}年）")
            for campaign in self.campaigns(user, township)
        ]

    def default(self, user, township):
        """The most local active campaign covering the township, the newest of those."""
        campaigns = self.campaigns(user, township)
        if not campaigns:
            return None
        depth = max(len(c.region.path) if c.region_id else 0 for c in campaigns)
        return next(c.pk for c in campaigns if (len(c.region.path) if c.region_id else 0) == depth)

    def check(self, campaign_id, user, township):
        campaign = (
            Campaign.objects.visible_to(user)
            .select_related("region")
            .filter(pk=campaign_id)
            .first()
        )
        if campaign is None:
            raise Refused(
                "所选专项行动不在您的辖区范围内，不能把案件登记到其中。", field="campaign"
            )
        if not campaign_covers(campaign, township):
            raise Refused(
                f"专项行动“{campaign.name}”不覆盖{township.name}，请选择覆盖该乡镇的专项行动。",
                field="campaign",
            )
        if not campaign.is_active:
            raise Refused(f"专项行动“{campaign.name}”已结束，不能再登记案件。", field="campaign")
        return campaign


CASE_TEXT_KEYS = ("requirement", "deadline", "completion")


def open_case_for_imported_row(enterprise, columns, by):
    """An imported ledger row that carries 整治要求/整治期限/完成情况 opens its case in the
    import's campaign (by default the township's active one), found on its 上报时间. A
    township's import proposes: the case records the township's requirement (and disposal),
    deadline, responsible person and 完成情况, shown on the ledger until the workflow moves
    it. A county office's 按台账建档 (columns["establish"]) opens it in the state the ledger
    states (workflow.establish_from_ledger). A campaign outside the importer's area or not
    covering the enterprise is refused, which undoes the whole import."""
    roles = ESTABLISHERS if columns.get("establish") else PROPOSERS
    if not any(columns.get(key) for key in CASE_TEXT_KEYS) or not by.has_role(*roles):
        return None
    township = enterprise.township
    campaigns = ImportCampaigns()
    campaign_id = columns.get("campaign") or campaigns.default(by, township)
    if campaign_id is None:
        return None
    campaign = campaigns.check(campaign_id, by, township)
    reported = columns
    if "state" not in columns:  # called with the texts only, not a parsed preview row
        reported, _ = read_import({key: columns.get(key) for key in CASE_TEXT_KEYS})
        reported.update({key: value for key, value in columns.items() if key not in reported})
    file_name, row = columns.get("file_name", ""), columns.get("row", "")
    if columns.get("establish"):
        return establish_from_ledger(
            enterprise,
            campaign=campaign,
            by=by,
            reported=reported,
            file_name=file_name,
            row=row,
        )
    source = f"文件“{file_name}”第 {row} 行" if file_name else "台账"
    quoted = "；".join(
        f"{label}：{columns[key]}"
        for key, label in (
            ("requirement", "整治要求"),
            ("deadline", "整治期限"),
            ("completion", "完成情况"),
        )
        if columns.get(key)
    )
    found_on = reported.get("found_on")
    return propose_case(
        enterprise,
        campaign=campaign,
        by=by,
        note=f"由台账导入（{source}），按乡镇填报记录。原台账{quoted}",
        found_on=datetime.date.fromisoformat(found_on) if found_on else None,
        reported=reported,
    )
