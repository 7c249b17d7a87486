"""What every field-work service shares: the refusal type and the role rules."""

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.refusals import Refused
from accounts.uploads import prepare_photo


def prepare_photos(photos, *, limit, too_many):
    """Check a batch of uploaded photos before anything is written; refuse the batch in Chinese.
    Returns the photos to store: re-encoded without metadata, each with its `.facts`."""
    photos = list(photos)
    if len(photos) > limit:
        raise Refused(too_many, field="photos")
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(prepare_photo(photo))
        except ValidationError as error:
            raise Refused(f"照片“{photo.name}”：{error.messages[0]}", field="photos") from error
    return cleaned


# Who records inspections: everyone working in the field. Bureau leaders only read.
INSPECTOR_ROLES = (
    Role.TOWNSHIP_CLERK,
    Role.TOWNSHIP_HEAD,
    Role.DEPARTMENT_OFFICER,
    Role.COUNTY_OFFICE,
    Role.CITY_OFFICE,
    Role.ADMINISTRATOR,
)
# 督导抽查 is supervision from above: the county (or city) checks the townships.
SUPERVISOR_ROLES = (Role.COUNTY_OFFICE, Role.CITY_OFFICE, Role.ADMINISTRATOR)
# Staff who take tips in: the county office and the departments answering the 12369 hotline.
TIP_INTAKE_ROLES = (
    Role.DEPARTMENT_OFFICER,
    Role.COUNTY_OFFICE,
    Role.CITY_OFFICE,
    Role.ADMINISTRATOR,
)
# Who assigns tips and publishes their outcome: the county office.
TIP_OFFICE_ROLES = (Role.COUNTY_OFFICE, Role.ADMINISTRATOR)
# Who confirms a transferred problem done: the township it went to, or the supervisor.
TRANSFER_PROGRESS_ROLES = (
    Role.TOWNSHIP_CLERK,
    Role.TOWNSHIP_HEAD,
    Role.COUNTY_OFFICE,
    Role.CITY_OFFICE,
    Role.ADMINISTRATOR,
)


def require_role(user, roles, message):
    if not (user and user.is_authenticated and user.has_role(*roles)):
        raise PermissionDenied(message)


def can(user, roles):
    return bool(user and user.is_authenticated and user.has_role(*roles))


def acting_organisation(user):
    """The organisation on whose behalf the user acts; administrators act for none."""
    if user.organisation_id:
        return user.organisation
    raise Refused("您的账号没有所属单位，不能以单位名义录入。请联系管理员。")
