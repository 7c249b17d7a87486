"""The closure-checklist variants and campaigns the seeds describe, as data to load (demo,
tests). Administrators edit them in the admin afterwards; nothing in the workflow names a step."""

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
        None,
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
        None,
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


def ensure_campaigns(regions_by_code=None):
    """The campaigns of seeds 000, 001 and 003, keyed "000"/"001"/"003"; idempotent."""
    from accounts.models import Region

    campaigns = {}
    for key, name, year, region_code, scope, checklist_name, phases in CAMPAIGNS:
        region = None
        if region_code:
            region = (regions_by_code or {}).get(region_code) or Region.objects.filter(
                code=region_code
            ).first()
        campaign, created = Campaign.objects.get_or_create(
            name=name,
            defaults={
                "year": year,
                "region": region,
                "scope": [str(code) for code in scope],
                "closure_checklist": ensure_checklist(checklist_name),
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
        campaigns[key] = campaign
    return campaigns
