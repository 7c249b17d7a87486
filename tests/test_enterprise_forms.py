"""Entering and correcting a ledger row in the browser forms: grouping, messages, scoping, roles."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise, PermitStatus
from tests.factories.enterprises import EnterpriseFactory, credit_code, form_data

pytestmark = pytest.mark.django_db

CREATE = reverse("enterprises:create")


def test_clerk_creates_enterprise_for_own_township(area, client_for):
    clerk = area["users"]["clerk"]
    response = client_for(clerk).post(
        CREATE, form_data(area["township_a1"], village=area["village_a1"].pk)
    )
    enterprise = Enterprise.objects.get(name="宏达铸造厂")
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:detail", args=[enterprise.pk])
    assert enterprise.township == area["township_a1"]
    assert enterprise.village == area["village_a1"]
    assert enterprise.region_path == area["village_a1"].path
    assert enterprise.permits == {"environment": False, "business_licence": True}
    assert enterprise.permit_status == PermitStatus.PARTIAL
    assert enterprise.created_by == clerk
    assert enterprise.history.get().history_user == clerk


def test_form_is_grouped_like_the_paper_ledger(area, client_for):
    response = client_for(area["users"]["clerk"]).get(CREATE)
    page = response.content.decode()
    sections = ["所在位置", "企业基本情况", "类型与规模", "“散乱污”问题", "有无手续", "上报与责任"]
    positions = [page.index(title) for title in sections]
    assert positions == sorted(positions)
    assert 'name="viewport"' in page


def test_clerk_township_is_fixed_to_their_own(area, client_for):
    # A tampered POST naming another township still saves into the clerk's own township.
    client_for(area["users"]["clerk"]).post(CREATE, form_data(area["township_a2"]))
    assert Enterprise.objects.get().township == area["township_a1"]


def test_county_user_chooses_among_county_townships_only(area, client_for):
    client = client_for(area["users"]["county"])
    response = client.post(CREATE, form_data(area["township_b1"]))
    assert response.status_code == 400
    assert "所选乡镇不在您的管辖范围内" in response.content.decode()
    assert not Enterprise.objects.exists()
    response = client.post(CREATE, form_data(area["township_a2"]))
    assert response.status_code == 302
    assert Enterprise.objects.get().township == area["township_a2"]


def test_village_must_belong_to_the_township(area, client_for):
    response = client_for(area["users"]["clerk"]).post(
        CREATE, form_data(area["township_a1"], village=area["village_a2"].pk)
    )
    assert response.status_code == 400
    assert "所选村不属于所选乡镇" in response.content.decode()
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "请填写企业名称"),
        ({"enterprise_type": ""}, "请选择企业类型"),
        ({"reported_on": ""}, "请填写上报时间"),
        ({"reported_on": "2024-02-30"}, "上报时间格式不正确"),
        ({"credit_code": "91350100M000100Y44"}, "校验位不正确"),
        ({"credit_code": "12345"}, "应为 18 位"),
        ({"latitude": "45.1"}, "经度和纬度要么都填"),
        ({"latitude": "95", "longitude": "130"}, "90"),
    ],
)
def test_bad_input_gets_chinese_message_and_saves_nothing(area, client_for, overrides, message):
    response = client_for(area["users"]["clerk"]).post(
        CREATE, form_data(area["township_a1"], **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Enterprise.objects.exists()


def test_full_width_credit_code_and_spaces_are_tidied(area, client_for):
    code = credit_code(7)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    client_for(area["users"]["clerk"]).post(
        CREATE, form_data(area["township_a1"], credit_code=f" {full_width} ", name=" 宏达　铸造厂 ")
    )
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == code
    assert enterprise.name == "宏达 铸造厂"


def test_clerk_cannot_open_or_edit_other_township_row(area, client_for):
    other = EnterpriseFactory(township=area["township_a2"], name="邻乡企业")
    client = client_for(area["users"]["clerk"])
    assert client.get(reverse("enterprises:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("enterprises:edit", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("enterprises:edit", args=[other.pk]), form_data(area["township_a2"], name="改名")
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "邻乡企业"


@pytest.mark.parametrize("role", ["leader", "officer", "city"])
def test_read_only_roles_cannot_create_or_edit(area, client_for, role):
    enterprise = EnterpriseFactory(township=area["township_a1"], name="原名")
    client = client_for(area["users"][role])
    assert client.get(CREATE).status_code == 403
    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        form_data(area["township_a1"], name="改名"),
    )
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.name == "原名"


def test_edit_records_old_and_new_in_history(area, client_for):
    clerk = area["users"]["clerk"]
    client = client_for(clerk)
    client.post(CREATE, form_data(area["township_a1"]))
    enterprise = Enterprise.objects.get()
    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        form_data(
            area["township_a1"],
            raw_materials="废钢、焦炭",
            permit_environment="held",
            version=enterprise.updated_at.isoformat(),
        ),
    )
    assert response.status_code == 302
    detail = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    history = detail.context["history"]
    assert [entry["action"] for entry in history] == ["修改", "录入"]
    assert history[0]["who"] == clerk.display_name
    changes = {label: (old, new) for label, old, new in history[0]["changes"]}
    assert changes["原辅材料"] == ("废钢", "废钢、焦炭")
    assert changes["有无手续"] == ("不全", "有")
    assert changes["各部门手续"] == (
        "环保无、市场/工商（营业执照）有",
        "环保有、市场/工商（营业执照）有",
    )
    page = detail.content.decode()
    assert "废钢 → 废钢、焦炭" in page


def test_edit_from_a_stale_page_is_refused(area, client_for):
    enterprise = EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    stale_version = enterprise.updated_at.isoformat()
    enterprise.remarks = "别人刚改过"
    enterprise.save()
    response = client_for(area["users"]["clerk"]).post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        form_data(area["township_a1"], remarks="我的修改", version=stale_version),
    )
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.remarks == "别人刚改过"


def test_village_options_follow_the_chosen_township(area, client_for):
    client = client_for(area["users"]["county"])
    url = reverse("enterprises:villages")
    response = client.get(url, {"township": area["township_a2"].pk})
    assert "甲二村" in response.content.decode()
    assert "甲一村" not in response.content.decode()
    response = client.get(url, {"township": area["township_b1"].pk})
    assert "乙一村" not in response.content.decode()


def test_detail_page_shows_every_field_and_registered_links(area, client_for, monkeypatch):
    from enterprises import ledger

    enterprise = EnterpriseFactory(
        township=area["township_a1"],
        name="宏达铸造厂",
        operator="王老板",
        credit_code=credit_code(3),
    )
    monkeypatch.setattr(ledger, "_detail_link_functions", [])
    ledger.register_detail_links(lambda e, user: [("整治案件", f"/cases/for/{e.pk}/")])
    response = client_for(area["users"]["clerk"]).get(
        reverse("enterprises:detail", args=[enterprise.pk])
    )
    page = response.content.decode()
    for text in [
        "宏达铸造厂",
        "王老板",
        credit_code(3),
        "甲一镇",
        "整治案件",
        f"/cases/for/{enterprise.pk}/",
    ]:
        assert text in page


def test_form_is_reusable_with_a_prefix_by_other_apps(area):
    from enterprises.forms import EnterpriseForm
    from enterprises.services import create_enterprise

    county = area["users"]["county"]
    data = {f"new-{key}": value for key, value in form_data(area["township_a2"]).items()}
    form = EnterpriseForm(data, prefix="new", user=county)
    assert form.is_valid(), form.errors
    assert 'hx-target="#id_new-village"' in str(form["township"])
    enterprise = create_enterprise(form.enterprise_data(), by=county)
    assert enterprise.township == area["township_a2"]
    assert enterprise.permits == {"environment": False, "business_licence": True}
