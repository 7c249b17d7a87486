"""Recording a 问责 action (提醒 / 约谈 / 通报) against a unit: the one function that writes it.

The notice (通知文书) is judged by its bytes: a PDF by its magic number, an image by what
Pillow reads (accounts.uploads' rules); at most MAX_NOTICE_BYTES. A PDF is stored as sent; an
image (a phone's photo of the signed notice) is stored re-encoded without metadata, like every
photo (accounts.uploads.prepare_photo), so it does not carry where and on which phone it was taken.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.refusals import Refused
from accounts.scoping import ensure_in_area
from accounts.uploads import prepare_photo

from ..models.accountability import AccountabilityAction, AccountabilityKind

MAX_NOTICE_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
RECORDING_ROLES = (Role.COUNTY_OFFICE, Role.CITY_OFFICE, Role.ADMINISTRATOR)


def can_record(user):
    return user.is_authenticated and user.has_role(*RECORDING_ROLES)


def prepare_notice(upload):
    """Return (the file to store, its extension "pdf", "jpg", "png" or "webp"): the PDF as
    sent, an image re-encoded without metadata; or raise a Chinese ValidationError."""
    if upload is None:
        raise ValidationError("请上传问责通知文书（PDF 或图片）。")
    size = getattr(upload, "size", None)
    if size == 0:
        raise ValidationError("上传的文件是空的，请重新选择通知文书。")
    if size is not None and size > MAX_NOTICE_BYTES:
        raise ValidationError("通知文书不能超过 10 MB。")
    source = getattr(upload, "file", upload)
    position = source.tell() if hasattr(source, "tell") else 0
    source.seek(0)
    head = source.read(len(PDF_MAGIC))
    source.seek(position)
    if head == PDF_MAGIC:
        return upload, "pdf"
    try:
        image = prepare_photo(upload)
    except ValidationError as error:
        raise ValidationError(
            "通知文书必须是 PDF 文件或 JPG、PNG、WebP 图片（按文件内容判断，不看扩展名）。"
        ) from error
    return image, image.evidence_extension


def record_action(organisation, *, by, kind, taken_on, reason, notice, person=""):
    """Write one action against `organisation`; refuse with a Chinese message, changing nothing."""
    if not can_record(by):
        raise PermissionDenied("只有县整治办或市整治办可以记录问责。")
    ensure_in_area(by, organisation.region.path)
    if kind not in AccountabilityKind.values:
        raise Refused("问责方式只能是提醒、约谈或通报。")
    reason = (reason or "").strip()
    if not reason:
        raise Refused("请填写问责事由。")
    if taken_on is None:
        raise Refused("请填写问责日期。")
    if taken_on > timezone.localdate():
        raise Refused("问责日期不能晚于今天。")
    person = (person or "").strip()
    person_length = AccountabilityAction._meta.get_field("person").max_length
    if len(person) > person_length:
        raise Refused(f"责任人不能超过 {person_length} 个字。", field="person")
    try:
        stored, extension = prepare_notice(notice)
    except ValidationError as error:
        raise Refused(error.messages[0]) from error
    action = AccountabilityAction(
        organisation=organisation,
        kind=kind,
        taken_on=taken_on,
        person=person,
        reason=reason,
        recorded_by=by,
    )
    action.notice_extension = extension
    with transaction.atomic():
        action.notice.save(f"notice.{extension}", stored, save=False)
        try:
            action.save()
        except BaseException:
            # The file is stored before the row; a row that is not written leaves no file.
            action.notice.delete(save=False)
            raise
    return action
