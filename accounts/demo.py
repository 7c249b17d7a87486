"""Demo data for accounts: 桦川县 (seed 001) with its townships, farms and bureaus, a second
county for contrast, and one demo user for every role. Idempotent: re-running changes nothing."""

from django.contrib.auth.hashers import make_password

from .demo_map import DemoMap
from .models import Organisation, Region, Role, User

DEMO_PASSWORD = "qingling-demo"

PROVINCE = ("230000000000", "黑龙江省")
CITY = ("230800000000", "佳木斯市")
COUNTY = ("230826000000", "桦川县")

# 桦川县's townships and farms as seed 001 lists them, with the pinyin used for demo logins
# and the township head named in seed 001's leading group. Codes follow GB/T 2260 style.
TOWNSHIPS = [
    ("230826100000", "悦来镇", Region.TownshipKind.TOWN, "yuelai", "杨威"),
    ("230826200000", "东河乡", Region.TownshipKind.TOWNSHIP, "donghe", "夏楠"),
    ("230826201000", "梨丰乡", Region.TownshipKind.TOWNSHIP, "lifeng", "李广龙"),
    ("230826101000", "新城镇", Region.TownshipKind.TOWN, "xincheng", "付国辉"),
    ("230826102000", "苏家店镇", Region.TownshipKind.TOWN, "sujiadian", "朱虹"),
    ("230826202000", "创业乡", Region.TownshipKind.TOWNSHIP, "chuangye", "崔梓枫"),
    ("230826203000", "星火乡", Region.TownshipKind.TOWNSHIP, "xinghuo", "崔性健"),
    ("230826103000", "四马架镇", Region.TownshipKind.TOWN, "simajia", "杜春"),
    ("230826104000", "横头山镇", Region.TownshipKind.TOWN, "hengtoushan", "刘伟利"),
    ("230826400000", "宝山农场", Region.TownshipKind.FARM, "baoshan", "高杰"),
    ("230826401000", "江川农场", Region.TownshipKind.FARM, "jiangchuan", "鄢建宾"),
]

VILLAGE_NAMES = [
    "新发村",
    "永安村",
    "民主村",
    "太平村",
    "长发村",
    "东兴村",
    "富强村",
    "红旗村",
    "胜利村",
    "新华村",
    "中心村",
    "前进村",
    "团结村",
    "和平村",
    "光明村",
    "兴隆村",
    "振兴村",
    "福合村",
]

# A neighbouring county, so a county user's boundary is visible in the demo.
OTHER_COUNTY = ("230822000000", "桦南县")
OTHER_TOWNSHIPS = [
    ("230822100000", "桦南镇", Region.TownshipKind.TOWN),
    ("230822101000", "土龙山镇", Region.TownshipKind.TOWN),
]

# County bureaus named in seed 001's leading group (and the power company).
DEPARTMENTS = [
    (
        "佳木斯市桦川生态环境局",
        "生态环境局",
        Organisation.Department.ECOLOGY_ENVIRONMENT,
        "env_bureau",
        "屠勇",
    ),
    (
        "桦川县工业和信息化局",
        "工信局",
        Organisation.Department.INDUSTRY,
        "industry_bureau",
        "那远超",
    ),
    ("国网桦川县供电公司", "供电公司", Organisation.Department.POWER_SUPPLY, "power", "王供电"),
    ("桦川县发展和改革局", "发改局", Organisation.Department.DEVELOPMENT_REFORM, None, "郑双"),
    ("桦川县公安局", "公安局", Organisation.Department.PUBLIC_SECURITY, None, "李明臣"),
    ("桦川县住房和城乡建设局", "住建局", Organisation.Department.HOUSING, None, "刘全峰"),
    ("桦川县水务局", "水务局", Organisation.Department.WATER, None, "高文雷"),
    ("桦川县农业农村局", "农业农村局", Organisation.Department.AGRICULTURE, None, "侯存新"),
    ("桦川县自然资源局", "自然资源局", Organisation.Department.NATURAL_RESOURCES, None, "冯明"),
    ("桦川县市场监督管理局", "市监局", Organisation.Department.MARKET_REGULATION, None, "姜峰"),
    ("桦川县应急管理局", "应急管理局", Organisation.Department.EMERGENCY, None, "孙会威"),
]


def region(code, name, level, parent=None, township_kind=""):
    obj, _ = Region.objects.update_or_create(
        code=code,
        defaults={"name": name, "level": level, "parent": parent, "township_kind": township_kind},
    )
    return obj


def organisation(name, kind, where, short_name="", department="", contact=""):
    obj, _ = Organisation.objects.update_or_create(
        region=where,
        name=name,
        defaults={
            "kind": kind,
            "short_name": short_name,
            "department": department,
            "contact_person": contact,
        },
    )
    return obj


