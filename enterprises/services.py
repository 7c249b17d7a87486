"""Creating and correcting ledger rows: the one way in, for forms, the API, imports and other apps.

`create_enterprise(data, by=user)` and `update_enterprise(enterprise, data, by=user)` check the
user's role and area, refuse a credit code already on the ledger anywhere, warn about a very
similar name or address in the same township (unless the user confirmed), validate the row
and save it with its history entry in one transaction.
"""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone

from accounts.bulk import bulk_insert_with_history
from accounts.models import Region, Role
from accounts.refusals import Refused
from accounts.scoping import ensure_in_area

from .duplicates import similar_enterprises
from .ledger import notify_bulk_change, notify_imported
from .models import Enterprise, ImportBatch, derive_permit_status

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
        where = existing.township.name
        if visible:
            message = (
                f"统一社会信用代码 {existing.credit_code} 已登记为“{existing.name}”（{where}），"
                "同一企业不能重复录入，请在原记录上修改。"
            )
        else:
            message = (
                f"统一社会信用代码 {existing.credit_code} 已由其他辖区登记（“{existing.name}”，"
                f"{where}），同一企业不能重复录入；如企业已迁入本辖区，请联系县整治办处理。"
            )
        super().__init__(message, field="credit_code")

    def details(self):
        existing = self.existing
        return {
            "existing": {
                "name": existing.name,
                "township": existing.township.name,
                "id": existing.pk if self.visible else None,
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
    enterprise.permit_status = derive_permit_status(enterprise.permits)
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
    return enterprise


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
        if version is not None and locked.updated_at.isoformat() != str(version):
            raise Refused("这条记录在您打开后已被他人修改，请刷新页面查看最新内容后再修改。")
        place = {
            "township": data.get("township", locked.township),
            "village": data.get("village", locked.village),
        }
        check_place(place, by)
        before = (locked.name, locked.address, locked.township_id)
        for field in EDITABLE_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        renamed = before != (locked.name, locked.address, locked.township_id)
        check_duplicates(locked, by, confirm_similar=confirm_similar, check_similar=renamed)
        validate_row(locked)
        save_with_history(locked, by, reason)
    return locked


# --- Excel import: stage a preview, then commit it all-or-nothing -------------------------


def check_can_import(user):
    if not can_import_ledger(user):
        raise PermissionDenied("只有乡镇填报员和县整治办可以导入台账。")


def stage_import(upload, *, township, by):
    """Parse an uploaded workbook into a preview batch owned by `by`. Raises
    importing.LedgerFileError for an unreadable file; nothing touches the ledger."""
    from .importing import parse_workbook

    check_can_import(by)
    check_place({"township": township}, by)
    parsed = parse_workbook(upload, township)
    return ImportBatch.objects.create(
        token=secrets.token_urlsafe(24),
        owner=by,
        township=township,
        file_name=(getattr(upload, "name", "") or "台账.xlsx")[:200],
        file_size=getattr(upload, "size", 0) or 0,
        sheet_name=parsed.sheet_name[:100],
        columns=parsed.columns,
        rows=parsed.rows,
        row_count=len(parsed.rows),
        error_count=parsed.error_count,
        new_count=parsed.new_count,
        existing_count=parsed.existing_count,
    )


def enterprise_from_import(data, township, by, villages=None):
    """An unsaved Enterprise from a parsed row; `villages` ({pk: Region}, the township's
    villages) saves one query per row when a whole file is committed."""
    enterprise = Enterprise(
        township=township,
        village_id=data.get("village"),
        created_by=by,
        reported_on=datetime.date.fromisoformat(data["reported_on"]),
        **{
            name: data.get(name, "")
            for name in (
                "village_group",
                "name",
                "credit_code",
                "enterprise_type",
                "scale",
                "raw_materials",
                "responsible_person",
                "remarks",
                "address",
                "operator",
                "phone",
                "industry",
                "industry_other",
                "sector",
                "source",
            )
        },
        employee_count=data.get("employee_count"),
        involves_water=bool(data.get("involves_water")),
        involves_air=bool(data.get("involves_air")),
        permits=data.get("permits") or {},
    )
    if villages is None:
        villages = {
            village.pk: village
            for village in Region.objects.filter(pk=enterprise.village_id, parent=township)
        }
    enterprise.village = villages.get(enterprise.village_id) if enterprise.village_id else None
    enterprise.region_path = (enterprise.village or township).path
    enterprise.permit_status = derive_permit_status(enterprise.permits)
    return enterprise


# township and village are the batch's own (checked in commit_import), so the per-row
# foreign-key lookups full_clean would run are skipped; the rest is derived.
IMPORT_CLEAN_EXCLUDE = {"created_by", "region_path", "permit_status", "township", "village"}
_import_clean_fields = [
    field
    for field in Enterprise._meta.fields
    if field.name not in IMPORT_CLEAN_EXCLUDE and not field.generated
]


def clean_imported(enterprise, verdicts):
    """What full_clean(exclude=IMPORT_CLEAN_EXCLUDE, validate_constraints=False) checks for an
    imported row, with the same errors, but each distinct value of a field is cleaned once:
    an imported file repeats the same types, dates and villages on thousands of rows. (The
    model has no clean() of its own, and its only unique field is the unsaved primary key.)
    `verdicts` is one commit's memo of {(field, value): outcome}."""
    errors = {}
    for field in _import_clean_fields:
        raw = getattr(enterprise, field.attname)
        if (field.blank and raw in field.empty_values) or isinstance(raw, DatabaseDefault):
            continue
        try:
            key = (field.attname, type(raw), raw)
            verdict = verdicts.get(key)
        except TypeError:  # unhashable (the permits dict): cleaned every time
            key = verdict = None
        if verdict is None:
            try:
                verdict = (True, field.clean(raw, enterprise))
            except ValidationError as exc:
                verdict = (False, exc.error_list)
            if key is not None:
                verdicts[key] = verdict
        valid, result = verdict
        if valid:
            setattr(enterprise, field.attname, result)
        else:
            errors[field.name] = result
    if errors:
        raise ValidationError(errors)


def commit_import(batch, *, by):
    """Create every new enterprise of a previewed batch in one transaction, or none.

    Rows already on the ledger (checked again now, not only at upload) are skipped, so the
    same file imported twice adds nothing the second time. Returns the created count.
    """
    from .import_rows import mark_existing

    check_can_import(by)
    if batch.owner_id != by.pk:
        raise PermissionDenied("只能确认自己上传的导入批次。")
    with transaction.atomic():
        locked = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("township__parent")
            .get(pk=batch.pk)
        )
        township = locked.township
        ensure_in_area(by, township.path)
        if locked.state != ImportBatch.State.PREVIEW:
            raise Refused("这个文件已经导入过了，不能重复导入。")
        if locked.error_count:
            raise Refused(
                f"还有 {locked.error_count} 行有错误，请在 Excel 中改正后重新上传，再确认导入。"
            )
        rows = locked.rows
        places = [township.name, township.parent.name if township.parent_id else ""]
        mark_existing(rows, township, places)
        fresh = [row for row in rows if row["status"] == "new"]
        villages = {village.pk: village for village in Region.objects.filter(parent=township)}
        enterprises = [enterprise_from_import(row["data"], township, by, villages) for row in fresh]
        verdicts = {}
        for enterprise in enterprises:
            try:
                clean_imported(enterprise, verdicts)
            except ValidationError as exc:
                raise Refused(
                    f"“{enterprise.name}”：{'；'.join(exc.messages)}，未导入任何企业。"
                ) from None
        try:
            with transaction.atomic():
                created = bulk_insert_with_history(
                    Enterprise,
                    enterprises,
                    default_user=by,
                    change_reason=f"Excel 导入：{locked.file_name}"[:100],
                )
        except IntegrityError:
            raise Refused(
                "导入时发现有企业的统一社会信用代码刚被他人登记，未导入任何企业，请重新上传预览。"
            ) from None
        for row, enterprise in zip(fresh, created, strict=True):
            if any(row["case"].values()):
                notify_imported(enterprise, row["case"], by)
        if created:
            notify_bulk_change(township)
        locked.rows = rows
        locked.state = ImportBatch.State.COMMITTED
        locked.committed_at = timezone.now()
        locked.created_count = len(created)
        locked.existing_count = sum(1 for row in rows if row["status"] == "existing")
        locked.save()
    return locked
