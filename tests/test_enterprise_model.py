"""The enterprise row: area path, derived 有无手续, credit-code checksum and uniqueness."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from enterprises.credit_code import check_character, is_valid_credit_code, validate_credit_code
from enterprises.models import Enterprise, PermitStatus
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db

VALID_CODE = "91350100M000100Y43"


def test_region_path_follows_village_or_township(area):
    in_village = EnterpriseFactory(township=area["township_a1"], village=area["village_a1"])
    in_township = EnterpriseFactory(township=area["township_a2"])
    assert in_village.region_path == area["village_a1"].path
    assert in_township.region_path == area["township_a2"].path


def test_clerk_sees_only_own_township_enterprises(area):
    own = EnterpriseFactory(township=area["township_a1"])
    EnterpriseFactory(township=area["township_a2"])
    EnterpriseFactory(township=area["township_b1"])
    assert list(Enterprise.objects.visible_to(area["users"]["clerk"])) == [own]
    assert Enterprise.objects.visible_to(area["users"]["county"]).count() == 2
    assert Enterprise.objects.visible_to(area["users"]["city"]).count() == 3


@pytest.mark.parametrize(
    ("permits", "status"),
    [
        ({}, PermitStatus.NONE),
        ({"environment": False, "industry": False}, PermitStatus.NONE),
        ({"environment": True, "industry": False}, PermitStatus.PARTIAL),
        ({"environment": True, "business_licence": True}, PermitStatus.COMPLETE),
    ],
)
def test_permit_status_is_derived_from_permits(area, permits, status):
    enterprise = EnterpriseFactory(township=area["township_a1"], permits=permits)
    assert enterprise.permit_status == status


def test_credit_code_checksum():
    assert is_valid_credit_code(VALID_CODE)
    assert check_character(VALID_CODE[:17]) == VALID_CODE[17]
    assert not is_valid_credit_code(VALID_CODE[:17] + "4")
    with pytest.raises(ValidationError, match="校验位"):
        validate_credit_code(VALID_CODE[:17] + "4")
    with pytest.raises(ValidationError, match="18 位"):
        validate_credit_code("12345")
    with pytest.raises(ValidationError, match="不允许的字符"):
        validate_credit_code("91350100M000100I43")


def test_credit_code_unique_where_present(area):
    EnterpriseFactory(township=area["township_a1"], credit_code=VALID_CODE)
    EnterpriseFactory(township=area["township_a1"], credit_code="")
    EnterpriseFactory(township=area["township_a2"], credit_code="")
    with pytest.raises(IntegrityError):
        EnterpriseFactory(township=area["township_b1"], credit_code=VALID_CODE)


def test_changes_are_recorded_in_history(area):
    enterprise = EnterpriseFactory(township=area["township_a1"], name="旧名称")
    enterprise.name = "新名称"
    enterprise.save()
    names = list(enterprise.history.order_by("history_date").values_list("name", flat=True))
    assert names == ["旧名称", "新名称"]
