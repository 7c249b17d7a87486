"""Demo data for rectification: the seeds' checklist variants (and their campaigns where their
regions exist), the demo county's own current campaign — which holds the demo county's cases —
and a case for most demo enterprises in every state — found, determined, in progress (some
overdue, some extended, some due within a week), awaiting verification, closed (some due for
回头看), relapsed (反弹) and 类散乱污 — with steps, confirmation dates and the timeline.

Bulk inserts (the demo can be large); idempotent: nothing is added when the demo county already
has cases. The rows are written directly, as a data loader, following the same rules the
services enforce (states, dates and evidence agree).
"""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from accounts.bulk import insert_rows
from accounts.models import Organisation, Region, Role, User
from accounts.paths import path_at_level
from enterprises.models import Enterprise

from .checklists import ensure_campaigns, ensure_demo_campaigns
from .models import (
    Case,
    CaseEvent,
    CaseSequence,
    CaseState,
    CaseStep,
    DeadlineExtension,
    Disposal,
    Requirement,
)
from .workflow import county_code
from .workflow.steps import step_plan

S = CaseState
A = CaseEvent.Action
# Ten slots cycle over the enterprises so that every state is present whatever the size.
STATE_CYCLE = [
    S.FOUND,
    S.FOUND,
    S.DETERMINED,
    S.IN_PROGRESS,
    S.IN_PROGRESS,
    S.AWAITING_VERIFICATION,
    S.CLOSED,
    S.CLOSED,
    S.CLOSED,
    "relapse",
]


CHUNK = 10_000
MEASURES = {
    Disposal.SHUTDOWN: "依法关停取缔，按“两断三清一恢复”要求实施。",
    Disposal.UPGRADE: "限期补办手续，完善污染治理设施，监测达标后验收。",
    Disposal.RELOCATION: "限期搬迁入园，拆除原厂房并恢复原址场地。",
}


def seed(context):
    county = context["county"]
    rng = context["random"]
    campaigns = ensure_campaigns({county.code: county})
    # The rest of the province (its synthetic counties, at province scale) runs a province-wide
    # campaign, so no case is ever filed in a campaign outside its area.
    province = context.get("province") if context.get("synthetic_townships") else None
    demo_campaigns = ensure_demo_campaigns(county, province)
    campaigns.update(demo_campaigns)
    context["campaigns"] = campaigns
    if Case.objects.within(county.path).exists():
        context["case_ids"] = list(Case.objects.within(county.path).values_list("id", flat=True))
        return

    ids = context.get("enterprise_ids")
    if not ids:
        ids = list(
            Enterprise.objects.within(county.path).order_by("id").values_list("id", flat=True)
        )
    if not ids:
        context["case_ids"] = []
        return

    plan = CasePlan(context, demo_campaigns["county"], rng, demo_campaigns.get("province"))
    case_ids = []
    # In chunks of enterprises, so a province's million rows never sit in memory at once.
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        enterprises = (
            Enterprise.objects.filter(id__in=chunk).select_related("township").order_by("id")
        )
        case_ids.extend(plan.seed_chunk(enterprises, start))
    for prefix, last in plan.sequences.items():
        CaseSequence.objects.update_or_create(prefix=prefix, defaults={"last": last})
    context["case_ids"] = case_ids


