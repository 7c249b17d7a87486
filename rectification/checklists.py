"""The closure-checklist variants and campaigns the seeds describe, as data to load (demo,
tests), and the demo's own current campaigns. Administrators edit them in the admin afterwards;
nothing in the workflow names a step.

Each seed campaign is bound to the region that ran it (忻州市, 桦川县, 临夏市) and loaded only where
that region exists: a campaign without region applies everywhere, so another city's action stored
that way would be offered to every user (and receive their cases). The checklist variants are
loaded always: they are data any campaign may use."""

import datetime

from accounts.models import Organisation
from enterprises.models import Industry

from .models import Campaign, CampaignPhase, ChecklistStep, ClosureChecklist

D = Organisation.Department

CHECKLISTS = {
    # seed 000: 断水、断电、清原料、清设备、清场地、恢复原状原貌
    "两断三清一恢复": (
        "忻州市取缔方案（断水、断电、清原料、清设备、清场地、恢复原状原貌）",
        [
            ("断水", D.WATER),
            ("断电", D.POWER_SUPPLY),
            ("清原料", D.ECOLOGY_ENVIRONMENT),
            ("清设备", D.INDUSTRY),
            ("清场地", D.ECOLOGY_ENVIRONMENT),
            ("恢复原状原貌", D.NATURAL_RESOURCES),
        ],
    ),
    # seed 001: 断水、断电、清除原料、清除产品、清除设备
    "两断三清": (
        "桦川县整治方案（断水、断电、清除原料、清除产品、清除设备）",
        [
            ("断水", D.WATER),
            ("断电", D.POWER_SUPPLY),
            ("清除原料", D.ECOLOGY_ENVIRONMENT),
            ("清除产品", D.MARKET_REGULATION),
            ("清除设备", D.INDUSTRY),
        ],
    ),
    # seed 003: 断电、断水、停气、停产
    "断电断水停气停产": (
        "临夏市清理整治强制措施（断电、断水、停气、停产）",
        [
            ("断电", D.POWER_SUPPLY),
            ("断水", D.WATER),
            ("停气", ""),
            ("停产", D.INDUSTRY),
        ],
    ),
}

SEED_000_SCOPE = [
    Industry.NONFERROUS_SMELTING,
    Industry.REFRACTORY,
    Industry.BRICK_TILE,
    Industry.PELLETIZING,
    Industry.CEMENT,
    Industry.CHEMICAL,
    Industry.FLANGE,
    Industry.FOUNDRY,
    Industry.RUBBER,
    Industry.WASTE_PLASTIC,
    Industry.COAL_WASHING,
    Industry.GANGUE_SORTING,
    Industry.COAL_STORAGE,
    Industry.SOLVENT_USE,
]

d = datetime.date
CAMPAIGNS = [
    # (key, name, year, region code or None, scope, checklist, phases)
    (
        "000",
        "忻州市取缔“散乱污”企业专项行动",
        2024,
        "140900000000",  # 山西省忻州市
        SEED_000_SCOPE,
        "两断三清一恢复",
        [
            ("摸排排查", d(2024, 3, 15), d(2024, 4, 15)),
            ("关停取缔", d(2024, 4, 16), d(2024, 5, 31)),
            ("核查验收", d(2024, 6, 1), d(2024, 6, 30)),
        ],
    ),
    (
        "001",
        "桦川县“散乱污”工业企业综合整治专项行动",
        2021,
        "230826000000",
        [],
        "两断三清",
        [
            ("建立工作台账", None, d(2021, 7, 15)),
            ("公布整治清单", d(2021, 7, 16), d(2021, 7, 25)),
            ("分类整治", d(2021, 7, 25), d(2021, 12, 31)),
        ],
    ),
    (
        "003",
        "临夏市“散乱污”问题清理整治专项行动",
        2024,
        "622901000000",  # 甘肃省临夏回族自治州临夏市
        [],
        "断电断水停气停产",
        [
            ("排查摸底", None, d(2024, 4, 30)),
            ("清理整治", d(2024, 5, 15), d(2024, 6, 28)),
            ("整治提升", d(2024, 7, 1), d(2024, 9, 30)),
        ],
    ),
]


def ensure_checklist(name):
    description, steps = CHECKLISTS[name]
    checklist, _ = ClosureChecklist.objects.get_or_create(
        name=name, defaults={"description": description}
    )
    if not checklist.steps.exists():
        ChecklistStep.objects.bulk_create(
            [
                ChecklistStep(checklist=checklist, order=order, name=step, default_department=dept)
                for order, (step, dept) in enumerate(steps, start=1)
            ]
        )
    return checklist


def ensure_campaign(name, year, region, scope, checklist_name, phases, is_active=True):
    """The campaign of that name with its phases, created once (idempotent)."""
    campaign, created = Campaign.objects.get_or_create(
        name=name,
        defaults={
            "year": year,
            "region": region,
            "scope": [str(code) for code in scope],
            "closure_checklist": ensure_checklist(checklist_name),
            "is_active": is_active,
        },
    )
    if created:
        CampaignPhase.objects.bulk_create(
            [
                CampaignPhase(
                    campaign=campaign, order=order, name=phase, starts_on=start, ends_on=end
                )
                for order, (phase, start, end) in enumerate(phases, start=1)
            ]
        )
    return campaign


def ensure_campaigns(regions_by_code=None):
    """The campaigns of seeds 000, 001 and 003 whose region exists, keyed "000"/"001"/"003";
    every checklist variant; idempotent. `regions_by_code` maps a seed's region code to the
    region standing for it (the demo's own, or a test's)."""
    from accounts.models import Region

    for checklist_name in CHECKLISTS:
        ensure_checklist(checklist_name)
    campaigns = {}
    for key, name, year, region_code, scope, checklist_name, phases in CAMPAIGNS:
        region = (regions_by_code or {}).get(region_code) or Region.objects.filter(
            code=region_code
        ).first()
        if region is None:
            continue
        # The seeds' actions are past: their phases ended years ago.
        campaigns[key] = ensure_campaign(
            name, year, region, scope, checklist_name, phases, is_active=False
        )
    return campaigns


DEMO_YEAR = 2026
DEMO_PHASES = [
    ("摸底排查、建立台账", None, d(DEMO_YEAR, 3, 31)),
    ("分类整治", d(DEMO_YEAR, 4, 1), d(DEMO_YEAR, 10, 31)),
    ("验收销号", d(DEMO_YEAR, 11, 1), d(DEMO_YEAR, 12, 31)),
]


def ensure_demo_campaigns(county, province=None):
    """The demo's current campaigns: the demo county's own (its cases go there, its users'
    imports default to it) and, when a province is given, one for the rest of the province
    (the other counties' demo cases), so no case sits in a campaign outside its area."""
    campaigns = {
        "county": ensure_campaign(
            f"{county.name}{DEMO_YEAR}年“散乱污”企业综合整治专项行动",
            DEMO_YEAR,
            county,
            [],
            "两断三清一恢复",
            DEMO_PHASES,
        )
    }
    if province is not None:
        campaigns["province"] = ensure_campaign(
            f"{province.name}{DEMO_YEAR}年“散乱污”企业排查整治专项行动",
            DEMO_YEAR,
            province,
            [],
            "两断三清一恢复",
            DEMO_PHASES,
        )
    return campaigns
