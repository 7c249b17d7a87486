"""Demo ledger: `context["size"]` enterprises spread over the demo county's townships (over the
whole province from accounts.demo.PROVINCE_SCALE_FROM on), named the
way township ledgers name them ("悦来镇宏达铸造厂"), with villages, permits, 散/乱/污 flags,
sources and report dates across 2024–2026. Bulk inserts (COPY on PostgreSQL, see
accounts.bulk) with one history row each.

Idempotent: when the demo county already has enterprises, nothing is added. Leaves
`context["enterprise_ids"]` (every demo enterprise id, oldest first) for later seeders.
"""

import datetime
import random

from accounts.bulk import insert_rows_with_history
from accounts.models import Region, Role, User

from .credit_code import check_character
from .models import (
    Enterprise,
    EnterpriseType,
    Industry,
    PermitDepartment,
    Sector,
    Source,
    derive_permit_status,
)

CHUNK = 5000

BRANDS = [
    "宏达", "兴旺", "鑫源", "永盛", "福顺", "金鹏", "华兴", "利民", "顺发", "恒通",
    "广源", "丰泽", "盛达", "新兴", "隆昌", "瑞丰", "东升", "长青", "聚宝", "天成",
]  # fmt: skip

# industry → (sector, what the place is called, raw materials, water, air, type)
INDUSTRIES = [
    (Industry.FOUNDRY, Sector.INDUSTRY, "铸造厂", "废钢、焦炭", False, True, "small_scattered"),
    (Industry.AUTO_REPAIR, Sector.SERVICES, "汽车修理部", "油漆、机油", True, True, "small_scattered"),
    (Industry.OPEN_AIR_SPRAYING, Sector.SERVICES, "喷漆部", "油漆、稀料", False, True, "small_scattered"),
    (Industry.BRICK_KILN, Sector.CONSTRUCTION, "砖厂", "黏土、煤矸石", False, True, "small_scattered"),
    (Industry.WASTE_PLASTIC, Sector.INDUSTRY, "塑料加工厂", "废旧塑料", True, True, "small_scattered"),
    (Industry.PLASTIC_PROCESSING, Sector.INDUSTRY, "塑料制品厂", "聚乙烯颗粒", False, True, "eight_small"),
    (Industry.SOLVENT_USE, Sector.INDUSTRY, "家具厂", "板材、油漆、胶粘剂", False, True, "small_scattered"),
    (Industry.COAL_STORAGE, Sector.INDUSTRY, "储煤场", "原煤", False, True, "small_scattered"),
    (Industry.COAL_WASHING, Sector.INDUSTRY, "洗煤厂", "原煤", True, True, "small_scattered"),
    (Industry.LIME_KILN, Sector.CONSTRUCTION, "石灰窑", "石灰石、煤", False, True, "small_scattered"),
    (Industry.SMALL_COAL_BOILER, Sector.SERVICES, "洗浴中心", "燃煤", True, True, "small_scattered"),
    (Industry.DRY_CLEANING, Sector.SERVICES, "干洗店", "四氯乙烯", True, True, "eight_small"),
    (Industry.TANNING, Sector.INDUSTRY, "皮革加工厂", "生皮、铬鞣剂", True, True, "eight_small"),
    (Industry.DYEING, Sector.INDUSTRY, "印染厂", "坯布、染料", True, False, "eight_small"),
    (Industry.PAPER, Sector.INDUSTRY, "造纸厂", "废纸", True, False, "eight_small"),
    (Industry.ELECTROPLATING, Sector.INDUSTRY, "电镀厂", "镀锌液", True, True, "eight_small"),
    (Industry.RUBBER, Sector.INDUSTRY, "橡胶制品厂", "废旧轮胎", False, True, "small_scattered"),
    (Industry.REFRACTORY, Sector.INDUSTRY, "耐火材料厂", "铝矾土", False, True, "small_scattered"),
    (Industry.WIRE_MESH, Sector.INDUSTRY, "丝网厂", "镀锌铁丝", True, False, "small_scattered"),
    (Industry.OTHER, Sector.AGRICULTURE, "粮食烘干点", "玉米、燃煤", False, True, "small_scattered"),
    (Industry.OTHER, Sector.AGRICULTURE, "养殖场", "饲料", True, True, "small_scattered"),
    (Industry.OTHER, Sector.CONSTRUCTION, "砂石料场", "河砂、碎石", False, True, "small_scattered"),
]  # fmt: skip

GROUPS = ["一组", "二组", "三组", "四组", "五组", "屯"]
PEOPLE = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "孙", "马"]
GIVEN = ["建国", "丽华", "志强", "秀英", "海涛", "春梅", "国庆", "玉兰", "德胜", "淑芬"]
SOURCE_WEIGHTS = [
    (Source.SWEEP, 60),
    (Source.TIP, 12),
    (Source.SPOT_CHECK, 12),
    (Source.ASSIGNED, 8),
    (Source.LOOK_BACK, 8),
]
FIRST_DAY = datetime.date(2024, 1, 1)
LAST_DAY = datetime.date(2026, 10, 31)


