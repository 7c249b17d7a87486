"""Demo field work for the demo county: team outings with members, inspections of every type
over the demo enterprises, county spot checks covering some townships above and some below
20%, a planned spot-check round, a few 附件2 transfers, and tips in every state.

Volume rows (teams, members, inspections) are bulk-inserted; the few rows whose point is the
workflow (a look-back relapse, tips, transfers, the round) go through the services. Idempotent:
a county that already has inspections is left as it is.
"""

import contextlib
import datetime

from django.utils import timezone

from accounts.bulk import insert_rows
from accounts.models import Organisation, Role, User
from accounts.refusals import Refused
from enterprises.models import Enterprise

from .models import (
    Inspection,
    InspectionResult,
    InspectionType,
    SpotCheckRound,
    SupervisionTransfer,
    Team,
    TeamMember,
    Tip,
    TipChannel,
)
from .services import (
    assign_tip,
    complete_transfer,
    file_tip,
    plan_spot_check_round,
    publish_tip_outcome,
    record_inspection,
    transfer_problem,
)

NAMED_PEOPLE = [
    "王建国",
    "李卫东",
    "赵志刚",
    "刘红梅",
    "陈海涛",
    "杨晓东",
    "张丽华",
    "孙立军",
    "周文斌",
]
POLICE_AND_POWER = ["公安民警刘强", "供电所电工王亮", "市场监管员高峰"]
FINDINGS = {
    InspectionResult.NO_PROBLEM: [
        "现场已停产，设备已清除。",
        "未发现生产迹象。",
        "手续齐全，治污设施正常运行。",
    ],
    InspectionResult.NEW_FIND: ["发现无手续加工点，已录入台账。", "厂中厂无环评手续，正在生产。"],
    InspectionResult.SHORTFALL: ["治污设施尚未安装到位。", "原料未清理干净。"],
}
BATCH = 2000


def _team_rows(rng, organisation, out_on, name, users):
    team = {
        "name": name,
        "organisation_id": organisation.pk,
        "out_on": out_on,
        "region_path": organisation.region.path,
    }
    people = [user.display_name for user in users[:2]] + rng.sample(NAMED_PEOPLE, rng.randint(1, 3))
    if rng.random() < 0.3:
        people.append(rng.choice(POLICE_AND_POWER))
    members = list(dict.fromkeys(people))
    team["member_count"] = len(members)
    return team, members


def _bulk_teams(pairs):
    """Insert (team row, member names) pairs; returns the team ids."""
    teams = insert_rows(Team, [team for team, _members in pairs])
    insert_rows(
        TeamMember,
        [
            {"team_id": team["id"], "name": name}
            for team, (_team, members) in zip(teams, pairs, strict=True)
            for name in members
        ],
    )
    return [team["id"] for team in teams]


def seed(context):
    county = context["county"]
    if Inspection.objects.within(county.path).exists():
        return
    rng = context["random"]
    today = timezone.localdate()
    townships = context["townships"]
    governments = context["township_governments"]
    county_office = context["county_office"]
    users_by_org = {}
    for user in User.objects.filter(organisation__region__path__startswith=county.path).order_by(
        "id"
    ):
        users_by_org.setdefault(user.organisation_id, []).append(user)
    if not Enterprise.objects.within(county.path).exists():
        return
    field_work(rng, today, county, townships, governments, county_office, users_by_org)
    if context.get("synthetic_townships"):
        province_field_work(rng, today, context["synthetic_townships"])

    county_users = users_by_org.get(county_office.pk, [])
    county_user = User.objects.filter(username="county").first() or (county_users or [None])[0]
    if county_user is None:
        return
    _look_backs(context, rng, today, townships, governments, users_by_org)
    # The county's 风险画像 before its spot-check round draws by it (the rest of a province's
    # synthetic ledger is scored by the nightly pass).
    from enterprises.risk import recompute_all

    recompute_all(today, queryset=Enterprise.objects.within(county.path))
    _round_and_transfers(context, rng, today, county, county_user)
    _tips(context, today, county, townships, governments, users_by_org, county_user)
    stdout = context.get("stdout")
    if stdout:
        stdout.write(
            f"检查记录：已生成 {Inspection.objects.within(county.path).count()} 条检查、举报和督查跟踪台账。"
        )


