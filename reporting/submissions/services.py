"""The only way a submission changes: one function per transition, each checking role and rule,
then writing the change in one transaction. Views and the API call these; a refusal is a
`Refused` (or PermissionDenied for a wrong role) with a Chinese message, and
changes nothing.

    submit_table      → 已报送 (version 1)
    accept_submission  已报送 → 已接收   (upper level)
    return_submission  已报送 → 已退回   (upper level, with a reason)
    resubmit           已退回 → a new version, 已报送
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Region, Role, User
from accounts.refusals import Refused
from accounts.side_effects import after_commit
from notices.notifications import notify_once

from ..models import Submission
from ..tables import get_table
from .digest import sheet_digest, verification_code
from .printed import (
    CODE_MASK,
    DIGEST_VERSION,
    expected_sheet,
    frame,
    printed_details,
    snapshot_report,
)

SUBMITTER_ROLES = {
    Region.Level.TOWNSHIP: (Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD),
    Region.Level.COUNTY: (Role.COUNTY_OFFICE,),
}
SIGNER_ROLES = {
    Region.Level.TOWNSHIP: (Role.TOWNSHIP_HEAD,),
    Region.Level.COUNTY: (Role.COUNTY_OFFICE,),
}
SUBMITTER_ORGANISATION_KINDS = {
    Region.Level.TOWNSHIP: Organisation.Kind.TOWNSHIP_GOVERNMENT,
    Region.Level.COUNTY: Organisation.Kind.COUNTY_OFFICE,
}
REVIEWER_ROLES = {
    Region.Level.TOWNSHIP: (Role.COUNTY_OFFICE,),
    Region.Level.COUNTY: (Role.CITY_OFFICE,),
}


def eligible_signers(organisation):
    """Who may sign for this organisation: the township head, or the county office's staff."""
    roles = SIGNER_ROLES.get(organisation.region.level, ())
    return User.objects.filter(organisation=organisation, role__in=roles, is_active=True).order_by(
        "full_name", "username"
    )


def check_can_submit(table, region, by):
    """Raise unless `by` may submit `table` for `region` (their own organisation's place)."""
    if by.is_read_only:
        raise PermissionDenied("局领导账号只读，不能报送报表。")
    organisation = by.organisation
    if organisation is None or organisation.region_id != region.id:
        raise PermissionDenied("只能报送本单位所在区域的报表。")
    if not table.can_submit(region):
        raise Refused(f"“{table.name}”不由{region.get_level_display()}一级报送。")
    if organisation.kind != SUBMITTER_ORGANISATION_KINDS.get(region.level) or not by.has_role(
        *SUBMITTER_ROLES.get(region.level, ())
    ):
        raise PermissionDenied("只有乡镇填报员、乡镇负责人或县整治办可以报送本级报表。")
    return organisation


def check_signer(organisation, signed_by):
    if signed_by is None:
        raise Refused("请选择签字负责人。")
    if not eligible_signers(organisation).filter(pk=signed_by.pk).exists():
        raise Refused("签字负责人必须是本单位的主要负责同志（乡镇负责人或县整治办负责人）。")


def build_snapshot(table, region, organisation, period, version, *, by, signed_by, now):
    """The frozen table and everything printed with it, and the digest of the whole sheet
    (reporting.submissions.printed)."""
    data = table.freeze(region, period)
    columns = table.columns_for(region)
    snapshot = {
        "table": table.key,
        "title": table.title_for(region),
        "unit_label": table.unit_label_for(region),
        "unit_name": organisation.name,
        "region_code": region.code,
        "region_name": region.name,
        "period": period.key,
        "version": version,
        "columns": [
            {"label": c.label, "group": c.group, "width": c.width, "numeric": c.numeric}
            for c in columns
        ],
        "notes": list(table.notes),
        "rows": data.rows,
        "totals": data.totals,
        "digest_version": DIGEST_VERSION,
        "printed": printed_details(
            timezone.localdate(now),
            by.display_name,
            by.phone or organisation.contact_phone,
            signed_by.display_name,
        ),
    }
    snapshot["frame"] = frame(snapshot_report(snapshot, verification_code=CODE_MASK))
    return snapshot, sheet_digest(snapshot_identity(snapshot), expected_sheet(snapshot))


def snapshot_identity(snapshot):
    """The identifying fields a version-1 digest covers besides the numbers themselves."""
    return {
        "table": snapshot["table"],
        "title": snapshot["title"],
        "unit": snapshot["unit_name"],
        "region": snapshot["region_code"],
        "period": snapshot["period"],
        "version": snapshot["version"],
        "columns": [f"{c['group']}/{c['label']}" for c in snapshot["columns"]],
    }


def _create_version(table, region, organisation, period, version, *, by, signed_by, previous):
    now = timezone.now()
    snapshot, digest = build_snapshot(
        table, region, organisation, period, version, by=by, signed_by=signed_by, now=now
    )
    try:
        with transaction.atomic():
            return Submission.objects.create(
                table_key=table.key,
                title=snapshot["title"],
                region=region,
                organisation=organisation,
                period=period.start,
                version=version,
                state=Submission.State.SUBMITTED,
                snapshot=snapshot,
                digest=digest,
                verification_code=verification_code(digest),
                signed_by=signed_by,
                submitted_by=by,
                submitted_at=now,
                first_submitted_at=previous.first_submitted_at if previous else now,
                deadline=table.deadline(period),
                previous=previous,
            )
    except IntegrityError as error:
        raise Refused(
            f"{region.name}{period.label}的“{table.name}”已经报送，不能重复报送；"
            "如需修改，请待上级退回后重新报送。"
        ) from error


