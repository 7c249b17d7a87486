"""The ledger row (seed 004 附件1): an enterprise found in the campaign, where it is, what it does,
which permits it lacks and what makes it 散/乱/污. Every change is kept in its history."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.geo import latitude_field, longitude_field
from accounts.models import AreaScoped, AreaScopedQuerySet, Region, recorded_by

from ..credit_code import validate_credit_code


class EnterpriseType(models.TextChoices):
    SMALL_SCATTERED = "small_scattered", "小散乱污"
    EIGHT_SMALL = "eight_small", "八小"


class Sector(models.TextChoices):
    # 领域 (seed 003): the four special working groups
    INDUSTRY = "industry", "工业"
    AGRICULTURE = "agriculture", "农业"
    CONSTRUCTION = "construction", "建筑业"
    SERVICES = "services", "服务业"


class Industry(models.TextChoices):
    """行业: the catalogue of the seeds (000, 004) plus 其他."""

    NONFERROUS_SMELTING = "nonferrous_smelting", "有色金属熔炼"
    REFRACTORY = "refractory", "耐火材料"
    BRICK_TILE = "brick_tile", "砖瓦"
    PELLETIZING = "pelletizing", "独立球团"
    CEMENT = "cement", "水泥"
    CHEMICAL = "chemical", "化工"
    FLANGE = "flange", "法兰"
    FOUNDRY = "foundry", "铸造"
    RUBBER = "rubber", "橡胶生产"
    WASTE_PLASTIC = "waste_plastic", "废塑料加工"
    COAL_WASHING = "coal_washing", "小洗煤厂"
    GANGUE_SORTING = "gangue_sorting", "小选矸厂"
    COAL_STORAGE = "coal_storage", "小储煤厂"
    SOLVENT_USE = "solvent_use", "涂料油墨胶粘剂有机溶剂使用"
    TANNING = "tanning", "制革"
    DYEING = "dyeing", "印染"
    PAPER = "paper", "造纸"
    COKING = "coking", "炼焦"
    PLASTIC_PROCESSING = "plastic_processing", "塑料加工"
    ELECTROPLATING = "electroplating", "电镀"
    DYESTUFF = "dyestuff", "染料"
    PESTICIDE = "pesticide", "农药"
    AUTO_REPAIR = "auto_repair", "小汽修"
    OPEN_AIR_SPRAYING = "open_air_spraying", "露天喷漆"
    LIME_KILN = "lime_kiln", "石灰窑"
    BRICK_KILN = "brick_kiln", "砖瓦窑"
    CERAMICS = "ceramics", "陶瓷烧制"
    CARBON = "carbon", "碳素"
    STEEL_ROLLING = "steel_rolling", "轧钢"
    WIRE_MESH = "wire_mesh", "丝网加工"
    DRY_CLEANING = "dry_cleaning", "干洗水洗"
    SMALL_COAL_BOILER = "small_coal_boiler", "燃煤小锅炉"
    OTHER = "other", "其他"


class Source(models.TextChoices):
    SWEEP = "sweep", "排查"
    TIP = "tip", "举报"
    SPOT_CHECK = "spot_check", "督导抽查"
    ASSIGNED = "assigned", "上级交办"
    LOOK_BACK = "look_back", "回头看"


class PermitDepartment(models.TextChoices):
    """Departments whose approval an enterprise may hold or lack (seeds 000, 001, 003, 004)."""

    INDUSTRY = "industry", "工信"
    DEVELOPMENT_REFORM = "development_reform", "发改"
    LAND = "land", "土地/自然资源"
    PLANNING = "planning", "规划"
    ENVIRONMENT = "environment", "环保"
    WATER = "water", "水务"
    POWER = "power", "电力"
    BUSINESS_LICENCE = "business_licence", "市场/工商（营业执照）"
    SAFETY = "safety", "应急/安全"
    QUALITY = "quality", "质监"


class PermitStatus(models.TextChoices):
    # 有无手续, derived from the per-department permits
    COMPLETE = "complete", "有"
    PARTIAL = "partial", "不全"
    NONE = "none", "无"


class RiskBand(models.TextChoices):
    # 风险画像's three tags (Shandong's 高/中/低风险, 2021); thresholds in RiskSettings.
    HIGH = "high", "高"
    MIDDLE = "middle", "中"
    LOW = "low", "低"


FULL_RISK_SCORE = 100
RISK_BADGE_CLASSES = {
    RiskBand.HIGH: "text-bg-danger",
    RiskBand.MIDDLE: "text-bg-warning",
    RiskBand.LOW: "text-bg-success",
}


class EnterpriseQuerySet(AreaScopedQuerySet):
    def in_township(self, township):
        return self.filter(township=township)


class Enterprise(AreaScoped, recorded_by("录入人", "录入时间")):
    # Where — 所在乡镇 / 所在村组
    township = models.ForeignKey(
        Region,
        verbose_name="所在乡镇",
        on_delete=models.PROTECT,
        related_name="township_enterprises",
        limit_choices_to={"level": Region.Level.TOWNSHIP},
    )
    village = models.ForeignKey(
        Region,
        verbose_name="所在村（社区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="village_enterprises",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    village_group = models.CharField("所在村组", max_length=100, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()

    # Who — 企业名称, 统一社会信用代码, 经营者
    name = models.CharField("企业名称", max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code]
    )
    operator = models.CharField("经营者/法人", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)

    # What — 企业类型, 领域, 行业, 企业规模, 原辅材料, 涉水涉气
    enterprise_type = models.CharField("企业类型", max_length=20, choices=EnterpriseType.choices)
    sector = models.CharField(
        "领域", max_length=20, choices=Sector.choices, default=Sector.INDUSTRY
    )
    industry = models.CharField(
        "行业", max_length=30, choices=Industry.choices, default=Industry.OTHER
    )
    industry_other = models.CharField("其他行业说明", max_length=60, blank=True)
    scale = models.CharField("企业规模（人员等）", max_length=100, blank=True)
    employee_count = models.PositiveIntegerField("从业人数", null=True, blank=True)
    raw_materials = models.CharField("原辅材料", max_length=200, blank=True)
    involves_water = models.BooleanField("涉水", default=False)
    involves_air = models.BooleanField("涉气", default=False)

    # Why — the problems that make it 散 / 乱 / 污 (seed 003 defines each)
    is_scattered = models.BooleanField(
        "散", default=False, help_text="不符合城镇总体规划、土地利用规划、产业布局规划"
    )
    scattered_note = models.CharField("“散”问题说明", max_length=200, blank=True)
    is_disorderly = models.BooleanField(
        "乱", default=False, help_text="不符合产业政策、应办未办审批手续、违法违规建设或生产经营"
    )
    disorderly_note = models.CharField("“乱”问题说明", max_length=200, blank=True)
    is_polluting = models.BooleanField(
        "污", default=False, help_text="违法违规排放、超标排放废水、废气、废渣"
    )
    polluting_note = models.CharField("“污”问题说明", max_length=200, blank=True)

    # 有无手续: which departments' permits are held (True) or missing (False)
    permits = models.JSONField("各部门手续", default=dict, blank=True)
    permit_status = models.CharField(
        "有无手续",
        max_length=10,
        choices=PermitStatus.choices,
        default=PermitStatus.NONE,
        editable=False,
    )
    # What an imported ledger said without naming departments ("有", "不全"): kept so the
    # status is the township's, not invented permits (derive_permit_status).
    permits_stated = models.CharField(
        "有无手续（台账原填）", max_length=10, choices=PermitStatus.choices, blank=True
    )

    # Reporting — 上报时间, 分包责任人, 来源, 备注
    reported_on = models.DateField("上报时间")
    responsible_person = models.CharField("分包责任人", max_length=60, blank=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.SWEEP)
    remarks = models.TextField("备注", blank=True)

    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # 风险画像: 100 minus the deductions in RiskDeduction, written only by enterprises.risk
    # (bulk writes that leave updated_at, the edit form's version, untouched).
    risk_score = models.PositiveSmallIntegerField(
        "风险评分", default=FULL_RISK_SCORE, editable=False
    )
    risk_band = models.CharField(
        "风险等级", max_length=10, choices=RiskBand.choices, default=RiskBand.LOW, editable=False
    )

    history = HistoricalRecords(
        excluded_fields=["region_path", "updated_at", "risk_score", "risk_band"]
    )
    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = "企业（台账）"
        verbose_name_plural = "企业台账"
        ordering = ["region_path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="enterprise_unique_credit_code",
            )
        ]
        indexes = [
            models.Index(
                fields=["region_path", "id"],
                name="enterprise_area",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["township", "reported_on"], name="enterprise_township_reported"),
            # The ledger's default order (region_path, id): a page, deep or not, reads 50 index
            # entries instead of sorting the whole area. The pattern_ops index above cannot
            # give this order; region_path is in the "C" collation on PostgreSQL (migration 0005),
            # so this one also bounds the area's prefix.
            models.Index(fields=["region_path", "id"], name="enterprise_area_order"),
            # The same order inside one township (the ledger's most used filter).
            models.Index(
                fields=["township", "region_path", "id"], name="enterprise_township_order"
            ),
            # Ledger sizes per township under an area (dashboard, coverage, summaries) from the
            # index alone (PostgreSQL; ignored elsewhere).
            models.Index(
                fields=["region_path"],
                name="enterprise_area_figures",
                opclasses=["varchar_pattern_ops"],
                include=["id", "township", "reported_on"],
            ),
            # 一张图's points under an area (maps.figures) from the index alone (PostgreSQL).
            models.Index(
                fields=["region_path"],
                name="enterprise_area_points",
                opclasses=["varchar_pattern_ops"],
                include=["id", "longitude", "latitude"],
                condition=Q(latitude__isnull=False),
            ),
            # 未定位 on the map and the ledger's 未定位 filter: the few rows without a point,
            # counted from their own small index instead of reading a city's whole ledger.
            models.Index(
                fields=["region_path"],
                name="enterprise_area_unlocated",
                opclasses=["varchar_pattern_ops"],
                include=["id"],
                condition=Q(latitude__isnull=True) | Q(longitude__isnull=True),
            ),
            # The ledger filtered by 风险等级 keeps its default order: the band's entries under
            # the area's region_path prefix ("C" collation) come in (region_path, id) order.
            models.Index(
                fields=["risk_band", "region_path", "id"], name="enterprise_risk_band_order"
            ),
            # The ledger sorted by 风险评分 and the dashboard's 风险最高的 20 家: the lowest
            # scores first, read from the index; region_path is INCLUDEd so the area is
            # checked on each entry without visiting the table (PostgreSQL), and only the
            # page's rows are read.
            models.Index(
                fields=["risk_score", "id"],
                name="enterprise_risk_score_order",
                include=["region_path"],
            ),
        ]

    def __str__(self):
        return self.name

    def place_path(self):
        return (self.village or self.township).path

    def save(self, *args, **kwargs):
        self.permit_status = derive_permit_status(self.permits, self.permits_stated)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "region_path", "permit_status"}
        super().save(*args, **kwargs)

    @property
    def risk_badge_class(self):
        """The Bootstrap badge of the risk band (red 高, yellow 中, green 低)."""
        return RISK_BADGE_CLASSES.get(self.risk_band, "text-bg-secondary")

    @property
    def water_air_display(self):
        parts = [
            label
            for flag, label in ((self.involves_water, "涉水"), (self.involves_air, "涉气"))
            if flag
        ]
        return "、".join(parts) or "否"

    @property
    def missing_permits(self):
        return [PermitDepartment(code).label for code, held in self.permits.items() if not held]


# The permits every enterprise must hold (营业执照 and 环评, seed 004's 有无手续): only a row
# holding each of them, and missing none recorded, is 有.
REQUIRED_PERMITS = (PermitDepartment.BUSINESS_LICENCE, PermitDepartment.ENVIRONMENT)


def derive_permit_status(permits, stated=""):
    """有 when every required permit is held and none recorded is missing; 不全 when some are
    held; 无 when none is. `stated` is the status a ledger gave without naming departments
    ("有", "不全"): it stands only while no held permit is recorded, so nothing is invented."""
    permits = permits or {}
    held = [bool(value) for value in permits.values()]
    if any(held):
        if all(held) and all(permits.get(str(code)) for code in REQUIRED_PERMITS):
            return PermitStatus.COMPLETE
        return PermitStatus.PARTIAL
    if stated == PermitStatus.COMPLETE and held:
        return PermitStatus.PARTIAL  # stated 有, yet a named permit is missing
    return PermitStatus(stated) if stated else PermitStatus.NONE
