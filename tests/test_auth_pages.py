"""Signing in and out in Chinese, the home page and navigation by role, admin for administrators."""

import pytest

from tests.factories.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "登录清零系统" in body
    assert 'lang="zh-CN"' in body


def test_wrong_password_gets_a_chinese_message_and_no_session(area, client):
    response = client.post("/accounts/login/", {"username": "clerk_a1", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_then_home_shows_name_role_and_area(area, client):
    response = client.post("/accounts/login/", {"username": "clerk_a1", "password": TEST_PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    body = home.content.decode()
    assert "乡镇填报员" in body
    assert "甲一镇" in body


def test_logout_is_a_post_and_ends_the_session(area, client_for):
    client = client_for(area["users"]["clerk"])
    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    assert "您已安全退出" in response.content.decode()
    assert client.get("/").status_code == 302


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admin_link_only_for_administrators(area, client_for):
    clerk_page = client_for(area["users"]["clerk"]).get("/").content.decode()
    assert "管理后台" not in clerk_page
    admin_page = client_for(area["users"]["admin"]).get("/").content.decode()
    assert "管理后台" in admin_page


def test_admin_site_refuses_non_staff(area, client_for):
    response = client_for(area["users"]["county"]).get("/admin/")
    assert response.status_code == 302
    assert client_for(area["users"]["admin"]).get("/admin/").status_code == 200


def test_unknown_page_answers_chinese_404(area, client_for):
    response = client_for(area["users"]["clerk"]).get("/accounts/regions/000000000000/")
    assert response.status_code == 404


def test_api_me_reports_role_and_organisation(area, client_for):
    data = client_for(area["users"]["officer"]).get("/api/me/").json()
    assert data["role"] == "department_officer"
    assert data["organisation"]["department"] == "ecology_environment"


def test_api_token_authentication_works(area, client):
    from accounts.models import ApiToken

    _token, key = ApiToken.issue(area["users"]["county"])
    response = client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["username"] == "county_a"


def test_openapi_schema_and_docs_are_served(area, client_for):
    client = client_for(area["users"]["county"])
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/regions/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content


def test_navigation_groups_each_apps_pages_into_one_menu(area, client_for):
    entries = client_for(area["users"]["county"]).get("/").context["nav_items"]
    menus = {
        entry["label"]: [c["label"] for c in entry["children"]]
        for entry in entries
        if "children" in entry
    }
    assert "台账" in menus and "企业台账" in menus["台账"]
    assert "整治" in menus and "整治案件" in menus["整治"]
    singles = [entry["label"] for entry in entries if "children" not in entry]
    assert singles[0] == "首页"