@transaction.atomic
def submit_table(table_key, region, period, *, by, signed_by):
    """Freeze the table's current numbers for the period and send version 1 upward."""
    table = get_table(table_key)
    if table is None:
        raise Refused("没有这张报表。")
    organisation = check_can_submit(table, region, by)
    check_signer(organisation, signed_by)
    existing = (
        Submission.objects.filter(table_key=table.key, region=region, period=period.start)
        .order_by("-version")
        .first()
    )
    if existing is not None:
        if existing.state == Submission.State.RETURNED:
            raise Refused(f"本期报表已被退回（第{existing.version}版），请在该版本页面“重新报送”。")
        raise Refused(
            f"{region.name}{period.label}的“{table.name}”已经报送（第{existing.version}版，"
            f"{existing.get_state_display()}），不能重复报送。"
        )
    return _create_version(
        table, region, organisation, period, 1, by=by, signed_by=signed_by, previous=None
    )


def _lock(submission):
    return Submission.objects.select_for_update().select_related("region").get(pk=submission.pk)


def check_can_review(submission, by):
    """The upper level: the county office for a township's table, the city office for a county's."""
    if by.is_read_only:
        raise PermissionDenied("局领导账号只读，不能审核报表。")
    region = submission.region
    roles = REVIEWER_ROLES.get(region.level, ())
    is_upper = by.region is not None and by.region.id == region.parent_id
    if not (by.is_superuser or (is_upper and by.has_role(*roles))):
        raise PermissionDenied(
            "只有上一级整治办（乡镇报表由县整治办、县级报表由市整治办）可以接收或退回。"
        )


@transaction.atomic
def accept_submission(submission, *, by):
    submission = _lock(submission)
    check_can_review(submission, by)
    if submission.state != Submission.State.SUBMITTED:
        raise Refused(
            f"该报表当前状态为“{submission.get_state_display()}”，只有“已报送”的报表可以接收。"
        )
    submission.state = Submission.State.ACCEPTED
    submission.decided_by = by
    submission.decided_at = timezone.now()
    submission.save(update_fields=["state", "decided_by", "decided_at", "region_path"])
    tell_submitter(submission, "accepted")
    return submission


@transaction.atomic
def return_submission(submission, *, by, reason):
    reason = (reason or "").strip()
    if not reason:
        raise Refused("退回时必须填写退回原因。")
    submission = _lock(submission)
    check_can_review(submission, by)
    if submission.state != Submission.State.SUBMITTED:
        raise Refused(
            f"该报表当前状态为“{submission.get_state_display()}”，只有“已报送”的报表可以退回。"
        )
    submission.state = Submission.State.RETURNED
    submission.decided_by = by
    submission.decided_at = timezone.now()
    submission.return_reason = reason
    submission.save(
        update_fields=["state", "decided_by", "decided_at", "return_reason", "region_path"]
    )
    tell_submitter(submission, "returned")
    return submission


DECISION_KINDS = {"accepted": "submission_accepted", "returned": "submission_returned"}
DECISION_LABELS = {"submission_accepted": "报表已接收", "submission_returned": "报表被退回"}


def tell_submitter(submission, decision):
    """The submitter hears the upper level's decision once it commits (returned: with the
    reason and what to do next)."""
    after_commit(
        lambda: _send_decision(submission.pk, decision),
        f"submission {submission.pk} {decision} notice",
    )


def _send_decision(submission_id, decision):
    submission = Submission.objects.select_related("region", "submitted_by", "decided_by").get(
        pk=submission_id
    )
    if submission.submitted_by is None:
        return []
    what = f"{submission.region.name}{submission.period_obj.label}{submission.table_name}"
    reviewer = submission.decided_by.display_name if submission.decided_by else "上级整治办"
    if decision == "returned":
        subject = f"【报表被退回】{what}（第{submission.version}版）"
        body = (
            f"{reviewer}退回了{what}第{submission.version}版。退回原因：{submission.return_reason}"
            "\n请修改后在该版本页面“重新报送”。"
        )
    else:
        subject = f"【报表已接收】{what}（第{submission.version}版）"
        body = f"{reviewer}已接收{what}第{submission.version}版。"
    return notify_once(
        f"submission:{submission.pk}:{decision}",
        DECISION_KINDS[decision],
        timezone.localdate(submission.decided_at),
        [submission.submitted_by],
        subject,
        body,
        reverse("reporting:submission_detail", args=[submission.pk]),
        exclude={submission.decided_by_id},
    )


@transaction.atomic
def resubmit(submission, *, by, signed_by):
    """A returned version is kept as it was; the numbers are frozen again as the next version."""
    submission = _lock(submission)
    table = submission.table
    if table is None:
        raise Refused("这张报表已停用，不能重新报送。")
    organisation = check_can_submit(table, submission.region, by)
    if submission.state != Submission.State.RETURNED:
        raise Refused("只有被退回的报表可以重新报送。")
    if Submission.objects.filter(previous=submission).exists():
        raise Refused("该版本已经重新报送过，请打开最新版本。")
    check_signer(organisation, signed_by)
    return _create_version(
        table,
        submission.region,
        organisation,
        submission.period_obj,
        submission.version + 1,
        by=by,
        signed_by=signed_by,
        previous=submission,
    )


def replace_seal(organisation, upload, *, by):
    """Store a new seal image for the user's own organisation; the old file goes only after
    the new one is saved, so a failure leaves the old seal in place."""
    if by.organisation_id != organisation.pk:
        raise PermissionDenied("只能上传本单位的公章。")
    old_name = (
        type(organisation).objects.filter(pk=organisation.pk).values_list("seal", flat=True).get()
    )
    with transaction.atomic():
        organisation.seal = upload
        organisation.save(update_fields=["seal"])
    if old_name and old_name != organisation.seal.name:
        organisation.seal.storage.delete(old_name)
    return organisation
