"""The Excel import of a township's ledger: stage a preview batch from the uploaded file,
then commit it all-or-nothing, or only its rows without problems (the flagged rows go back
to the clerk as a file to fix, imports.problems). Nothing touches the ledger before the commit."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.expressions import DatabaseDefault
from django.http import Http404
from django.utils import timezone

from accounts.bulk import bulk_insert_with_history
from accounts.models import Region, Role
from accounts.refusals import Refused
from accounts.scoping import ensure_in_area, get_visible_or_404

from ..electricity import accounts_added, taken_elsewhere
from ..ledger import import_campaigns, notify_bulk_change, notify_imported
from ..models import ElectricityAccount, Enterprise, ImportBatch, derive_permit_status
from ..risk import batched_recompute
from ..services import can_import_ledger, check_place
from .reading import parse_workbook
from .rows import mark_existing


def check_can_import(user):
    if not can_import_ledger(user):
        raise PermissionDenied("只有乡镇填报员和县整治办可以导入台账。")


def own_batch(token, user):
    """The batch `token` if `user` uploaded it (and it lies in their area). Anyone else's is
    a 404, not a 403: a preview holds a township's whole file and is only its uploader's."""
    batch = get_visible_or_404(ImportBatch.objects.select_related("township"), user, token=token)
    if batch.owner_id != user.pk:
        raise Http404("没有找到这个导入批次。")
    return batch


# Who may choose 按台账建档: the cases then take the state the ledger states.
ESTABLISH_ROLES = (Role.COUNTY_OFFICE, Role.ADMINISTRATOR)


def can_establish(user):
    return user.is_authenticated and user.has_role(*ESTABLISH_ROLES) and not user.is_read_only


def import_campaign(campaign, by, township):
    """(pk, name) of the campaign the import's cases go into: the one chosen, checked to cover
    the township in the importer's area (Refused otherwise), else the default for the township."""
    campaigns = import_campaigns()
    campaign = getattr(campaign, "pk", campaign)
    if campaign in (None, ""):
        campaign = campaigns.default(by, township)
    else:
        campaign = int(campaign)
        campaigns.check(campaign, by, township)
    names = dict(campaigns.choices(by, township))
    return campaign, names.get(campaign, "") if campaign else ""


def stage_import(upload, *, township, by, campaign=None, establish=False):
    """Parse an uploaded ledger file (.xlsx, .xls or .csv) into a preview batch owned by `by`.
    Raises reading.LedgerFileError for an unreadable file; nothing touches the ledger.
    `campaign` (a pk) is where the rows' cases go, by default the township's active one;
    `establish` (按台账建档) is the county office's choice only."""
    check_can_import(by)
    check_place({"township": township}, by)
    if establish and not can_establish(by):
        raise Refused("只有县整治办或系统管理员可以按台账建档。", field="establish")
    campaign_id, campaign_name = import_campaign(campaign, by, township)
    parsed = parse_workbook(upload, township, by=by)
    return ImportBatch.objects.create(
        campaign_id=campaign_id,
        campaign_name=campaign_name[:200],
        establish=bool(establish),
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
        permits_stated=data.get("permits_stated") or "",
    )
    if villages is None:
        villages = {
            village.pk: village
            for village in Region.objects.filter(pk=enterprise.village_id, parent=township)
        }
    enterprise.village = villages.get(enterprise.village_id) if enterprise.village_id else None
    enterprise.region_path = (enterprise.village or township).path
    enterprise.permit_status = derive_permit_status(enterprise.permits, enterprise.permits_stated)
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


def check_import_accounts(rows):
    """Refuse the commit when a row's 用电户号 already belongs to an enterprise on the ledger."""
    rows_by_number = {
        number: row["row"]
        for row in rows
        for number in row["data"].get("electricity_accounts") or ()
    }
    taken = taken_elsewhere(list(rows_by_number))
    if taken:
        number = next(iter(taken))
        raise Refused(
            f"第 {rows_by_number[number]} 行的用电户号 {number} 已登记在其他企业名下，未导入任何企业。"
            "请核对后改正重新上传。"
        )


def commit_import(batch, *, by, good_rows_only=False):
    """Create every new enterprise of a previewed batch in one transaction, or none.

    Refused while any row has a problem, unless `good_rows_only`: then the rows without
    problems are created and the flagged ones left for the clerk to fix and import again.
    Rows already on the ledger (checked again now, not only at upload) are skipped, so the
    same file imported twice adds nothing the second time. Each row records whether it was
    committed (row["committed"]). Returns the batch.
    """
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
        if locked.error_count and not good_rows_only:
            raise Refused(
                f"还有 {locked.error_count} 行有错误，请在 Excel 中改正后重新上传，再确认导入；"
                "或选择“只导入无误的行”，再下载问题行改正。"
            )
        if locked.error_count >= locked.row_count:
            raise Refused("每一行都有错误，没有可以导入的行。请下载问题行，改正后重新上传。")
        if locked.campaign_id:
            import_campaigns().check(locked.campaign_id, by, township)
        rows = locked.rows
        places = [township.name, township.parent.name if township.parent_id else ""]
        mark_existing(rows, township, places)
        fresh = [row for row in rows if row["status"] == "new"]
        villages = {village.pk: village for village in Region.objects.filter(parent=township)}
        enterprises = [enterprise_from_import(row["data"], township, by, villages) for row in fresh]
        check_import_accounts(fresh)
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
        accounts = ElectricityAccount.objects.bulk_create(
            ElectricityAccount(enterprise=enterprise, number=number, created_by=by)
            for row, enterprise in zip(fresh, created, strict=True)
            for number in row["data"].get("electricity_accounts") or ()
        )
        accounts_added([account.number for account in accounts], by)
        source = {
            "file_name": locked.file_name,
            "campaign": locked.campaign_id,
            "establish": locked.establish,
        }
        # The cases the rows open score their enterprises once, together, after commit.
        with batched_recompute():
            for row, enterprise in zip(fresh, created, strict=True):
                columns = row["case"]
                if any(columns.get(key) for key in ("requirement", "deadline", "completion")):
                    notify_imported(
                        enterprise,
                        {
                            **columns,
                            "found_on": row["data"]["reported_on"],
                            "responsible_person": row["data"].get("responsible_person", ""),
                            "row": row["row"],
                            **source,
                        },
                        by,
                    )
        if created:
            notify_bulk_change(township)
        for row in rows:
            row["committed"] = row["status"] == "new"
        locked.columns = {**locked.columns, "good_rows_only": bool(good_rows_only)}
        locked.rows = rows
        locked.state = ImportBatch.State.COMMITTED
        locked.committed_at = timezone.now()
        locked.created_count = len(created)
        locked.existing_count = sum(1 for row in rows if row["status"] == "existing")
        locked.save()
    return locked