def demo_credit_code(county_code, number):
    first17 = f"92{county_code[:6]}MA{number:07d}"
    return first17 + check_character(first17)


def person(rng):
    return rng.choice(PEOPLE) + rng.choice(GIVEN)


def build(rng, number, township, villages, county_code):
    industry, sector, place, materials, water, air, kind = rng.choice(INDUSTRIES)
    brand = rng.choice(BRANDS)
    village = rng.choice(villages) if villages and rng.random() < 0.9 else None
    headcount = rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30])
    permits = {}
    for department in rng.sample(list(PermitDepartment.values), rng.randint(1, 4)):
        permits[department] = rng.random() < 0.35
    disorderly = any(not held for held in permits.values())
    polluting = water or air
    days = (LAST_DAY - FIRST_DAY).days
    reported_on = FIRST_DAY + datetime.timedelta(days=rng.randint(0, days))
    source = rng.choices(
        [value for value, _ in SOURCE_WEIGHTS], [weight for _, weight in SOURCE_WEIGHTS]
    )[0]
    group = rng.choice(GROUPS)
    return dict(
        township_id=township.pk,
        village_id=village.pk if village else None,
        village_group=f"{village.name}{group}" if village else "",
        region_path=(village or township).path,
        address=f"{township.name}{village.name if village else ''}{rng.randint(1, 300)}号",
        name=f"{township.name}{brand}{place}",
        credit_code=demo_credit_code(county_code, number) if rng.random() < 0.4 else "",
        operator=person(rng),
        phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        enterprise_type=EnterpriseType(kind).value,
        sector=sector,
        industry=industry,
        industry_other=place if industry == Industry.OTHER else "",
        scale=f"{'约' if rng.random() < 0.3 else ''}{headcount}人",
        employee_count=headcount,
        raw_materials=materials,
        involves_water=water,
        involves_air=air,
        is_scattered=rng.random() < 0.4,
        scattered_note="未进驻工业园区，不符合产业布局规划" if rng.random() < 0.4 else "",
        is_disorderly=disorderly,
        disorderly_note="应办未办环评等审批手续" if disorderly else "",
        is_polluting=polluting,
        polluting_note="废气无组织排放" if air else ("废水直排" if water else ""),
        permits=permits,
        permit_status=derive_permit_status(permits),
        reported_on=reported_on,
        responsible_person=person(rng),
        source=source,
        remarks="群众举报发现" if source == Source.TIP else "",
    )


# The share of demo enterprises without a point, as ledgers have: the map counts them (未定位).
UNLOCATED_SHARE = 0.04


def place_on_map(row, township, villages, demo_map, places):
    """A point inside the enterprise's village (or township) on the demo map, for most rows."""
    if demo_map is None or places.random() < UNLOCATED_SHARE:
        return
    place = next((v for v in villages if v.pk == row["village_id"]), township)
    point = demo_map.point_in(place, places)
    if point is not None:
        row["longitude"], row["latitude"] = point


def seed(context):
    county = context["county"]
    existing = Enterprise.objects.filter(region_path__startswith=county.path)
    if existing.exists():
        context["enterprise_ids"] = list(existing.order_by("id").values_list("id", flat=True))
        return
    rng = context["random"]
    size = context.get("size", 300)
    # At province scale (accounts.demo.PROVINCE_SCALE_FROM) the rows spread evenly over every
    # township of the province, so a county holds about 1/100 of them, as a real one would.
    townships = context.get("all_townships") or context["townships"]
    villages = {}
    for village in Region.objects.filter(
        level=Region.Level.VILLAGE, parent__in=[township.pk for township in townships]
    ).order_by("code"):
        villages.setdefault(village.parent_id, []).append(village)
    clerks = {
        user.organisation.region_id: user
        for user in User.objects.filter(
            role=Role.TOWNSHIP_CLERK, organisation__region__in=context["townships"]
        ).select_related("organisation")
    }
    # Points come from their own generator, so the ledger's other values stay as they were.
    places = random.Random(f"points-{county.code}")
    demo_map = context.get("demo_map")
    ids = []
    number = 0
    while number < size:
        chunk = min(CHUNK, size - number)
        by_township = {}
        for _ in range(chunk):
            if len(townships) > len(context["townships"]):
                # Consecutive numbers share a township, so each bulk insert stays large.
                township = townships[number * len(townships) // size]
            else:
                township = townships[number % len(townships)]
            row = build(rng, number, township, villages.get(township.pk, []), township.code)
            place_on_map(row, township, villages.get(township.pk, []), demo_map, places)
            by_township.setdefault(township.pk, []).append(row)
            number += 1
        for township_id, rows in by_township.items():
            clerk = clerks.get(township_id)
            created = insert_rows_with_history(
                Enterprise, rows, user_id=clerk.pk if clerk else None, change_reason="演示数据"
            )
            ids.extend(row["id"] for row in created)
    context["enterprise_ids"] = sorted(ids)
    stdout = context.get("stdout")
    if stdout:
        stdout.write(f"企业台账：已生成 {size} 家演示企业。")
