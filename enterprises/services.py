"""Creating and correcting ledger rows: the one way in, for forms, the API, imports and other apps.

`create_enterprise(data, by=user)` and `update_enterprise(enterprise, data, by=user)` check the
user's role and area, refuse a credit code already on the ledger anywhere, warn about a very
similar name or address in the same township (unless the user confirmed), validate the row
and save it with its history entry in one transaction.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Region, Role
from accounts.refusals import Refused
from accounts.scoping import ensure_in_area

from .duplicates import similar_enterprises
from .electricity import set_electricity_accounts
from .models import Enterprise, derive_permit_status

# Who may enter and correct ledger rows. Department officers, bureau leaders and the city
# office read the ledger; township heads sign submissions but also correct their own rows.
LEDGER_EDITOR_ROLES = (
    Role.TOWNSHIP_CLERK,
    Role.TOWNSHIP_HEAD,
    Role.COUNTY_OFFICE,
    Role.ADMINISTRATOR,
)
# Who may import a whole Excel ledger.
LEDGER_IMPORT_ROLES = (Role.TOWNSHIP_CLERK, Role.COUNTY_OFFICE, Role.ADMINISTRATOR)

# The fields a form, the API or an import may set; everything else is derived or bookkeeping.
# What a person enters for a ledger row, by section in the order of the paper ledger (the
# form renders the sections in turn; "permits" stands for one choice per department).
SECTIONS = [
    ("所在位置", ["township", "village", "village_group", "address", "latitude", "longitude"]),
    ("企业基本情况", ["name", "credit_code", "operator", "phone"]),
    (
        "类型与规模",
        [
            "enterprise_type",
            "sector",
            "industry",
            "industry_other",
            "scale",
            "employee_count",
            "raw_materials",
            "involves_water",
            "involves_air",
        ],
    ),
    (
        "“散乱污”问题",
        [
            "is_scattered",
            "scattered_note",
            "is_disorderly",
            "disorderly_note",
            "is_polluting",
            "polluting_note",
        ],
    ),
    ("有无手续（各部门审批手续）", ["permits"]),
    ("上报与责任", ["reported_on", "responsible_person", "source", "remarks"]),
]
EDITABLE_FIELDS = [field for _, fields in SECTIONS for field in fields]


class DuplicateCreditCode(Refused):
    def __init__(self, existing, *, visible):
        self.existing = existing
        self.visible = visible
        if visible:
            message = (
                f"统一社会信用代码 {existing.credit_code} 已登记为“{existing.name}”"
                f"（{existing.township.name}），同一企业不能重复录入，请在原记录上修改。"
            )
        else:
            # Outside the user's area neither the enterprise nor its township is named.
            message = (
                f"统一社会信用代码 {existing.credit_code} 已由其他辖区登记，同一企业不能重复录入；"
                "如企业已迁入本辖区，请联系县整治办处理。"
            )
        super().__init__(message, field="credit_code")

    def details(self):
        existing = self.existing
        if not self.visible:
            return {"existing": {"name": None, "township": None, "id": None}}
        return {
            "existing": {
                "name": existing.name,
                "township": existing.township.name,
                "id": existing.pk,
            }
        }


class SimilarEnterprisesFound(Refused):
    def __init__(self, similar):
        self.similar = similar
        names = "、".join(f"“{enterprise.name}”（{reason}）" for enterprise, reason in similar)
        super().__init__(
            f"本乡镇已有名称或地址非常相近的企业：{names}。请核实是否为同一企业；"
            "确认不是同一企业的，勾选“仍然保存”后再提交。"
        )

    def details(self):
        return {
            "similar": [
                {"id": other.pk, "name": other.name, "address": other.address, "reason": reason}
                for other, reason in self.similar
            ]
        }


def can_edit_ledger(user):
    return user.is_authenticated and user.has_role(*LEDGER_EDITOR_ROLES)


def can_import_ledger(user):
    return user.is_authenticated and user.has_role(*LEDGER_IMPORT_ROLES)


def check_can_edit(user):
    if not can_edit_ledger(user):
        raise PermissionDenied("您的角色只能查看台账，不能录入或修改企业。")


def check_place(data, user):
    """The township must be a township inside the user's area, the village one of its villages."""
    township = data.get("township")
    if township is None:
        raise Refused("请选择所在乡镇。", field="township")
    if township.level != Region.Level.TOWNSHIP:
        raise Refused("所在乡镇必须是乡镇（街道、农场）一级的区域。", field="township")
    ensure_in_area(user, township.path)
    village = data.get("village")
    if village is not None and village.parent_id != township.pk:
        raise Refused(f"“{village.name}”不属于{township.name}。", field="village")


