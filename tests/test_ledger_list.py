"""The ledger list page: 附件1 columns, area scoping, filters, sorting, paging, fixed query count."""

import datetime

import pytest
from django.urls import reverse

from accounts.filters import EMPTY_CHOICE
from enterprises.models import EnterpriseType, Source
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db

LIST = reverse("enterprises:list")


def names_on(response):
    return [enterprise.name for enterprise, _ in response.context["rows"]]


def test_ledger_shows_the_fourteen_columns_in_seed_order(area, client_for):
    EnterpriseFactory(township=area["township_a1"], name="甲一镇宏达铸造厂")
    response = client_for(area["users"]["clerk"]).get(LIST)
    assert response.status_code == 200
    headers = [title for title, _url, _ in response.context["headers"]]
    assert headers == [
        "序号", "所在村组", "企业名称", "企业类型", "企业规模(人员等)", "原辅材料", "涉水涉气",
        "有无手续", "整治要求", "上报时间", "整治期限", "分包责任人", "完成情况(完成日期)", "备注",
    ]  # fmt: skip
    _, values = response.context["rows"][0]
    assert values[0] == 1
    assert values[2] == "甲一镇宏达铸造厂"
    assert values[3] == "小散乱污"
    assert values[7] == "不全（缺环保）"
    assert "甲一镇宏达铸造厂" in response.content.decode()


def test_each_row_links_its_name_prints_dates_and_escapes_text(area, client_for):
    enterprise = EnterpriseFactory(
        township=area["township_a1"], name="<b>宏达</b>铸造厂", remarks="备注&说明"
    )
    response = client_for(area["users"]["clerk"]).get(LIST)
    html = response.content.decode()
    detail = reverse("enterprises:detail", args=[enterprise.pk])
    assert f'<td><a href="{detail}">&lt;b&gt;宏达&lt;/b&gt;铸造厂</a></td>' in html
    assert '<td class="text-nowrap">2024-03-20</td>' in html  # 上报时间
    assert '<td class="text-nowrap"></td>' in html  # no case, so no 整治期限
    assert "<td>备注&amp;说明</td>" in html
    assert "<b>宏达</b>" not in html


def test_clerk_cannot_see_other_township_in_ledger(area, client_for):
    EnterpriseFactory(township=area["township_a1"], name="本镇企业")
    EnterpriseFactory(township=area["township_a2"], name="邻乡企业")
    EnterpriseFactory(township=area["township_b1"], name="外县企业")
    assert names_on(client_for(area["users"]["clerk"]).get(LIST)) == ["本镇企业"]


def test_county_user_sees_whole_county_only(area, client_for):
    EnterpriseFactory(township=area["township_a1"], name="本镇企业")
    EnterpriseFactory(township=area["township_a2"], name="邻乡企业")
    EnterpriseFactory(township=area["township_b1"], name="外县企业")
    names = names_on(client_for(area["users"]["county"]).get(LIST))
    assert sorted(names) == ["本镇企业", "邻乡企业"]


def test_filters_narrow_the_list(area, client_for):
    a1, a2 = area["township_a1"], area["township_a2"]
    EnterpriseFactory(
        township=a1,
        village=area["village_a1"],
        name="宏达铸造厂",
        enterprise_type=EnterpriseType.EIGHT_SMALL,
        source=Source.TIP,
        address="甲一村88号",
        credit_code="91350100M000100Y43",
    )
    EnterpriseFactory(
        township=a2, name="兴旺砖厂", is_polluting=False, reported_on=datetime.date(2025, 6, 1)
    )
    EnterpriseFactory(township=a1, name="ABC汽车修理部", reported_on=datetime.date(2024, 1, 5))
    client = client_for(area["users"]["county"])
    cases = {
        f"township={a2.code}": ["兴旺砖厂"],
        f"village={area['village_a1'].code}": ["宏达铸造厂"],
        "enterprise_type=eight_small": ["宏达铸造厂"],
        "source=tip": ["宏达铸造厂"],
        "is_polluting=false": ["兴旺砖厂"],
        "q=88号": ["宏达铸造厂"],
        "q=91350100m000": ["宏达铸造厂"],
        "q=砖厂": ["兴旺砖厂"],
        # Letters are matched whatever their case; Chinese text as it is.
        "q=abc汽车": ["ABC汽车修理部"],
        "q=汽车修理": ["ABC汽车修理部"],
        "reported_after=2025-01-01": ["兴旺砖厂"],
        "permit_status=complete": [],
    }
    for query, expected in cases.items():
        assert names_on(client.get(f"{LIST}?{query}")) == expected, query


