"""The duplicate guard: a credit code already on the ledger anywhere refuses the save; a very
similar name or address in the same township warns and saves only once the user confirms."""

import pytest
from django.urls import reverse

from enterprises import services
from enterprises.duplicates import name_core, names_similar
from enterprises.models import Enterprise
from tests.factories.enterprises import EnterpriseFactory, credit_code, form_data

pytestmark = pytest.mark.django_db

CREATE = reverse("enterprises:create")


def test_same_credit_code_in_own_area_is_refused_with_link(area, client_for):
    existing = EnterpriseFactory(
        township=area["township_a1"], name="宏达铸造厂", credit_code=credit_code(1)
    )
    response = client_for(area["users"]["clerk"]).post(
        CREATE, form_data(area["township_a1"], name="另一个名字", credit_code=credit_code(1))
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "已登记为“宏达铸造厂”" in page
    assert reverse("enterprises:detail", args=[existing.pk]) in page
    assert Enterprise.objects.count() == 1


def test_same_credit_code_outside_area_names_neither_enterprise_nor_township(area, client_for):
    existing = EnterpriseFactory(
        township=area["township_b1"], name="外县铸造厂", credit_code=credit_code(2)
    )
    response = client_for(area["users"]["clerk"]).post(
        CREATE, form_data(area["township_a1"], name="新企业", credit_code=credit_code(2))
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "已由其他辖区登记" in page
    assert "外县铸造厂" not in page
    assert "乙一镇" not in page
    assert reverse("enterprises:detail", args=[existing.pk]) not in page
    assert Enterprise.objects.count() == 1


def test_editing_to_an_existing_credit_code_is_refused(area):
    EnterpriseFactory(township=area["township_a1"], credit_code=credit_code(1))
    other = EnterpriseFactory(township=area["township_a1"], name="别家")
    with pytest.raises(services.DuplicateCreditCode):
        services.update_enterprise(
            other, {"credit_code": credit_code(1)}, by=area["users"]["clerk"]
        )
    other.refresh_from_db()
    assert other.credit_code == ""


def test_similar_name_in_same_township_warns_then_saves_when_confirmed(area, client_for):
    EnterpriseFactory(township=area["township_a1"], name="甲一镇宏达铸造厂")
    client = client_for(area["users"]["clerk"])
    data = form_data(area["township_a1"], name="宏达铸造有限公司")
    response = client.post(CREATE, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "名称或地址非常相近" in page
    assert "仍然保存" in page
    assert Enterprise.objects.count() == 1
    response = client.post(CREATE, {**data, "confirm_similar": "on"})
    assert response.status_code == 302
    assert Enterprise.objects.count() == 2


def test_similar_address_in_same_township_warns(area):
    EnterpriseFactory(
        township=area["township_a1"], name="张三家庭作坊", address="甲一村东街18号院内"
    )
    with pytest.raises(services.SimilarEnterprisesFound) as refusal:
        services.create_enterprise(
            {
                **base_data(area),
                "name": "完全不同的名字",
                "address": "甲一村东街 18号 院内",
            },
            by=area["users"]["clerk"],
        )
    assert refusal.value.similar[0][1] == "地址相近"


def test_similar_name_in_another_township_does_not_warn(area):
    EnterpriseFactory(township=area["township_a2"], name="宏达铸造厂")
    enterprise = services.create_enterprise(
        {**base_data(area), "name": "宏达铸造厂"}, by=area["users"]["county"]
    )
    assert enterprise.pk


def test_editing_other_fields_does_not_warn_again(area):
    EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    twin = services.create_enterprise(
        {**base_data(area), "name": "宏达铸造有限公司"},
        by=area["users"]["clerk"],
        confirm_similar=True,
    )
    updated = services.update_enterprise(twin, {"remarks": "复核"}, by=area["users"]["clerk"])
    assert updated.remarks == "复核"


@pytest.mark.parametrize(
    ("first", "second", "similar"),
    [
        ("宏达铸造厂", "宏达铸造有限公司", True),
        ("甲一镇宏达铸造厂", "宏达铸造厂", True),
        ("宏达 铸造厂", "宏达铸造厂", True),
        ("宏达精密铸造厂", "宏达精蜜铸造厂", True),
        ("宏达铸造厂", "兴旺砖厂", False),
        ("李记汽修", "王记汽修", False),
    ],
)
def test_what_counts_as_very_similar_names(first, second, similar):
    places = ["甲一镇"]
    assert names_similar(name_core(first, places), name_core(second, places)) is similar


def base_data(area):
    import datetime

    return {
        "township": area["township_a1"],
        "name": "测试",
        "enterprise_type": "small_scattered",
        "reported_on": datetime.date(2024, 3, 15),
    }