def check_duplicates(enterprise, user, *, confirm_similar, check_similar=True):
    if enterprise.credit_code:
        existing = (
            Enterprise.objects.select_related("township")
            .filter(credit_code=enterprise.credit_code)
            .exclude(pk=enterprise.pk)
            .first()
        )
        if existing is not None:
            visible = Enterprise.objects.visible_to(user).filter(pk=existing.pk).exists()
            raise DuplicateCreditCode(existing, visible=visible)
    if check_similar and not confirm_similar:
        similar = similar_enterprises(
            enterprise.township, enterprise.name, enterprise.address, exclude_pk=enterprise.pk
        )
        if similar:
            raise SimilarEnterprisesFound(similar)


def validate_row(enterprise):
    """Model validation (field choices, checksum, ranges); derived fields are set first."""
    enterprise.region_path = (enterprise.village or enterprise.township).path
    enterprise.permit_status = derive_permit_status(enterprise.permits, enterprise.permits_stated)
    enterprise.full_clean(exclude=["created_by"], validate_constraints=False)


def save_with_history(enterprise, by, reason=None):
    enterprise._history_user = by
    if reason:
        enterprise._change_reason = reason
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError:
        # Another user saved the same credit code between our check and our insert.
        existing = Enterprise.objects.select_related("township").get(
            credit_code=enterprise.credit_code
        )
        raise DuplicateCreditCode(existing, visible=False) from None


def create_enterprise(data, *, by, confirm_similar=False, reason=None):
    """Put a new enterprise on the ledger. `data` maps EDITABLE_FIELDS to cleaned values
    (township/village as Region objects). Raises PermissionDenied, Http404 (outside the
    user's area), Refused (and its subclasses) or ValidationError."""
    check_can_edit(by)
    check_place(data, by)
    enterprise = Enterprise(created_by=by)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(enterprise, field, data[field])
    with transaction.atomic():
        check_duplicates(enterprise, by, confirm_similar=confirm_similar)
        validate_row(enterprise)
        save_with_history(enterprise, by, reason)
        save_accounts(enterprise, data, by)
    return enterprise


def save_accounts(enterprise, data, by):
    """The 用电户号 when `data` carries them (a list of numbers, already parsed)."""
    if "electricity_accounts" not in data:
        return
    try:
        with transaction.atomic():
            set_electricity_accounts(enterprise, data["electricity_accounts"], by=by)
    except IntegrityError:
        raise Refused(
            "有用电户号刚被他人登记给另一家企业，请刷新后核对再保存。",
            field="electricity_accounts",
        ) from None


STALE_MESSAGE = "这条记录在您打开后已被他人修改，请刷新页面查看最新内容后再修改。"


class StaleVersion(Refused):
    """An edit built on an older version of the row (or, in the API, on no stated version):
    a conflict with the row as it stands, so the API answers 409 and the client reloads."""

    status_code = 409


def same_version(updated_at, version):
    """Whether `version` (an ISO 8601 time, as the form or the API gave it out) names the same
    instant as `updated_at`, whatever the offset it is written in (the API gives +08:00)."""
    stated = parse_datetime(str(version).strip())
    if stated is None:
        return False
    if timezone.is_naive(stated):
        stated = timezone.make_aware(stated)
    return stated == updated_at


def update_enterprise(enterprise, data, *, by, confirm_similar=False, version=None, reason=None):
    """Correct an enterprise. `data` holds only the fields to change. `version` is the
    updated_at the user's form was built from: an edit based on an older version is refused
    instead of silently overwriting someone else's change."""
    check_can_edit(by)
    ensure_in_area(by, enterprise.region_path)
    with transaction.atomic():
        locked = (
            Enterprise.objects.select_for_update(of=("self",))
            .select_related("township")
            .get(pk=enterprise.pk)
        )
        ensure_in_area(by, locked.region_path)
        if version is not None and not same_version(locked.updated_at, version):
            # Not on the form's hidden version field, where a page would not show it.
            raise StaleVersion(STALE_MESSAGE)
        place = {
            "township": data.get("township", locked.township),
            "village": data.get("village", locked.village),
        }
        check_place(place, by)
        before = (locked.name, locked.address, locked.township_id)
        if "permits" in data and data["permits"] != locked.permits:
            locked.permits_stated = ""  # the departments now say it, not the old ledger's word
        for field in EDITABLE_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        renamed = before != (locked.name, locked.address, locked.township_id)
        check_duplicates(locked, by, confirm_similar=confirm_similar, check_similar=renamed)
        validate_row(locked)
        save_with_history(locked, by, reason)
        save_accounts(locked, data, by)
    return locked