def _look_backs(context, rng, today, townships, governments, users_by_org):
    """回头看 of closed cases through the real workflow: most hold, one relapses (反弹)."""
    try:
        from rectification.models import Case, CaseState
    except ImportError:  # pragma: no cover
        return
    closed = list(
        Case.objects.within(context["county"].path)
        .filter(state=CaseState.CLOSED, is_relapse=False)
        .select_related("enterprise", "enterprise__township")
        .order_by("id")[:6]
    )
    for index, case in enumerate(closed):
        township = case.enterprise.township
        government = governments.get(township.code)
        clerk = next(
            (
                u
                for u in users_by_org.get(getattr(government, "pk", None), [])
                if u.role == Role.TOWNSHIP_CLERK
            ),
            None,
        )
        if clerk is None:
            continue
        relapse = index == 0
        try:
            record_inspection(
                by=clerk,
                inspection_type=InspectionType.LOOK_BACK,
                inspected_on=today,
                result=InspectionResult.RELAPSE if relapse else InspectionResult.NO_PROBLEM,
                enterprise=case.enterprise,
                new_team={
                    "name": "回头看工作组",
                    "member_users": [clerk],
                    "member_names": ["村网格员"],
                },
                findings="夜间恢复生产，死灰复燃。" if relapse else "已取缔到位，未见反弹。",
            )
        except Refused:
            continue
    # 整改未到位 found on a case still in progress: recorded against it by the workflow.
    open_case = (
        Case.objects.within(context["county"].path)
        .filter(state=CaseState.IN_PROGRESS)
        .select_related("enterprise", "enterprise__township")
        .order_by("id")
        .first()
    )
    county_user = User.objects.filter(username="county").first()
    if open_case is not None and county_user is not None:
        with contextlib.suppress(Refused):
            record_inspection(
                by=county_user,
                inspection_type=InspectionType.PATROL,
                inspected_on=today,
                result=InspectionResult.SHORTFALL,
                enterprise=open_case.enterprise,
                new_team={
                    "name": "县整治办巡查组",
                    "member_users": [county_user],
                    "member_names": [],
                },
                findings=rng.choice(FINDINGS[InspectionResult.SHORTFALL]),
            )


def _round_and_transfers(context, rng, today, county, county_user):
    if not SpotCheckRound.objects.filter(county=county).exists():
        plan_spot_check_round(
            by=county_user,
            county=county,
            name=f"{today.year}年{today.month}月县级督导抽查",
            period_start=today - datetime.timedelta(days=30),
            period_end=today,
            seed=rng.randrange(1, 2**53),
        )
    if SupervisionTransfer.objects.within(county.path).exists():
        return
    found = list(
        Inspection.objects.within(county.path)
        .filter(inspection_type=InspectionType.SPOT_CHECK, enterprise__isnull=False)
        .select_related("enterprise")
        .order_by("id")[:6]
    )
    requirements = ["obtain_permits", "improve", "demolish"]
    for index, inspection in enumerate(found):
        transfer = transfer_problem(
            by=county_user,
            enterprise=inspection.enterprise,
            requirement=requirements[index % 3],
            problem="督导抽查发现手续不全、仍在生产。",
            transferred_on=inspection.inspected_on,
            inspection=inspection,
        )
        if index % 2 == 0:
            complete_transfer(transfer, by=county_user, completed_on=today, note="已整改到位")


def _tips(context, today, county, townships, governments, users_by_org, county_user):
    """One tip in each state: 待分派, 核查中, 已核查待公开, 已公开 (one with 有奖举报)."""
    if Tip.objects.filter(county=county).exists():
        return
    township = townships[0]
    government = governments[township.code]
    clerk = next(
        (u for u in users_by_org.get(government.pk, []) if u.role == Role.TOWNSHIP_CLERK), None
    )
    environment = Organisation.objects.filter(
        region=county, department=Organisation.Department.ECOLOGY_ENVIRONMENT
    ).first()
    specs = [
        (TipChannel.ONLINE, "村后有人夜里焚烧废塑料，味道刺鼻。", "东兴村后山沟", "received"),
        (
            TipChannel.HOTLINE_12369,
            "有家小作坊露天喷漆，没有任何防护。",
            f"{township.name}镇区北街",
            "assigned",
        ),
        (
            TipChannel.LETTER,
            "废弃砖厂里有人开小锅炉洗浴，冒黑烟。",
            f"{township.name}旧砖厂",
            "verified",
        ),
        (
            TipChannel.PHONE,
            "仓库里有废铝熔炼，晚上开工。",
            f"{township.name}物流园后院",
            "published",
        ),
    ]
    for channel, content, place, target in specs:
        tip = file_tip(
            by=None if channel == TipChannel.ONLINE else county_user,
            channel=channel,
            content=content,
            place=place,
            county=county,
            township=township if channel != TipChannel.ONLINE else None,
            reporter_name="张先生" if target != "received" else "",
            reporter_contact="13800000000" if target in ("published", "assigned") else "",
            reward=target == "published",
        )
        if target == "received":
            continue
        assignee = environment if (target == "assigned" and environment) else government
        tip = assign_tip(tip, by=county_user, organisation=assignee, note="请尽快核查")
        if target == "assigned" or clerk is None:
            continue
        record_inspection(
            by=clerk,
            inspection_type=InspectionType.TIP_VERIFICATION,
            inspected_on=today,
            result=InspectionResult.NO_PROBLEM
            if target == "verified"
            else InspectionResult.NEW_FIND,
            tip=tip,
            township=township,
            place=place,
            new_team={"name": "举报核查组", "member_users": [clerk], "member_names": ["村网格员"]},
            findings="现场核查，情况属实，已责令停产。"
            if target == "published"
            else "现场未发现生产。",
        )
        if target == "published":
            publish_tip_outcome(
                tip,
                by=county_user,
                outcome="经核查举报属实，已责令停产并列入整治台账，依法关停取缔。",
                reward=True,
            )


