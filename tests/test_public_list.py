"""/public/ (公示): no login, one county's enterprises, no personal data, paginated, fixed queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.reporting import enterprises


def test_the_public_list_needs_no_login_and_offers_every_county(client, area):
    response = client.get("/public/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "甲县" in page and "乙县" in page
    assert "请选择县" in page


def test_the_public_list_shows_the_chosen_countys_enterprises_only(client, area):
    enterprises(area["township_a1"], 1, name="甲一镇宏达铸造厂")
    enterprises(area["township_b1"], 1, name="乙一镇别的厂")
    page = client.get("/public/?county=110101000000").content.decode()
    assert "甲一镇宏达铸造厂" in page and "甲一镇" in page and "铸造" in page
    assert "乙一镇别的厂" not in page


def test_the_public_list_shows_no_personal_data(client, area):
    enterprises(
        area["township_a1"],
        1,
        name="某某加工厂",
        operator="张三丰",
        phone="13900001111",
        responsible_person="李分包",
        address="某路18号张三家后院",
    )
    page = client.get("/public/?county=110101000000").content.decode()
    assert "某某加工厂" in page
    for private in ("张三丰", "13900001111", "李分包", "张三家后院"):
        assert private not in page


def test_the_public_list_is_paginated_with_a_fixed_number_of_queries(
    client, area, django_assert_num_queries
):
    enterprises(area["township_a1"], 3)
    with CaptureQueriesContext(connection) as small:
        client.get("/public/?county=110101000000")
    enterprises(area["township_a1"], 60)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get("/public/?county=110101000000").content.decode()
    assert "共 63 家" in page and "第 1 / 2 页" in page
    second = client.get("/public/?county=110101000000&page=2").content.decode()
    assert "<td>63</td>" in second


def test_an_unknown_county_shows_the_chooser(client, area):
    page = client.get("/public/?county=999").content.decode()
    assert "请选择县（市、区）查看公示名单" in page


def test_the_public_list_narrows_to_one_township(client, area):
    enterprises(area["township_a1"], 1, name="甲一镇的厂")
    enterprises(area["township_a2"], 1, name="甲二乡的厂")
    page = client.get("/public/?county=110101000000&township=110101101000").content.decode()
    assert "甲二乡的厂" in page and "甲一镇的厂" not in page
    assert "甲二乡列入整治的企业共 1 家" in page


def test_the_public_list_shows_each_cases_requirement_deadline_and_progress(client, area):
    from tests.factories.rectification import determined_case

    case = determined_case(area)
    page = client.get("/public/?county=110101000000").content.decode()
    assert case.enterprise.name in page
    assert "限期拆除" in page
    assert case.deadline.isoformat() in page
    assert "正在拆除" in page
    assert "王分包" not in page  # the responsible person is not published
