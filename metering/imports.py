"""Uploading the power company's consumption export: stage a preview batch (every row in the
staging table with its problems by column), then commit it all-or-nothing or only its good
rows. Committing copies the rows into the readings in one INSERT … SELECT that skips a
(户号, 期间) already kept, so the same file twice adds nothing, then evaluates the rules on the
batch and tells the county office and the townships after the commit."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone

from accounts.bulk import insert_rows
from accounts.models import Organisation, Region, Role
from accounts.refusals import Refused
from accounts.scoping import ensure_in_area, get_visible_or_404
from accounts.side_effects import after_commit

from .models import ConsumptionBatch, ConsumptionRow, MeterReading
from .notices import tell_about_alerts
from .reading import read_consumption
from .rules import evaluate_batch

STAGE_CHUNK = 20_000


def is_power_officer(user):
    """The 供电公司's officer: a department officer of an organisation whose 职能 is 供电公司 (the
    same organisations that confirm the 断电 step)."""
    return (
        user.is_authenticated
        and user.role == Role.DEPARTMENT_OFFICER
        and user.organisation_id is not None
        and user.organisation.department == Organisation.Department.POWER_SUPPLY
    )


def can_upload_consumption(user):
    if not user.is_authenticated or user.is_read_only:
        return False
    return is_power_officer(user) or user.has_role(Role.COUNTY_OFFICE, Role.ADMINISTRATOR)


def check_can_upload(user):
    if not can_upload_consumption(user):
        raise PermissionDenied("只有供电公司人员和县整治办可以导入用电数据。")


def upload_area(user, area=None):
    """The region the readings belong to: the uploader's own, or one inside it."""
    if area is None:
        area = user.region
    if area is None:
        raise Refused("请选择用电数据所属的区域。", field="area")
    ensure_in_area(user, area.path)
    return area


def own_batch(token, user):
    batch = get_visible_or_404(ConsumptionBatch.objects.select_related("area"), user, token=token)
    if batch.owner_id != user.pk:
        raise Http404("没有找到这个导入批次。")
    return batch


def stage_consumption(upload, *, by, area=None):
    """Read an uploaded export into a preview batch owned by `by`; nothing is kept as a
    reading yet. Raises LedgerFileError (a Refused) for an unreadable file."""
    check_can_upload(by)
    area = upload_area(by, area)
    rows = read_consumption(upload)
    with transaction.atomic():
        sheet_name, columns = next(rows)
        batch = ConsumptionBatch.objects.create(
            token=secrets.token_urlsafe(24),
            owner=by,
            area=area,
            file_name=(getattr(upload, "name", "") or "用电数据.xlsx")[:200],
            file_size=getattr(upload, "size", 0) or 0,
            sheet_name=sheet_name[:100],
            columns=columns,
        )
        total = errors = 0
        chunk = []
        for row in rows:
            row["batch_id"] = batch.pk
            chunk.append(row)
            total += 1
            errors += row["has_problems"]
            if len(chunk) >= STAGE_CHUNK:
                insert_rows(ConsumptionRow, chunk, with_ids=False)
                chunk = []
        insert_rows(ConsumptionRow, chunk, with_ids=False)
        batch.row_count, batch.error_count = total, errors
        batch.save(update_fields=["row_count", "error_count", "region_path"])
    return batch


def copy_staged_rows(batch):
    """INSERT … SELECT the batch's good rows into the readings; returns how many were new."""
    quote = connection.ops.quote_name
    reading, staged = MeterReading._meta.db_table, ConsumptionRow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {quote(reading)} (account_number, account_name, address, period_kind,
                period_start, period_month, kwh, batch_id, area_id, region_path)
            SELECT account_number, account_name, address, period_kind, period_start,
                period_month, kwh, batch_id, %s, %s
            FROM {quote(staged)} WHERE batch_id = %s AND has_problems = %s
            ON CONFLICT DO NOTHING
            """,
            [batch.area_id, batch.region_path, batch.pk, False],
        )
        return cursor.rowcount


def commit_consumption(batch, *, by, good_rows_only=False):
    """Keep the batch's readings and evaluate the rules on them, in one transaction.
    Refused while any row has a problem unless `good_rows_only`. Returns the batch."""
    check_can_upload(by)
    if batch.owner_id != by.pk:
        raise PermissionDenied("只能确认自己上传的导入批次。")
    with transaction.atomic():
        locked = (
            ConsumptionBatch.objects.select_for_update().select_related("area").get(pk=batch.pk)
        )
        ensure_in_area(by, locked.area.path)
        if locked.state != ConsumptionBatch.State.PREVIEW:
            raise Refused("这个文件已经导入过了，不能重复导入。")
        if locked.error_count and not good_rows_only:
            raise Refused(
                f"还有 {locked.error_count} 行有错误，请改正后重新上传；或选择“只导入无误的行”。"
            )
        if locked.error_count >= locked.row_count:
            raise Refused("每一行都有错误，没有可以导入的行。")
        locked.created_count = copy_staged_rows(locked)
        alert_ids = evaluate_batch(locked)
        # The good rows are now readings; the flagged ones stay to be shown and fixed.
        locked.staged.filter(has_problems=False).delete()
        locked.state = ConsumptionBatch.State.COMMITTED
        locked.good_rows_only = bool(good_rows_only)
        locked.committed_at = timezone.now()
        locked.alert_count = len(alert_ids)
        locked.save()
        after_commit(lambda: tell_about_alerts(alert_ids), "tell about power alerts")
    return locked


def area_choices(user):
    """The counties (or the user's own region) a user may upload readings for."""
    region = user.region
    if region is not None:
        return [region]
    return list(Region.objects.counties().order_by("code"))
