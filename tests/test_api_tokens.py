"""API tokens: only a digest is stored, a token expires a fixed QINGLING_API_TOKEN_DAYS after it
is issued (expired → 401 with a Chinese message), tokens are issued in the admin and with
`manage.py create_api_token`, and the clear-text DRF tokens of before are carried over hashed."""

import datetime
import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import ApiToken, token_digest

pytestmark = pytest.mark.django_db


def me(client, key):
    return client.get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_is_stored_as_a_digest_never_the_key(area):
    token, key = ApiToken.issue(area["users"]["county"])
    assert len(key) == 40
    stored = ApiToken.objects.values_list("prefix", "digest").get()
    assert stored == (key[:8], token_digest(key)) and key not in stored[1]
    assert token.expires_at - token.created_at == datetime.timedelta(days=30)


def test_a_valid_token_authenticates_and_a_wrong_one_answers_401_in_chinese(area, client):
    _token, key = ApiToken.issue(area["users"]["county"])
    assert me(client, key).json()["username"] == "county_a"
    response = me(client, key[:8] + "0" * 32)  # right prefix, wrong key
    assert response.status_code == 401
    assert response.json()["detail"] == "API 令牌无效，请检查或重新获取令牌。"
    assert response["WWW-Authenticate"] == "Token"


def test_an_expired_token_answers_401_saying_when_it_expired(area, client, settings):
    settings.QINGLING_API_TOKEN_DAYS = 30
    issued = timezone.now() - datetime.timedelta(days=31)
    token, key = ApiToken.issue(area["users"]["county"], now=issued)
    response = me(client, key)
    assert response.status_code == 401
    expired = timezone.localtime(token.expires_at)
    assert response.json()["detail"] == (
        f"API 令牌已于 {expired:%Y-%m-%d %H:%M} 过期，请向系统管理员重新获取令牌。"
    )


def test_the_lifetime_is_fixed_from_issue_and_set_by_the_setting(area, client, settings):
    settings.QINGLING_API_TOKEN_DAYS = 7
    token, key = ApiToken.issue(area["users"]["county"])
    assert token.expires_at - token.created_at == datetime.timedelta(days=7)
    for _ in range(3):
        assert me(client, key).status_code == 200
    assert ApiToken.objects.get().expires_at == token.expires_at  # use does not extend it


def test_a_disabled_users_token_is_refused(area, client):
    county = area["users"]["county"]
    _token, key = ApiToken.issue(county)
    county.is_active = False
    county.save(update_fields=["is_active"])
    response = me(client, key)
    assert (
        response.status_code == 401 and response.json()["detail"] == "该账号已停用，令牌不能使用。"
    )


def test_the_command_issues_a_token_and_prints_its_key_once(area, client):
    out = io.StringIO()
    call_command(
        "create_api_token", "county_a", "--name", "市平台对接", stdout=out, stderr=io.StringIO()
    )
    key = out.getvalue().strip()
    assert me(client, key).status_code == 200
    assert ApiToken.objects.get().name == "市平台对接"
    with pytest.raises(CommandError, match="没有用户"):
        call_command("create_api_token", "nobody")


def test_the_admin_issues_a_token_and_shows_its_key_once(area, client):
    client.force_login(area["users"]["admin"])
    response = client.post(
        "/admin/accounts/apitoken/add/",
        {"user": area["users"]["clerk"].pk, "name": "移动端"},
        follow=True,
    )
    assert response.status_code == 200
    (message,) = [str(m) for m in response.context["messages"] if "新令牌" in str(m)]
    key = message.split("：", 1)[1].split(" ", 1)[0]
    token = ApiToken.objects.get()
    assert token.user == area["users"]["clerk"] and token.digest == token_digest(key)
    assert key not in client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert me(client.__class__(), key).json()["username"] == area["users"]["clerk"].username


def test_clear_text_drf_tokens_are_carried_over_hashed_and_keep_working(area, client):
    """The data migration, on a legacy authtoken_token table as DRF's app left it."""
    migration = importlib.import_module("accounts.migrations.0005_api_token_hashed_expiring")
    key = "0123456789abcdef0123456789abcdef01234567"
    county = area["users"]["county"]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, "
            "user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [key, timezone.now().replace(tzinfo=None), county.pk],
        )
    # The schema editor is only asked for its connection (SQLite refuses to open one here).
    migration.hash_clear_tokens(django_apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)  # no key left in clear
    token = ApiToken.objects.get()
    assert token.user == county and token.digest == token_digest(key)
    assert me(client, key).json()["username"] == "county_a"
