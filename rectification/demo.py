"""Demo data for rectification: the campaigns of seeds 000/001/003 with their checklist variants,
and a case for most demo enterprises in every state — found, determined, in progress (some
overdue, some extended, some due within a week), awaiting verification, closed (some due for
回头看), relapsed (反弹) and 类散乱污 — with steps, confirmation dates and the timeline.

Bulk inserts (the demo can be large); idempotent: nothing is added when the demo county already
has cases. The rows are written directly, as a data loader, following the same rules the
services enforce (states, dates and evidence agree).
"""

import datetime

from accounts.bulk import bulk_insert
from accounts.models import Organisation, Role, User
from enterprises.models import Enterprise

from .checklists import ensure_campaigns
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
from .services import build_steps, county_code

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


def seed(context):
    county = context["county"]
    rng = context["random"]
    campaigns = ensure_campaigns({county.code: county})
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

    plan = CasePlan(context, campaigns["000"], rng)
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

    def __init__(self, context, campaign, rng):
        county = context["county"]
        self.campaign = campaign
        self.rng = rng
        self.today = datetime.date.today()
        self.checklist_steps = list(campaign.closure_checklist.steps.all())
        # The demo county's office user acts in the demo county; the province-scale counties
        # have no users, so their events carry no actor (as rows imported from paper would).
        self.county_users = {}
        demo_county_user = (
            User.objects.filter(username="county").first()
            or User.objects.filter(role=Role.COUNTY_OFFICE, organisation__region=county).first()
        )
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
        bulk_insert(Case, cases)
        self.write_history(cases, plans)
        return [case.pk for case in cases]

    def build_case(self, enterprise, index):
        rng, today = self.rng, self.today
        if index % 11 == 10:
            return None, None  # some enterprises have no case yet: the ledger shows empty columns
        county_path = "/".join(enterprise.region_path.split("/")[:3]) + "/"
        in_demo_county = county_path == self.demo_county_path
        prefix = f"{county_code(enterprise.region_path)}-{self.campaign.year}-"
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
        case = Case(
            enterprise=enterprise,
            campaign=self.campaign,
            number=f"{prefix}{sequence:04d}",
            state=state,
            found_on=found_on,
            region_path=enterprise.region_path,
            responsible_unit=self.governments.get(enterprise.township_id),
            responsible_person=enterprise.responsible_person,
            created_by=self.clerks.get(enterprise.township_id),
            is_quasi=index % 23 == 5,
        )
        case.county_user = self.county_users.get(county_path)
        case.units = self.units if in_demo_county else {}
        if state != S.FOUND:
            case.disposal, case.requirement = disposal, requirement
            case.measures = {
                Disposal.SHUTDOWN: "依法关停取缔，按“两断三清一恢复”要求实施。",
                Disposal.UPGRADE: "限期补办手续，完善污染治理设施，监测达标后验收。",
                Disposal.RELOCATION: "限期搬迁入园，拆除原厂房并恢复原址场地。",
            }[disposal]
            case.determined_on = found_on + datetime.timedelta(days=7)
            if in_demo_county and self.responsible_departments and rng.random() < 0.3:
                case.responsible_unit = rng.choice(self.responsible_departments)
            if disposal == Disposal.RELOCATION:
                case.destination_park = "桦川县工业示范基地" if in_demo_county else "县工业园区"
        if state in (S.DETERMINED, S.IN_PROGRESS, S.AWAITING_VERIFICATION):
            # In progress: a spread of overdue, due within a week (reminders) and comfortable.
            offset = rng.choice([-20, -5, -1, 1, 3, 7, 15, 30, 45, 60])
            case.deadline = today + datetime.timedelta(days=offset)
            case.original_deadline = case.deadline
        if state == S.CLOSED or slot == "relapse":
            case.closed_on = today - datetime.timedelta(days=rng.randint(20, 220))
            case.original_deadline = case.closed_on + datetime.timedelta(days=rng.randint(0, 20))
            case.deadline = case.original_deadline
            case.look_back_due = case.closed_on + datetime.timedelta(
                days=self.campaign.look_back_after_days
            )
        if disposal == Disposal.RELOCATION and case.deadline:
            case.relocation_deadline = case.deadline
        # An extension needs its approver, so only counties with an office user have them.
        extended = state == S.IN_PROGRESS and index % 7 == 3 and case.county_user is not None
        if extended:
            case.original_deadline = case.deadline - datetime.timedelta(days=30)
        if slot == "relapse":
            case.is_relapse = True
            relapse_on = case.closed_on + datetime.timedelta(days=rng.randint(10, 19))
            case.deadline = relapse_on + datetime.timedelta(days=30)
            case.closed_on = case.look_back_due = None
        return case, (slot, extended)

    def write_history(self, cases, plans):
        rng, today = self.rng, self.today
        steps, events, extensions = [], [], []
        for case, (slot, extended) in zip(cases, plans, strict=True):
            clerk = case.created_by
            county_user = case.county_user
            events.append(CaseEvent(case=case, action=A.PROPOSE, to_state=S.FOUND, actor=clerk))
            if case.state == S.FOUND:
                continue
            events.append(
                CaseEvent(
                    case=case,
                    action=A.DETERMINE,
                    from_state=S.FOUND,
                    to_state=S.DETERMINED,
                    actor=county_user,
                    comment=f"{case.get_disposal_display()}；{case.measures}",
                )
            )
            case_steps = build_steps(case, self.checklist_steps, case.units)
            done_until = 0
            if case.state == S.IN_PROGRESS:
                done_until = (
                    len(case_steps) if slot == "relapse" else rng.randint(0, len(case_steps) - 1)
                )
            elif case.state in (S.AWAITING_VERIFICATION, S.CLOSED):
                done_until = len(case_steps)
            step_day = case.determined_on + datetime.timedelta(days=3)
            for number, step in enumerate(case_steps):
                if number < done_until:
                    step.done_on = min(step_day + datetime.timedelta(days=2 * number), today)
                    step.confirming_person = (
                        step.confirming_unit.contact_person if step.confirming_unit else ""
                    ) or (county_user.display_name if county_user else "")
            steps.extend(case_steps)
            if case.state == S.DETERMINED:
                continue
            events.append(
                CaseEvent(
                    case=case,
                    action=A.START,
                    from_state=S.DETERMINED,
                    to_state=S.IN_PROGRESS,
                    actor=clerk,
                )
            )
            if extended and county_user:
                extensions.append(
                    DeadlineExtension(
                        case=case,
                        previous_deadline=case.original_deadline,
                        new_deadline=case.deadline,
                        reason="设备拆除需协调吊装，申请延期一个月",
                        approver=county_user,
                        requested_by=clerk,
                    )
                )
                events.append(
                    CaseEvent(
                        case=case,
                        action=A.EXTEND,
                        from_state=S.IN_PROGRESS,
                        to_state=S.IN_PROGRESS,
                        actor=clerk,
                        comment=f"期限由 {case.original_deadline:%Y-%m-%d} 延至 {case.deadline:%Y-%m-%d}",
                    )
                )
            if case.state == S.IN_PROGRESS and slot != "relapse":
                continue
            events.append(
                CaseEvent(
                    case=case,
                    action=A.SUBMIT,
                    from_state=S.IN_PROGRESS,
                    to_state=S.AWAITING_VERIFICATION,
                    actor=clerk,
                )
            )
            if case.state == S.AWAITING_VERIFICATION:
                continue
            events.append(
                CaseEvent(
                    case=case,
                    action=A.CLOSE,
                    from_state=S.AWAITING_VERIFICATION,
                    to_state=S.CLOSED,
                    actor=county_user,
                    comment="核查验收合格，予以销号。",
                )
            )
            if slot == "relapse":
                if county_user:
                    extensions.append(
                        DeadlineExtension(
                            case=case,
                            previous_deadline=case.original_deadline,
                            new_deadline=case.deadline,
                            reason="回头看发现反弹，重新限期整治",
                            approver=county_user,
                            requested_by=county_user,
                        )
                    )
                events.append(
                    CaseEvent(
                        case=case,
                        action=A.REOPEN_RELAPSE,
                        from_state=S.CLOSED,
                        to_state=S.IN_PROGRESS,
                        actor=county_user,
                        comment="回头看发现已恢复生产（死灰复燃）。",
                    )
                )
        bulk_insert(CaseStep, steps)
        bulk_insert(CaseEvent, events)
        bulk_insert(DeadlineExtension, extensions)