def user(username, role, org, full_name, logins, superuser=False):
    obj = User.objects.filter(username=username).first()
    if obj is None:
        obj = User(username=username)
        obj.set_password(DEMO_PASSWORD)
    obj.role = role
    obj.organisation = org
    obj.full_name = full_name
    obj.is_staff = superuser
    obj.is_superuser = superuser
    obj.save()
    logins.append((username, obj.get_role_display(), org.name if org else "（全系统）"))
    return obj


# From this many enterprises on, the demo grows to a province: ~100 counties, ~2,000 townships
# (DESIGN §8), so benchmarks measure the shapes a province really has.
PROVINCE_SCALE_FROM = 50_000
PROVINCE_CITIES = 11
COUNTIES_PER_CITY = 8
# 佳木斯市's other county-level divisions (GB/T 2260), so the demo city is a city-sized area.
DEMO_CITY_COUNTIES = [
    ("230803000000", "向阳区"),
    ("230804000000", "前进区"),
    ("230805000000", "东风区"),
    ("230811000000", "郊区"),
    ("230828000000", "汤原县"),
    ("230881000000", "同江市"),
    ("230882000000", "富锦市"),
    ("230883000000", "抚远市"),
]
TOWNSHIPS_PER_COUNTY = 20
VILLAGES_PER_TOWNSHIP = 5


def seed_province_scale(province, city):
    """Bulk-create synthetic cities › counties › townships › villages under the province and
    the demo city's other counties, with a township government per township and a county office
    per county. Idempotent: skipped when the first synthetic city exists. Returns the townships
    outside the two demo counties."""
    L = Region.Level
    K = Organisation.Kind
    first_city_code = "235000000000"
    if not Region.objects.filter(code=first_city_code).exists():
        cities = [
            Region(
                code=f"23{50 + c:02d}00000000", name=f"演示{c + 1}市", level=L.CITY, parent=province
            )
            for c in range(PROVINCE_CITIES)
        ]
        for new_city in cities:
            new_city.path = f"{province.path}{new_city.code}/"
        Region.objects.bulk_create(cities, batch_size=1000)
        counties = [
            Region(code=code, name=name, level=L.COUNTY, parent=city, path=f"{city.path}{code}/")
            for code, name in DEMO_CITY_COUNTIES
        ]
        for new_city in cities:
            for k in range(COUNTIES_PER_CITY):
                code = f"{new_city.code[:4]}{k + 1:02d}000000"
                counties.append(
                    Region(
                        code=code,
                        name=f"{new_city.name}{k + 1}县",
                        level=L.COUNTY,
                        parent=new_city,
                        path=f"{new_city.path}{code}/",
                    )
                )
        Region.objects.bulk_create(counties, batch_size=1000)
        townships = []
        for county in counties:
            for t in range(TOWNSHIPS_PER_COUNTY):
                code = f"{county.code[:6]}{100 + t:03d}000"
                townships.append(
                    Region(
                        code=code,
                        name=f"{county.name}{t + 1}镇",
                        level=L.TOWNSHIP,
                        parent=county,
                        township_kind=Region.TownshipKind.TOWN,
                        path=f"{county.path}{code}/",
                    )
                )
        Region.objects.bulk_create(townships, batch_size=2000)
        villages = [
            Region(
                code=f"{township.code[:9]}{201 + v:03d}",
                name=f"{VILLAGE_NAMES[v]}",
                level=L.VILLAGE,
                parent=township,
                path=f"{township.path}{township.code[:9]}{201 + v:03d}/",
            )
            for township in townships
            for v in range(VILLAGES_PER_TOWNSHIP)
        ]
        Region.objects.bulk_create(villages, batch_size=5000)
        Organisation.objects.bulk_create(
            [Organisation(name=f"{c.name}整治办", kind=K.COUNTY_OFFICE, region=c) for c in counties]
            + [
                Organisation(name=f"{t.name}人民政府", kind=K.TOWNSHIP_GOVERNMENT, region=t)
                for t in townships
            ],
            batch_size=5000,
        )
    townships = list(
        Region.objects.filter(level=L.TOWNSHIP, path__startswith=province.path)
        .exclude(parent__code__in=[COUNTY[0], OTHER_COUNTY[0]])
        .order_by("code")
    )
    seed_province_users(townships)
    return townships


