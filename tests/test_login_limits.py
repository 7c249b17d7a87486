"""Failed logins are limited per account (5) and per address (20) for 15 minutes, on the login
page and the admin login, with a Chinese message saying when to retry."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from tests.factories.accounts import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多"


def log_in(client, username, password, path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    return [log_in(client, username, "wrong-password", **extra).status_code for _ in range(times)]


def signed_in(client):
    return "_auth_user_id" in client.session


def test_fifth_wrong_password_locks_the_account_and_says_when_to_retry(area, client):
    assert fail(client, "county_a", 4) == [200] * 4
    response = log_in(client, "county_a", "wrong-password")
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKED in body
    retry = re.search(r"请于 (\d\d:\d\d) 后", body).group(1)
    expected = timezone.localtime(timezone.now() + timedelta(minutes=15))
    assert retry in {
        f"{expected:%H:%M}",
        f"{expected + timedelta(minutes=1):%H:%M}",
    }
    # The login form is still on the page, in Chinese.
    assert "登录清零系统" in body


def test_the_right_password_does_not_log_in_during_the_lockout(area, client):
    fail(client, "county_a", 5)
    response = log_in(client, "county_a", TEST_PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not signed_in(client)


def test_attempts_during_the_lockout_do_not_extend_it(area, client):
    fail(client, "county_a", 5)
    before = list(AccessAttempt.objects.values_list("attempt_time", "failures_since_start"))
    fail(client, "county_a", 3)
    log_in(client, "county_a", TEST_PASSWORD)
    after = list(AccessAttempt.objects.values_list("attempt_time", "failures_since_start"))
    assert after == before


def test_the_right_password_logs_in_once_the_period_has_ended(area, client):
    fail(client, "county_a", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=5))
    response = log_in(client, "county_a", TEST_PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_the_lockout_holds_until_the_last_minute(area, client):
    fail(client, "county_a", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14, seconds=30))
    assert log_in(client, "county_a", TEST_PASSWORD).status_code == 429
    assert not signed_in(client)


def test_a_success_resets_the_accounts_count(area, client):
    fail(client, "county_a", 4)
    assert log_in(client, "county_a", TEST_PASSWORD).status_code == 302
    other = Client()
    assert fail(other, "county_a", 4) == [200] * 4
    assert log_in(other, "county_a", TEST_PASSWORD).status_code == 302


def test_other_accounts_are_not_locked_by_one_accounts_failures(area, client):
    fail(client, "county_a", 5)
    assert log_in(client, "clerk_a1", TEST_PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_lock_every_account_there(area, client):
    # Four failures each on five accounts: no account reaches its own limit.
    for username in ("clerk_a1", "clerk_a2", "head_a1", "officer_a"):
        assert fail(client, username, 4) == [200] * 4
    assert fail(client, "power_a", 3) == [200] * 3
    response = log_in(client, "power_a", "wrong-password")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert log_in(client, "county_a", TEST_PASSWORD).status_code == 429
    assert not signed_in(client)
    # Another address is not affected.
    elsewhere = Client(REMOTE_ADDR="10.9.8.7")
    assert log_in(elsewhere, "county_a", TEST_PASSWORD).status_code == 302


def test_a_success_does_not_forgive_the_addresss_failures_on_other_accounts(area, client):
    for username in ("clerk_a1", "clerk_a2", "head_a1", "officer_a"):
        fail(client, username, 4)
    fail(client, "power_a", 3)
    assert log_in(client, "county_a", TEST_PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert log_in(client, "power_a", "wrong-password").status_code == 429


def test_clients_behind_a_trusted_proxy_are_counted_apart(area, settings):
    settings.QINGLING_TRUSTED_PROXY_HOPS = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    for username in ("clerk_a1", "clerk_a2", "head_a1", "officer_a", "power_a"):
        fail(attacker, username, 4)
    assert log_in(attacker, "county_a", TEST_PASSWORD).status_code == 429
    citizen = Client(HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)
    assert log_in(citizen, "county_a", TEST_PASSWORD).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_admin_login_is_limited_with_the_chinese_message(area, client):
    for _ in range(4):
        response = log_in(client, "admin", "wrong-password", path="/admin/login/?next=/admin/")
        assert response.status_code == 200
    response = log_in(client, "admin", "wrong-password", path="/admin/login/?next=/admin/")
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKED in body and re.search(r"请于 \d\d:\d\d 后", body)
    assert 'id="login-form"' in body
    response = log_in(client, "admin", TEST_PASSWORD, path="/admin/login/?next=/admin/")
    assert response.status_code == 429
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_site_and_admin_logins_share_the_accounts_count(area, client):
    fail(client, "admin", 3)
    for _ in range(2):
        log_in(client, "admin", "wrong-password", path="/admin/login/")
    assert log_in(client, "admin", TEST_PASSWORD).status_code == 429


def test_a_locked_account_keeps_its_open_session_and_api_token(area, client):
    county = area["users"]["county"]
    _token, key = ApiToken.issue(county)
    fail(Client(), "county_a", 5)
    assert Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    client.force_login(county)
    assert client.get("/").status_code == 200
    assert client.get("/api/me/").json()["username"] == "county_a"