class CasePlan:
    """Who acts on the generated cases, and the case numbers handed out so far per county."""

    def __init__(self, context, campaign, rng, elsewhere=None):
        county = context["county"]
        self.campaign = campaign
        self.elsewhere = elsewhere or campaign
        self.rng = rng
        self.today = timezone.localdate()
        self.checklist_steps = list(campaign.closure_checklist.steps.all())
        # Each county's office user acts on its cases (the demo county's "county" first).
        self.county_users = {
            user.organisation.region.path: user
            for user in User.objects.filter(
                role=Role.COUNTY_OFFICE, organisation__kind=Organisation.Kind.COUNTY_OFFICE
            )
            .select_related("organisation__region")
            .order_by("-id")
        }
        demo_county_user = User.objects.filter(username="county").first()
        if demo_county_user is not None:
            self.county_users[county.path] = demo_county_user
        self.demo_county_path = county.path
        self.clerks = {
            user.organisation.region_id: user
            for user in User.objects.filter(role=Role.TOWNSHIP_CLERK).select_related("organisation")
        }
        self.governments = {
            organisation.region_id: organisation
            for organisation in Organisation.objects.filter(
                kind=Organisation.Kind.TOWNSHIP_GOVERNMENT
            )
        }
        self.units = dict(context.get("departments") or {})
        self.responsible_departments = [
            unit
            for unit in (
                self.units.get(Organisation.Department.ECOLOGY_ENVIRONMENT),
                self.units.get(Organisation.Department.INDUSTRY),
            )
            if unit is not None
        ]
        self.sequences = {}
        self.index = 0

    def seed_chunk(self, enterprises, start):
        cases, plans = [], []
        for offset, enterprise in enumerate(enterprises):
            case, plan = self.build_case(enterprise, start + offset)
            if case is not None:
                cases.append(case)
                plans.append(plan)
        insert_rows(Case, cases)
        self.write_history(cases, plans)
        return [case["id"] for case in cases]

    def build_case(self, enterprise, index):
        """One generated case as a plain row, and what its history needs besides."""
        rng, today = self.rng, self.today
        if index % 11 == 10:
            return None, None  # some enterprises have no case yet: the ledger shows empty columns
        county_path = path_at_level(enterprise.region_path, Region.Level.COUNTY)
        in_demo_county = county_path == self.demo_county_path
        county_user = self.county_users.get(county_path)
        campaign = self.campaign if in_demo_county else self.elsewhere
        prefix = f"{county_code(enterprise.region_path)}-{campaign.year}-"
        sequence = self.sequences[prefix] = self.sequences.get(prefix, 0) + 1
        slot = STATE_CYCLE[index % len(STATE_CYCLE)]
        state = S.IN_PROGRESS if slot == "relapse" else slot
        found_on = today - datetime.timedelta(days=rng.randint(240, 400))
        draw = rng.random()
        if draw < 0.5:
            disposal, requirement = Disposal.SHUTDOWN, Requirement.DEMOLISH
        elif draw < 0.85:
            disposal = Disposal.UPGRADE
            requirement = rng.choice([Requirement.OBTAIN_PERMITS, Requirement.IMPROVE])
        else:
            disposal, requirement = Disposal.RELOCATION, ""
        government = self.governments.get(enterprise.township_id)
        clerk = self.clerks.get(enterprise.township_id)
        case = {
            "enterprise_id": enterprise.pk,
            "campaign_id": campaign.pk,
            "number": f"{prefix}{sequence:04d}",
            "state": state,
            "found_on": found_on,
            "region_path": enterprise.region_path,
            "responsible_unit_id": government.pk if government else None,
            "responsible_person": enterprise.responsible_person,
            "created_by_id": clerk.pk if clerk else None,
            "is_quasi": index % 23 == 5,
        }
        deadline = original_deadline = closed_on = look_back_due = None
        if state != S.FOUND:
            case["disposal"], case["requirement"] = str(disposal), str(requirement)
            case["measures"] = MEASURES[disposal]
            case["determined_on"] = found_on + datetime.timedelta(days=7)
            if in_demo_county and self.responsible_departments and rng.random() < 0.3:
                case["responsible_unit_id"] = rng.choice(self.responsible_departments).pk
            if disposal == Disposal.RELOCATION:
                case["destination_park"] = "桦川县工业示范基地" if in_demo_county else "县工业园区"
        if state in (S.DETERMINED, S.IN_PROGRESS, S.AWAITING_VERIFICATION):
            # In progress: a spread of overdue, due within a week (reminders) and comfortable.
            offset = rng.choice([-20, -5, -1, 1, 3, 7, 15, 30, 45, 60])
            deadline = original_deadline = today + datetime.timedelta(days=offset)
        if state == S.CLOSED or slot == "relapse":
            closed_on = today - datetime.timedelta(days=rng.randint(20, 220))
            original_deadline = closed_on + datetime.timedelta(days=rng.randint(0, 20))
            deadline = original_deadline
            look_back_due = closed_on + datetime.timedelta(days=campaign.look_back_after_days)
        relocation_deadline = deadline if disposal == Disposal.RELOCATION and deadline else None
        # An extension needs its approver, so only counties with an office user have them.
        extended = state == S.IN_PROGRESS and index % 7 == 3 and county_user is not None
        if extended:
            original_deadline = deadline - datetime.timedelta(days=30)
        if slot == "relapse":
            case["is_relapse"] = True
            relapse_on = closed_on + datetime.timedelta(days=rng.randint(10, 19))
            deadline = relapse_on + datetime.timedelta(days=30)
            closed_on = look_back_due = None
        case.update(
            deadline=deadline,
            original_deadline=original_deadline,
            closed_on=closed_on,
            look_back_due=look_back_due,
            relocation_deadline=relocation_deadline,
        )
        extras = {
            "slot": slot,
            "extended": extended,
            "county_user": county_user,
            "units": self.units if in_demo_county else {},
            "clerk": clerk,
        }
        return case, extras

    def write_history(self, cases, plans):
        """Steps, timeline events and extensions of the generated cases, as plain rows."""
        rng, today = self.rng, self.today
        steps, events, extensions = [], [], []

        def event(case, action, from_state, to_state, actor, comment=""):
            events.append(
                {
                    "case_id": case["id"],
                    "action": str(action),
                    "from_state": str(from_state),
                    "to_state": str(to_state),
                    "actor_id": actor.pk if actor else None,
                    "comment": comment,
                }
            )

        def extension(case, previous, reason, approver, requested_by):
            extensions.append(
                {
                    "case_id": case["id"],
                    "previous_deadline": previous,
                    "new_deadline": case["deadline"],
                    "reason": reason,
                    "approver_id": approver.pk,
                    "requested_by_id": requested_by.pk if requested_by else None,
                }
            )

        for case, extras in zip(cases, plans, strict=True):
            clerk, county_user, slot = extras["clerk"], extras["county_user"], extras["slot"]
            state = case["state"]
            event(case, A.PROPOSE, "", S.FOUND, clerk)
            if state == S.FOUND:
                continue
            disposal_label = Disposal(case["disposal"]).label
            event(
                case,
                A.DETERMINE,
                S.FOUND,
                S.DETERMINED,
                county_user,
                f"{disposal_label}；{case['measures']}",
            )
            plan = step_plan(SimpleNamespace(**case), self.checklist_steps)
            done_until = 0
            if state == S.IN_PROGRESS:
                done_until = len(plan) if slot == "relapse" else rng.randint(0, len(plan) - 1)
            elif state in (S.AWAITING_VERIFICATION, S.CLOSED):
                done_until = len(plan)
            step_day = case["determined_on"] + datetime.timedelta(days=3)
            for number, (kind, name, department, deadline) in enumerate(plan):
                unit = extras["units"].get(department)
                step = {
                    "case_id": case["id"],
                    "kind": str(kind),
                    "order": number + 1,
                    "name": name,
                    "confirming_department": str(department or ""),
                    "confirming_unit_id": unit.pk if unit else None,
                    "deadline": deadline,
                }
                if number < done_until:
                    step["done_on"] = min(step_day + datetime.timedelta(days=2 * number), today)
                    step["confirming_person"] = (unit.contact_person if unit else "") or (
                        county_user.display_name if county_user else ""
                    )
                steps.append(step)
            if state == S.DETERMINED:
                continue
            event(case, A.START, S.DETERMINED, S.IN_PROGRESS, clerk)
            if extras["extended"]:
                extension(
                    case,
                    case["original_deadline"],
                    "设备拆除需协调吊装，申请延期一个月",
                    county_user,
                    clerk,
                )
                event(
                    case,
                    A.EXTEND,
                    S.IN_PROGRESS,
                    S.IN_PROGRESS,
                    clerk,
                    f"期限由 {case['original_deadline']:%Y-%m-%d} 延至 {case['deadline']:%Y-%m-%d}",
                )
            if state == S.IN_PROGRESS and slot != "relapse":
                continue
            event(case, A.SUBMIT, S.IN_PROGRESS, S.AWAITING_VERIFICATION, clerk)
            if state == S.AWAITING_VERIFICATION:
                continue
            event(
                case,
                A.CLOSE,
                S.AWAITING_VERIFICATION,
                S.CLOSED,
                county_user,
                "核查验收合格，予以销号。",
            )
            if slot == "relapse":
                if county_user:
                    extension(
                        case,
                        case["original_deadline"],
                        "回头看发现反弹，重新限期整治",
                        county_user,
                        county_user,
                    )
                event(
                    case,
                    A.REOPEN_RELAPSE,
                    S.CLOSED,
                    S.IN_PROGRESS,
                    county_user,
                    "回头看发现已恢复生产（死灰复燃）。",
                )
        insert_rows(CaseStep, steps)
        insert_rows(CaseEvent, events)
        insert_rows(DeadlineExtension, extensions)
