"""The region tree (省/市/县/乡镇/村), organisations attached to it, and users with one role each.

Every region stores a materialised path of codes ("230000000000/230800000000/…/"),
so "everything under this region" is one indexed prefix match, never a walk.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .geo import latitude_field, longitude_field
from .scoping import covers, scope_to_area
from .uploads import EvidenceUploadTo, seal_upload_to, validate_evidence_image
from .validators import validate_png_image

# A path prefix no region path starts with (paths start with a digit).
NO_AREA = "!"


class AreaScopedQuerySet(models.QuerySet):
    """Base for every queryset whose rows belong to a place in the region tree.

    A model using it names the field (or lookup) holding the region path in
    `area_path_field`; `visible_to(user)` keeps the rows under the user's region.
    """

    def visible_to(self, user):
        return scope_to_area(self, user)

    def within(self, path):
        return self.filter(**{f"{self.model.area_path_field}__startswith": path})

    def visible_within(self, user, path):
        """visible_to(user).within(path) as one prefix condition: the same prefix twice makes
        PostgreSQL square its row estimate (a city's 80,000 cases guessed as 600) and pick
        plans for a handful of rows."""
        if user is None or not user.is_authenticated:
            return self.none()
        area_path = user.area_path
        if covers(area_path, path):
            return self.within(path)
        if covers(path, area_path):
            return scope_to_area(self, user)
        return self.none()


class AreaScoped(models.Model):
    """Base of every model whose rows belong to a place: `region_path` is a copy of that
    place's path, so scoping a list to a user's area is one indexed prefix match.

    A model says where a row lies in `place_path()`; save() copies it into region_path.
    """

    area_path_field = "region_path"

    region_path = models.CharField("区域路径", max_length=200, editable=False)

    objects = AreaScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.region_path = self.place_path()
        super().save(*args, **kwargs)

    def place_path(self):
        raise NotImplementedError(f"{type(self).__name__} must say where its rows lie")


def recorded_by(by_label, at_label=None, *, blank=True):
    """An abstract base: who recorded the row and, given `at_label`, when. Each model keeps
    its own words for the recorder (录入人, 发现人, 移交人 …), so the labels are arguments; the
    row outlives the recorder's account (SET_NULL)."""

    class Recorded(models.Model):
        created_by = models.ForeignKey(
            settings.AUTH_USER_MODEL,
            verbose_name=by_label,
            null=True,
            blank=blank,
            on_delete=models.SET_NULL,
            related_name="+",
        )
        if at_label is not None:
            created_at = models.DateTimeField(at_label, auto_now_add=True)

        class Meta:
            abstract = True

    return Recorded


def photo_of(folder, label, *, max_length=100):
    """An abstract base for a photo kept as evidence: the image (checked by content, stored
    under `folder` by date with an unguessable name, without metadata), who uploaded it when,
    and where and when the camera says it was taken (accounts.uploads.PhotoFacts)."""

    class Photo(models.Model):
        image = models.ImageField(
            label,
            upload_to=EvidenceUploadTo(folder),
            validators=[validate_evidence_image],
            max_length=max_length,
        )
        uploaded_by = models.ForeignKey(
            settings.AUTH_USER_MODEL,
            verbose_name="上传人",
            null=True,
            on_delete=models.SET_NULL,
            related_name="+",
        )
        uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
        # What the camera recorded, read from the EXIF before the stored copy drops it.
        taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
        latitude = latitude_field()
        longitude = longitude_field()

        class Meta:
            abstract = True

        def __str__(self):
            return self.image.name

    return Photo


class RegionQuerySet(AreaScopedQuerySet):
    def townships(self):
        return self.filter(level=Region.Level.TOWNSHIP)

    def counties(self):
        return self.filter(level=Region.Level.COUNTY)


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, "省"
        CITY = 2, "市"
        COUNTY = 3, "县（市、区）"
        TOWNSHIP = 4, "乡镇（街道、农场）"
        VILLAGE = 5, "村（社区）"

    class TownshipKind(models.TextChoices):
        TOWN = "town", "镇"
        TOWNSHIP = "township", "乡"
        SUBDISTRICT = "subdistrict", "街道"
        FARM = "farm", "农场"
        DEVELOPMENT_ZONE = "development_zone", "开发区"
        SCENIC_AREA = "scenic_area", "风景区管委会"

    area_path_field = "path"

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("级别", choices=Level.choices)
    township_kind = models.CharField(
        "乡镇类别", max_length=20, choices=TownshipKind.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("路径", max_length=200, unique=True, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区域"
        verbose_name_plural = "行政区域"
        ordering = ["path"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%'
            # whatever the database collation; other databases ignore opclasses.
            models.Index(
                fields=["path"], name="region_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "path"], name="region_level_path"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent_id else ''}{self.code}/"
        super().save(*args, **kwargs)

    # Codes are 12-digit GB/T 2260 codes, so all paths of one level have one length.
    PATH_SEGMENT_LENGTH = 13  # 12 digits and "/"

    def path_length_at(self, level):
        """The length of the path of this region's ancestor or descendant at `level`: grouping
        rows by the first that many characters of their region path groups them by the
        place at that level, without a join."""
        return len(self.path) + self.PATH_SEGMENT_LENGTH * (level - self.level)

    def contains(self, other):
        return covers(self.path, other.path)

    def ancestor_at(self, level):
        """The ancestor (or self) at the given level, from the path, in one query."""
        codes = self.path.rstrip("/").split("/")
        if level > self.level:
            return None
        if level == self.level:
            return self
        return Region.objects.get(code=codes[level - 1]) if len(codes) >= level else None

    @property
    def full_name(self):
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        TOWNSHIP_GOVERNMENT = "township_government", "乡镇政府（街道、农场）"
        COUNTY_OFFICE = "county_office", "县整治办"
        COUNTY_DEPARTMENT = "county_department", "县直部门"
        LEADING_GROUP = "leading_group", "领导小组（局领导）"
        CITY_OFFICE = "city_office", "市整治办"
        CITY_DEPARTMENT = "city_department", "市直部门"

    class Department(models.TextChoices):
        ECOLOGY_ENVIRONMENT = "ecology_environment", "生态环境"
        INDUSTRY = "industry", "工信"
        DEVELOPMENT_REFORM = "development_reform", "发改"
        NATURAL_RESOURCES = "natural_resources", "自然资源"
        HOUSING = "housing", "住建"
        WATER = "water", "水务"
        MARKET_REGULATION = "market_regulation", "市场监管"
        EMERGENCY = "emergency", "应急管理"
        PUBLIC_SECURITY = "public_security", "公安"
        AGRICULTURE = "agriculture", "农业农村"
        POWER_SUPPLY = "power_supply", "供电公司"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类别", max_length=30, choices=Kind.choices)
    department = models.CharField(
        "部门职能",
        max_length=30,
        choices=Department.choices,
        blank=True,
        help_text="县直/市直部门填写，用于认定和确认其负责的销号步骤（如供电公司确认断电）。",
    )
    region = models.ForeignKey(
        Region, verbose_name="所在区域", on_delete=models.PROTECT, related_name="organisations"
    )
    seal = models.ImageField(
        "公章图片（PNG）", upload_to=seal_upload_to, blank=True, validators=[validate_png_image]
    )
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)

    area_path_field = "region__path"
    objects = AreaScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["region__path", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="organisation_unique_name_in_region"
            )
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    TOWNSHIP_CLERK = "township_clerk", "乡镇填报员"
    TOWNSHIP_HEAD = "township_head", "乡镇负责人"
    DEPARTMENT_OFFICER = "department_officer", "部门人员"
    COUNTY_OFFICE = "county_office", "县整治办"
    BUREAU_LEADER = "bureau_leader", "局领导"
    CITY_OFFICE = "city_office", "市整治办"
    ADMINISTRATOR = "administrator", "系统管理员"


class User(AbstractUser):
    Role = Role

    full_name = models.CharField("姓名", max_length=40, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    role = models.CharField(
        "角色", max_length=30, choices=Role.choices, default=Role.TOWNSHIP_CLERK
    )

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False)
                | Q(role="administrator")
                | Q(is_superuser=True),
                name="user_has_organisation_unless_administrator",
            )
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def region(self):
        return self.organisation.region if self.organisation_id else None

    @property
    def area_path(self):
        """The region-path prefix this user may see; None means the whole system."""
        if self.organisation_id:
            return self.organisation.region.path
        if self.is_superuser or self.role == Role.ADMINISTRATOR:
            return None
        # An account without organisation and without admin rights sees nothing.
        return NO_AREA

    def has_role(self, *roles):
        return self.is_superuser or self.role in roles

    @property
    def is_read_only(self):
        return self.role == Role.BUREAU_LEADER


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a statutory holiday on a weekday, or a
    weekend day made a working day by 调休. Deadlines counted in 工作日 use these."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField(
        "是否上班", help_text="勾选：调休上班日；不勾选：法定节假日（放假）"
    )
    name = models.CharField("名称", max_length=40, help_text="如：春节、国庆节调休上班")

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


# An API token is 40 hex characters (as DRF's were, so clients keep sending `Token <key>`); the
# first TOKEN_PREFIX_LENGTH find its row, the SHA-256 of the whole key proves it. A key is 160
# random bits, so a fast hash is enough: there is no dictionary to try against it.
TOKEN_PREFIX_LENGTH = 8
DEFAULT_API_TOKEN_DAYS = 30


def token_digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_lifetime():
    return timedelta(days=getattr(settings, "QINGLING_API_TOKEN_DAYS", DEFAULT_API_TOKEN_DAYS))


class ApiTokenQuerySet(models.QuerySet):
    def matching(self, key):
        """The token whose key this is (expired or not), or None: looked up by its prefix,
        compared by digest in constant time."""
        if not key or len(key) <= TOKEN_PREFIX_LENGTH:
            return None
        digest = token_digest(key)
        for token in self.select_related("user").filter(prefix=key[:TOKEN_PREFIX_LENGTH]):
            if hmac.compare_digest(token.digest, digest):
                return token
        return None


class ApiToken(models.Model):
    """A key for the REST API (`Authorization: Token <key>`). Only its digest is stored: the key
    is shown once, when issued. It expires a fixed QINGLING_API_TOKEN_DAYS after issue (not
    sliding: a leaked key stops working on a known date whatever its use)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("用途", max_length=100, blank=True)
    prefix = models.CharField("令牌前缀", max_length=TOKEN_PREFIX_LENGTH, editable=False)
    digest = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("签发时间", default=timezone.now, editable=False)
    expires_at = models.DateTimeField("过期时间")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["prefix"], name="api_token_prefix")]

    def __str__(self):
        return f"{self.user} · {self.prefix}…"

    @classmethod
    def issue(cls, user, *, name="", lifetime=None, key=None, now=None):
        """A new token for `user`; returns (token, key). The key is not kept: show it now."""
        key = key or secrets.token_hex(20)
        now = now or timezone.now()
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[:TOKEN_PREFIX_LENGTH],
            digest=token_digest(key),
            created_at=now,
            expires_at=now + (lifetime or api_token_lifetime()),
        )
        return token, key

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()
