"""Every user changes their own password from the user menu: the current one, then the new one
twice, with Chinese messages; the session stays, other sessions and the old password end."""

import pytest
from django.test import Client

from tests.factories.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qingling-2026-new"
URL = "/accounts/password/"


def change(client, old, new1, new2=None):
    return client.post(
        URL,
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
    )


def logs_in(username, password):
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


@pytest.mark.parametrize(
    "role",
    ["clerk", "head", "officer", "county", "leader", "city", "admin"],
)
def test_every_role_finds_the_link_and_the_chinese_form(area, client_for, role):
    client = client_for(area["users"][role])
    home = client.get("/").content.decode()
    assert 'id="password-change-link"' in home and "修改密码" in home
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    for label in ("当前密码", "新密码", "再次输入新密码", "确认修改"):
        assert label in body


def test_the_new_password_logs_in_and_the_old_one_no_longer_does(area, client_for):
    user = area["users"]["clerk"]
    client = client_for(user)
    response = change(client, TEST_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    # This session is kept.
    assert client.get("/").status_code == 200
    assert logs_in(user.username, NEW_PASSWORD)
    assert not logs_in(user.username, TEST_PASSWORD)


def test_other_sessions_of_the_user_end_with_the_change(area):
    user = area["users"]["county"]
    other_device, this_device = Client(), Client()
    other_device.force_login(user)
    this_device.force_login(user)
    assert change(this_device, TEST_PASSWORD, NEW_PASSWORD).status_code == 302
    assert this_device.get("/").status_code == 200
    assert other_device.get("/").status_code == 302


def test_a_wrong_current_password_changes_nothing(area, client_for):
    user = area["users"]["clerk"]
    response = change(client_for(user), "not-my-password", NEW_PASSWORD)
    assert response.status_code == 200
    assert "当前密码不正确" in response.content.decode()
    assert logs_in(user.username, TEST_PASSWORD)


def test_two_different_new_passwords_change_nothing(area, client_for):
    user = area["users"]["clerk"]
    response = change(client_for(user), TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert response.status_code == 200
    assert "两次输入的新密码不一致" in response.content.decode()
    assert logs_in(user.username, TEST_PASSWORD)


@pytest.mark.parametrize("weak", ["12345678", "abc", "password"])
def test_a_weak_new_password_is_refused_in_chinese(area, client_for, weak):
    user = area["users"]["clerk"]
    response = change(client_for(user), TEST_PASSWORD, weak)
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert errors and all(any("\u4e00" <= ch <= "\u9fff" for ch in e) for e in errors)
    assert logs_in(user.username, TEST_PASSWORD)


def test_signing_in_is_needed_to_change_a_password(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
