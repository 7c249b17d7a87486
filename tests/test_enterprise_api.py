"""/api/enterprises/: the same questions as the ledger page, the same scoping and rules."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import ApiToken
from enterprises.models import Enterprise
from tests.factories.enterprises import EnterpriseFactory, credit_code

pytestmark = pytest.mark.django_db

URL = "/api/enterprises/"


def payload(area, **overrides):
    data = {
        "township": area["township_a1"].code,
        "village": area["village_a1"].code,
        "village_group": "甲一村三组",
        "name": "宏达铸造厂",
        "enterprise_type": "small_scattered",
        "industry": "foundry",
        "scale": "约12人",
        "employee_count": 12,
        "involves_air": True,
        "is_polluting": True,
        "permits": {"environment": False, "business_licence": True},
        "reported_on": "2024-03-15",
        "responsible_person": "王分包",
    }
    data.update(overrides)
    return data


def test_list_is_scoped_and_carries_the_ledger_columns(area, api_for):
    EnterpriseFactory(township=area["township_a1"], name="本镇企业")
    EnterpriseFactory(township=area["township_a2"], name="邻乡企业")
    response = api_for(area["users"]["clerk"]).get(URL)
    assert response.status_code == 200
    assert response.data["count"] == 1
    (item,) = response.data["results"]
    assert item["name"] == "本镇企业"
    assert item["township"] == area["township_a1"].code
    assert item["permit_status_display"] == "不全"
    assert item["requirement"] == "" and item["deadline"] is None and item["completion"] == ""


def test_api_filters_are_the_pages_filters(area, api_for):
    EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂", source="tip")
    EnterpriseFactory(township=area["township_a2"], name="兴旺砖厂", enterprise_type="eight_small")
    client = api_for(area["users"]["county"])
    names = lambda query: [i["name"] for i in client.get(f"{URL}?{query}").data["results"]]  # noqa: E731
    assert names(f"township={area['township_a2'].code}") == ["兴旺砖厂"]
    assert names("enterprise_type=eight_small") == ["兴旺砖厂"]
    assert names("source=tip") == ["宏达铸造厂"]
    assert names("q=铸造") == ["宏达铸造厂"]
    assert names("ordering=-name") == sorted(["宏达铸造厂", "兴旺砖厂"], reverse=True)


def test_retrieve_outside_area_is_404(area, api_for):
    other = EnterpriseFactory(township=area["township_b1"])
    assert api_for(area["users"]["clerk"]).get(f"{URL}{other.pk}/").status_code == 404
    assert api_for(area["users"]["county"]).get(f"{URL}{other.pk}/").status_code == 404
    assert api_for(area["users"]["city"]).get(f"{URL}{other.pk}/").status_code == 200


def test_clerk_creates_through_the_api_with_history(area, api_for):
    clerk = area["users"]["clerk"]
    response = api_for(clerk).post(URL, payload(area), format="json")
    assert response.status_code == 201, response.data
    enterprise = Enterprise.objects.get(pk=response.data["id"])
    assert enterprise.village == area["village_a1"]
    assert enterprise.permit_status == "partial"
    assert enterprise.history.get().history_user == clerk


def test_clerk_may_leave_out_own_township(area, api_for):
    data = payload(area)
    del data["township"], data["village"]
    response = api_for(area["users"]["clerk"]).post(URL, data, format="json")
    assert response.status_code == 201, response.data
    assert Enterprise.objects.get().township == area["township_a1"]


def test_creating_in_another_township_is_404_and_saves_nothing(area, api_for):
    response = api_for(area["users"]["clerk"]).post(
        URL, payload(area, township=area["township_a2"].code, village=None), format="json"
    )
    assert response.status_code == 404
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "不能为空"),
        ({"credit_code": "91350100M000100Y44"}, "credit_code", "校验位不正确"),
        ({"reported_on": "2024-02-30"}, "reported_on", ""),
        ({"permits": {"spaceship": True}}, "permits", "未知的手续部门"),
        ({"permits": {"environment": "有"}}, "permits", "只能是 true"),
        ({"village": "110101101201"}, "village", "不属于"),
        ({"enterprise_type": "big"}, "enterprise_type", ""),
    ],
)
def test_bad_api_input_is_400_with_message_and_saves_nothing(
    area, api_for, overrides, field, message
):
    response = api_for(area["users"]["clerk"]).post(URL, payload(area, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.data
    assert message in str(response.data[field])
    assert not Enterprise.objects.exists()


def test_duplicate_credit_code_is_refused_with_the_existing_row(area, api_for):
    existing = EnterpriseFactory(township=area["township_a1"], credit_code=credit_code(4))
    response = api_for(area["users"]["clerk"]).post(
        URL, payload(area, credit_code=credit_code(4), name="新名字"), format="json"
    )
    assert response.status_code == 400
    assert "已登记为" in response.data["credit_code"][0]
    assert response.data["existing"]["id"] == existing.pk


def test_similar_name_needs_confirm_similar(area, api_for):
    EnterpriseFactory(township=area["township_a1"], name="宏达铸造有限公司")
    client = api_for(area["users"]["clerk"])
    response = client.post(URL, payload(area), format="json")
    assert response.status_code == 400
    assert response.data["similar"][0]["name"] == "宏达铸造有限公司"
    response = client.post(URL, payload(area, confirm_similar=True), format="json")
    assert response.status_code == 201


def test_update_and_partial_update_go_through_the_rules(area, api_for):
    enterprise = EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    client = api_for(area["users"]["clerk"])
    version = client.get(f"{URL}{enterprise.pk}/").data["updated_at"]
    response = client.patch(
        f"{URL}{enterprise.pk}/", {"remarks": "已复核", "version": version}, format="json"
    )
    assert response.status_code == 200, response.data
    enterprise.refresh_from_db()
    assert enterprise.remarks == "已复核"
    response = client.patch(
        f"{URL}{enterprise.pk}/",
        {"remarks": "旧页面的修改", "version": "2000-01-01T00:00:00+00:00"},
        format="json",
    )
    assert response.status_code == 409
    assert "已被他人修改" in str(response.data)
    history = client.get(f"{URL}{enterprise.pk}/history/").data
    assert history[0]["action"] == "修改"
    assert {"field": "备注", "old": "（空）", "new": "已复核"} in history[0]["changes"]


def test_read_only_roles_cannot_write(area, api_for):
    enterprise = EnterpriseFactory(township=area["township_a1"], name="原名")
    client = api_for(area["users"]["leader"])
    assert client.post(URL, payload(area), format="json").status_code == 403
    assert (
        client.patch(f"{URL}{enterprise.pk}/", {"name": "改名"}, format="json").status_code == 403
    )
    enterprise.refresh_from_db()
    assert enterprise.name == "原名"


def test_no_delete_through_the_api(area, api_for):
    enterprise = EnterpriseFactory(township=area["township_a1"])
    assert api_for(area["users"]["county"]).delete(f"{URL}{enterprise.pk}/").status_code == 405
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_token_authentication_works_and_anonymous_is_refused(area):
    EnterpriseFactory(township=area["township_a1"])
    _token, key = ApiToken.issue(area["users"]["clerk"])
    client = APIClient()
    assert client.get(URL).status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(URL).data["count"] == 1


def test_schema_documents_the_enterprise_endpoints(area, api_for):
    response = api_for(area["users"]["clerk"]).get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json() if hasattr(response, "json") else response.data
    assert "/api/enterprises/" in schema["paths"]
    assert "/api/enterprises/{id}/history/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/enterprises/"]["get"]["parameters"]}
    assert {"township", "village", "q", "ordering", "permit_status", "page"} <= parameters


def test_list_runs_same_number_of_queries_at_5_and_40_rows(
    area, api_for, django_assert_num_queries
):
    township, village = area["township_a1"], area["village_a1"]
    client = api_for(area["users"]["county"])
    EnterpriseFactory.create_batch(5, township=township, village=village)
    client.get(URL)
    with CaptureQueriesContext(connection) as at_five:
        response = client.get(URL)
    assert response.data["count"] == 5
    EnterpriseFactory.create_batch(35, township=township, village=village)
    with django_assert_num_queries(len(at_five)):
        response = client.get(URL)
    assert len(response.data["results"]) == 40
    assert len(at_five) <= 6


def test_a_patch_sending_back_the_version_it_read_is_saved_whatever_its_offset(area, api_for):
    enterprise = EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    client = api_for(area["users"]["clerk"])
    version = client.get(f"{URL}{enterprise.pk}/").data["updated_at"]
    assert version.endswith("+08:00")  # the API speaks local time; the row keeps UTC
    response = client.patch(
        f"{URL}{enterprise.pk}/", {"remarks": "第一次", "version": version}, format="json"
    )
    assert response.status_code == 200, response.data
    enterprise.refresh_from_db()
    assert enterprise.remarks == "第一次"


def test_of_two_patches_from_the_same_read_the_second_is_refused_not_lost(area, api_for):
    enterprise = EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    first, second = api_for(area["users"]["clerk"]), api_for(area["users"]["head"])
    version = first.get(f"{URL}{enterprise.pk}/").data["updated_at"]
    assert (
        first.patch(
            f"{URL}{enterprise.pk}/", {"remarks": "甲的修改", "version": version}, format="json"
        ).status_code
        == 200
    )
    response = second.patch(
        f"{URL}{enterprise.pk}/", {"remarks": "乙的修改", "version": version}, format="json"
    )
    assert response.status_code == 409
    assert (
        response.data["detail"]
        == "这条记录在您打开后已被他人修改，请刷新页面查看最新内容后再修改。"
    )
    enterprise.refresh_from_db()
    assert enterprise.remarks == "甲的修改"


def test_a_patch_without_a_version_is_refused_with_409_and_changes_nothing(area, api_for):
    enterprise = EnterpriseFactory(township=area["township_a1"], name="宏达铸造厂")
    client = api_for(area["users"]["clerk"])
    response = client.patch(f"{URL}{enterprise.pk}/", {"remarks": "没带版本"}, format="json")
    assert response.status_code == 409
    assert "须附上读取时的版本 version" in response.data["detail"]
    assert response.data["version"] == [response.data["detail"]]
    enterprise.refresh_from_db()
    assert enterprise.remarks == ""
