"""The public tip form is throttled per client as the trusted front proxy reports it, and only
accepted tips use up the allowance (5 an hour)."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from accounts.clients import client_address
from accounts.refusals import Refused
from inspections.models import Tip
from tests.factories.inspections import tip_data

pytestmark = pytest.mark.django_db

THROTTLED = "提交过于频繁"
PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def five_an_hour(settings):
    settings.QINGLING_TIP_FILE_RATE = (5, 3600)
    cache.clear()
    yield
    cache.clear()


def file(client, area, **overrides):
    return client.post("/tips/", tip_data(area, **overrides))


def behind_proxy(forwarded_for):
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_forms_sent_back_for_correction_do_not_use_up_the_allowance(area):
    client = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(4):
        response = file(client, area, content="")
        assert response.status_code == 200
        assert THROTTLED not in response.content.decode()
    assert [file(client, area).status_code for _ in range(5)] == [302] * 5
    response = file(client, area)
    assert response.status_code == 429
    body = response.content.decode()
    assert THROTTLED in body and "每小时最多提交 5 条" in body
    assert Tip.objects.count() == 5


def test_a_spent_allowance_answers_429_even_to_an_invalid_form(area):
    client = Client(REMOTE_ADDR="192.0.2.11")
    for _ in range(5):
        file(client, area)
    response = file(client, area, content="")
    assert response.status_code == 429
    assert THROTTLED in response.content.decode()


def test_a_tip_the_service_refuses_gives_its_allowance_back(area, monkeypatch):
    client = Client(REMOTE_ADDR="192.0.2.12")
    import inspections.views.public as public

    real_file_tip = public.file_tip

    def refuse(**kwargs):
        raise Refused("请写明举报内容（至少 5 个字）。", field="content")

    monkeypatch.setattr(public, "file_tip", refuse)
    for _ in range(3):
        response = file(client, area)
        assert response.status_code == 200
        assert "至少 5 个字" in response.content.decode()
    monkeypatch.setattr(public, "file_tip", real_file_tip)
    assert [file(client, area).status_code for _ in range(5)] == [302] * 5
    assert file(client, area).status_code == 429


def test_two_clients_behind_the_same_proxy_are_counted_apart(area, settings):
    settings.QINGLING_TRUSTED_PROXY_HOPS = 1
    first = behind_proxy("198.51.100.1")
    assert [file(first, area).status_code for _ in range(5)] == [302] * 5
    assert file(first, area).status_code == 429
    second = behind_proxy("198.51.100.2")
    assert file(second, area).status_code == 302
    assert Tip.objects.count() == 6


def test_without_trusted_hops_forwarded_for_is_ignored(area, settings):
    settings.QINGLING_TRUSTED_PROXY_HOPS = 0
    for n in range(5):
        assert file(behind_proxy(f"198.51.100.{n}"), area).status_code == 302
    # A forged X-Forwarded-For does not buy a fresh allowance.
    response = file(behind_proxy("203.0.113.99"), area)
    assert response.status_code == 429
    assert Tip.objects.count() == 5


def test_entries_left_of_the_trusted_hops_are_the_clients_own_and_ignored(area, settings):
    settings.QINGLING_TRUSTED_PROXY_HOPS = 1
    # The proxy appends the address it saw; whatever the client wrote before it is forgeable.
    for n in range(5):
        client = behind_proxy(f"203.0.113.{n}, 198.51.100.7")
        assert file(client, area).status_code == 302
    assert file(behind_proxy("203.0.113.50, 198.51.100.7"), area).status_code == 429


def address_of(hops, settings, forwarded_for=None, remote="10.0.0.1"):
    settings.QINGLING_TRUSTED_PROXY_HOPS = hops
    extra = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client_address(RequestFactory().get("/", **extra))


def test_client_address_counts_trusted_hops_from_the_right(settings):
    assert address_of(0, settings, "198.51.100.1") == "10.0.0.1"
    assert address_of(1, settings, "203.0.113.1, 198.51.100.1") == "198.51.100.1"
    assert address_of(2, settings, "203.0.113.1, 198.51.100.1, 10.0.0.9") == "198.51.100.1"
    assert address_of(1, settings) == "10.0.0.1"


def test_client_address_never_trusts_what_is_not_an_address(settings):
    assert address_of(1, settings, "<script>") == "10.0.0.1"
    # Fewer entries than hops: a proxy was bypassed, so the leftmost is all there is.
    assert address_of(3, settings, "198.51.100.3") == "198.51.100.3"


@pytest.fixture
def cache_down(settings):
    """The cache on a Redis nobody listens on (a free loopback port): every call is refused."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    working = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    yield
    settings.CACHES = working  # before the autouse fixture clears the cache


def test_with_the_cache_down_accepted_tips_are_counted_from_the_database(area, cache_down):
    client = Client(REMOTE_ADDR="192.0.2.30")
    assert file(client, area, content="").status_code == 200  # refused forms still free
    assert [file(client, area).status_code for _ in range(5)] == [302] * 5
    response = file(client, area)
    assert response.status_code == 429 and THROTTLED in response.content.decode()
    assert file(Client(REMOTE_ADDR="192.0.2.31"), area).status_code == 302
    assert Tip.objects.count() == 6


def test_a_tip_keeps_a_keyed_hash_of_its_client_never_the_address(area, cache_down):
    file(behind_proxy("198.51.100.7"), area)
    tip = Tip.objects.get()
    assert tip.client_key and "198.51.100.7" not in tip.client_key
    assert len(tip.client_key) == 64


def test_with_the_cache_down_the_database_count_keys_on_the_client_the_proxy_reports(
    area, cache_down, settings
):
    settings.QINGLING_TRUSTED_PROXY_HOPS = 1
    for _ in range(5):
        assert file(behind_proxy("198.51.100.8"), area).status_code == 302
    assert file(behind_proxy("198.51.100.8"), area).status_code == 429
    assert file(behind_proxy("198.51.100.9"), area).status_code == 302


def test_tips_taken_in_by_staff_carry_no_client_key(area):
    from inspections.models import TipChannel
    from inspections.services import file_tip

    tip = file_tip(
        channel=TipChannel.PHONE,
        content="电话举报：村东头有人熔炼废铝。",
        place="甲一村",
        county=area["county_a"],
        by=area["users"]["county"],
        client_key="not-for-staff",
    )
    assert tip.client_key == ""