def test_clerk_cannot_filter_for_another_township(area, client_for):
    EnterpriseFactory(township=area["township_a2"], name="邻乡企业")
    response = client_for(area["users"]["clerk"]).get(f"{LIST}?township={area['township_a2'].code}")
    assert names_on(response) == []
    assert "township" in response.context["filter"].form.errors


def test_sorting_by_name_and_reverse(area, client_for):
    for name in ["乙厂", "甲厂", "丙厂"]:
        EnterpriseFactory(township=area["township_a1"], name=name)
    client = client_for(area["users"]["clerk"])
    ascending = names_on(client.get(f"{LIST}?ordering=name"))
    descending = names_on(client.get(f"{LIST}?ordering=-name"))
    assert ascending == sorted(ascending)
    assert descending == list(reversed(ascending))


def test_pages_number_rows_continuously(area, client_for):
    EnterpriseFactory.create_batch(55, township=area["township_a1"])
    client = client_for(area["users"]["clerk"])
    first = client.get(LIST)
    second = client.get(f"{LIST}?page=2")
    assert len(first.context["rows"]) == 50
    assert [values[0] for _, values in second.context["rows"]] == [51, 52, 53, 54, 55]


def test_read_only_roles_see_no_create_button(area, client_for):
    response = client_for(area["users"]["leader"]).get(LIST)
    assert response.status_code == 200
    assert "新增企业" not in response.content.decode()
    response = client_for(area["users"]["clerk"]).get(LIST)
    assert "新增企业" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_ledger_page_runs_same_number_of_queries_at_5_and_40_rows(
    area, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    township, village = area["township_a1"], area["village_a1"]
    EnterpriseFactory.create_batch(5, township=township, village=village)
    client = client_for(area["users"]["county"])
    client.get(LIST)  # the session and caches are warm from here on
    with CaptureQueriesContext(connection) as at_five:
        response = client.get(LIST)
    assert len(response.context["rows"]) == 5
    EnterpriseFactory.create_batch(35, township=township, village=village)
    with django_assert_num_queries(len(at_five)):
        response = client.get(LIST)
    assert len(response.context["rows"]) == 40
    # Session, user, count, the page of rows and a bounded handful for the filter and case columns.
    assert len(at_five) <= 15


def test_navigation_offers_ledger_to_all_and_import_to_clerks_and_county(area, client_for):
    def labels(user):
        entries = client_for(user).get(LIST).context["nav_items"]
        return [child["label"] for entry in entries for child in entry.get("children", [entry])]

    assert {"企业台账", "导入台账"} <= set(labels(area["users"]["clerk"]))
    assert {"企业台账", "导入台账"} <= set(labels(area["users"]["county"]))
    leader = labels(area["users"]["leader"])
    assert "企业台账" in leader and "导入台账" not in leader


def test_village_filter_offers_the_chosen_townships_villages(area, client_for):
    client = client_for(area["users"]["county"])
    form = client.get(f"{LIST}?township={area['township_a2'].code}").context["filter"].form
    assert [label for _, label in form.fields["village"].widget.choices] == [EMPTY_CHOICE, "甲二村"]
    options = client.get(
        reverse("enterprises:villages"), {"township": area["township_a1"].code, "value": "code"}
    ).content.decode()
    assert f'value="{area["village_a1"].code}"' in options