def _inspection_row(rng, kind, result, out_on, organisation, team_id, township, enterprise_row):
    enterprise_id, _township_id, region_path, _reported = enterprise_row
    return {
        "inspection_type": str(kind),
        "inspected_on": out_on,
        "organisation_id": organisation.pk,
        "team_id": team_id,
        "enterprise_id": enterprise_id,
        "township_id": township.pk,
        "region_path": region_path,
        "findings": rng.choice(FINDINGS[result]),
        "result": str(result),
    }


def field_work(rng, today, county, townships, governments, county_office, users_by_org):
    """Bulk rows of one county's routine field work: township sweep and patrol outings, each
    checking several ledger places and one place with nothing on the ledger, and the county's
    spot checks (督导抽查) — the first townships above 20%, the others below the line."""
    year_start = datetime.date(today.year, 1, 1)
    by_township = {}
    for row in (
        Enterprise.objects.within(county.path)
        .order_by("id")
        .values_list("id", "township_id", "region_path", "reported_on")
    ):
        by_township.setdefault(row[1], []).append(row)

    def recent_day(days=60):
        return max(year_start, today - datetime.timedelta(days=rng.randint(1, days)))

    pairs, plans = [], []
    for township in townships:
        government = governments.get(township.code)
        if government is None:
            continue
        rows = by_township.get(township.pk, [])
        for number in range(max(2, len(rows) // 8)):
            out_on = recent_day()
            pairs.append(
                _team_rows(
                    rng,
                    government,
                    out_on,
                    f"第{number + 1}执法组",
                    users_by_org.get(government.pk, []),
                )
            )
            plans.append((government, township, out_on, rows))
    teams = _bulk_teams(pairs)
    inspections = []
    for team, (government, township, out_on, rows) in zip(teams, plans, strict=True):
        for row in rng.sample(rows, min(len(rows), rng.randint(3, 8))):
            kind = rng.choice([InspectionType.SWEEP, InspectionType.PATROL, InspectionType.PATROL])
            result = (
                InspectionResult.NEW_FIND
                if kind == InspectionType.SWEEP and rng.random() < 0.15
                else InspectionResult.NO_PROBLEM
            )
            inspections.append(
                _inspection_row(rng, kind, result, out_on, government, team, township, row)
            )
        # A sweep of a warehouse with nothing on the ledger: a place, not an enterprise.
        inspections.append(
            {
                "inspection_type": str(InspectionType.SWEEP),
                "inspected_on": out_on,
                "organisation_id": government.pk,
                "team_id": team,
                "township_id": township.pk,
                "region_path": township.path,
                "place": f"{township.name}物流仓库",
                "findings": "仓库内未发现生产加工。",
                "result": str(InspectionResult.NO_PROBLEM),
            }
        )

    county_users = users_by_org.get(county_office.pk, [])
    pairs, plans = [], []
    for index, township in enumerate(townships):
        rows = by_township.get(township.pk, [])
        if not rows:
            continue
        share = 0.3 if index % 2 == 0 else 0.1
        sample = rng.sample(rows, max(1, int(len(rows) * share)))
        out_on = recent_day(30)
        pairs.append(_team_rows(rng, county_office, out_on, f"县督导{index + 1}组", county_users))
        plans.append((township, out_on, sample))
    teams = _bulk_teams(pairs)
    for team, (township, out_on, sample) in zip(teams, plans, strict=True):
        for row in sample:
            result = (
                InspectionResult.NO_PROBLEM if rng.random() < 0.85 else InspectionResult.NEW_FIND
            )
            inspections.append(
                _inspection_row(
                    rng,
                    InspectionType.SPOT_CHECK,
                    result,
                    out_on,
                    county_office,
                    team,
                    township,
                    row,
                )
            )
    insert_rows(Inspection, inspections)


def province_field_work(rng, today, townships):
    """The same routine field work in every province-scale county."""
    by_county = {}
    for township in townships:
        by_county.setdefault(township.parent_id, []).append(township)
    governments = {
        organisation.region.code: organisation
        for organisation in Organisation.objects.filter(
            kind=Organisation.Kind.TOWNSHIP_GOVERNMENT, region__in=townships
        ).select_related("region")
    }
    offices = {
        organisation.region_id: organisation
        for organisation in Organisation.objects.filter(
            kind=Organisation.Kind.COUNTY_OFFICE, region__in=list(by_county)
        ).select_related("region")
    }
    users_by_org = {}
    for user in User.objects.filter(
        organisation__in=[*governments.values(), *offices.values()]
    ).order_by("id"):
        users_by_org.setdefault(user.organisation_id, []).append(user)
    for county_id, county_townships in by_county.items():
        office = offices.get(county_id)
        if office is None:
            continue
        field_work(rng, today, office.region, county_townships, governments, office, users_by_org)