def seed_province_users(townships):
    """One clerk per province-scale township government and one user per county office, so
    reminders and case timelines have people to address (login: "p" + region code, the demo
    password). Idempotent."""
    K = Organisation.Kind
    if not townships or User.objects.filter(username=f"p{townships[0].code}").exists():
        return
    units = Organisation.objects.filter(
        kind__in=[K.TOWNSHIP_GOVERNMENT, K.COUNTY_OFFICE],
        region__in={township.pk for township in townships}
        | {township.parent_id for township in townships},
    ).select_related("region")
    password = make_password(DEMO_PASSWORD)
    User.objects.bulk_create(
        [
            User(
                username=f"p{unit.region.code}",
                password=password,
                role=Role.TOWNSHIP_CLERK
                if unit.kind == K.TOWNSHIP_GOVERNMENT
                else Role.COUNTY_OFFICE,
                organisation=unit,
                full_name=f"{unit.region.name}{'填报员' if unit.kind == K.TOWNSHIP_GOVERNMENT else '整治办'}",
            )
            for unit in units
        ],
        batch_size=2000,
    )


def seed(context):
    L = Region.Level
    province = region(*PROVINCE, L.PROVINCE)
    city = region(*CITY, L.CITY, province)
    county = region(*COUNTY, L.COUNTY, city)
    townships = []
    for index, (code, name, kind, _pinyin, _head) in enumerate(TOWNSHIPS):
        township = region(code, name, L.TOWNSHIP, county, kind)
        townships.append(township)
        for number in range(4):
            village_name = VILLAGE_NAMES[(index * 3 + number) % len(VILLAGE_NAMES)]
            if kind == Region.TownshipKind.FARM:
                village_name = f"第{'一二三四'[number]}管理区"
            region(f"{code[:9]}{201 + number:03d}", village_name, L.VILLAGE, township)
    other_county = region(*OTHER_COUNTY, L.COUNTY, city)
    other_townships = []
    for code, name, kind in OTHER_TOWNSHIPS:
        township = region(code, name, L.TOWNSHIP, other_county, kind)
        other_townships.append(township)
        region(f"{code[:9]}201", "中心村", L.VILLAGE, township)

    K = Organisation.Kind
    city_office = organisation(
        "佳木斯市“散乱污”整治办公室", K.CITY_OFFICE, city, "市整治办", contact="张明"
    )
    county_office = organisation(
        "桦川县“散乱污”工业企业综合整治专项行动工作领导小组办公室",
        K.COUNTY_OFFICE,
        county,
        "县整治办",
        contact="屠勇",
    )
    leading_group = organisation(
        "桦川县“散乱污”工业企业综合整治专项行动工作领导小组",
        K.LEADING_GROUP,
        county,
        "领导小组",
        contact="孙涛",
    )
    other_county_office = organisation(
        "桦南县“散乱污”整治办公室", K.COUNTY_OFFICE, other_county, "县整治办"
    )
    departments = {}
    logins = []
    user("admin", Role.ADMINISTRATOR, None, "系统管理员", logins, superuser=True)
    user("city", Role.CITY_OFFICE, city_office, "张明", logins)
    user("county", Role.COUNTY_OFFICE, county_office, "周丽", logins)
    user("leader", Role.BUREAU_LEADER, leading_group, "孙涛", logins)
    for name, short, department, username, contact in DEPARTMENTS:
        org = organisation(name, K.COUNTY_DEPARTMENT, county, short, department, contact)
        departments[department] = org
        if username:
            user(username, Role.DEPARTMENT_OFFICER, org, contact, logins)
    township_governments = {}
    for township, (_code, name, _kind, pinyin, head) in zip(townships, TOWNSHIPS, strict=True):
        government = organisation(
            f"{name}人民政府", K.TOWNSHIP_GOVERNMENT, township, name, contact=head
        )
        township_governments[township.code] = government
        user(pinyin, Role.TOWNSHIP_CLERK, government, f"{name}填报员", logins)
        user(f"{pinyin}_head", Role.TOWNSHIP_HEAD, government, head, logins)
    for township in other_townships:
        organisation(f"{township.name}人民政府", K.TOWNSHIP_GOVERNMENT, township, township.name)

    synthetic_townships = []
    if context.get("size", 0) >= PROVINCE_SCALE_FROM:
        synthetic_townships = seed_province_scale(province, city)
    context.update(
        synthetic_townships=synthetic_townships,
        all_townships=townships + synthetic_townships,
        province=province,
        city=city,
        county=county,
        townships=townships,
        other_county=other_county,
        other_townships=other_townships,
        city_office=city_office,
        county_office=county_office,
        leading_group=leading_group,
        other_county_office=other_county_office,
        departments=departments,
        township_governments=township_governments,
        logins=logins,
        # Generated boundaries (accounts.demo_map): the ledger's points fall inside them and
        # the map app stores them as the demo's uploaded boundaries.
        demo_map=DemoMap(list(Region.objects.within(province.path).order_by("code"))),
    )
