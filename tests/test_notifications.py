"""Notices: notify_once (the machinery the report reminders reuse), pluggable channels, the
bell with its unread count, the list page and mark-read — in the browser and the API."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from notices import notifications
from notices.models import Notification, Reminder
from notices.notifications import notify_once

pytestmark = pytest.mark.django_db

DUE = datetime.date(2024, 5, 23)


def send(area, key="report:township:110101100000", recipients=None):
    return notify_once(
        key,
        Notification.Kind.REPORT_DUE,
        DUE,
        recipients if recipients is not None else [area["orgs"]["township_a1"]],
        "【报表提醒】排查台账请于23日前报送",
        "请按时报送本月排查台账。",
        "/reports/",
    )


def test_notify_once_expands_units_and_never_repeats(area, django_capture_on_commit_callbacks):
    area["users"]["clerk"].email = "clerk@example.cn"
    area["users"]["clerk"].save()
    with django_capture_on_commit_callbacks(execute=True):
        created = send(
            area,
            recipients=[
                area["orgs"]["township_a1"],
                area["users"]["clerk"],
                area["users"]["county"],
            ],
        )
    assert {n.recipient.username for n in created} == {"clerk_a1", "head_a1", "county_a"}
    assert [n.organisation for n in created if n.recipient.username == "head_a1"] == [
        area["orgs"]["township_a1"]
    ]
    assert len(mail.outbox) == 1  # only the clerk has an address
    assert mail.outbox[0].to == ["clerk@example.cn"]
    with django_capture_on_commit_callbacks(execute=True):
        assert send(area) == []
    assert Reminder.objects.count() == 1
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 1


def test_inactive_members_are_skipped(area):
    head = area["users"]["head"]
    head.is_active = False
    head.save()
    created = send(area)
    assert [n.recipient for n in created] == [area["users"]["clerk"]]


def test_a_registered_channel_receives_each_notice_and_a_failing_one_does_no_harm(
    area, django_capture_on_commit_callbacks
):
    received = []
    notifications.register_channel("sms", lambda notice: received.append(notice.recipient.username))
    notifications.register_channel("broken", lambda notice: 1 / 0)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            created = send(area)
    finally:
        notifications.unregister_channel("sms")
        notifications.unregister_channel("broken")
    assert sorted(received) == ["clerk_a1", "head_a1"]
    assert len(created) == 2 and Notification.objects.count() == 2


def test_bell_shows_the_unread_count(area, client_for):
    send(area)
    client = client_for(area["users"]["clerk"])
    body = client.get(reverse("home")).content.decode()
    assert 'id="notification-bell"' in body
    assert '<span class="badge rounded-pill bg-danger" id="unread-count">1</span>' in body
    other = client_for(area["users"]["clerk_a2"]).get(reverse("home")).content.decode()
    assert 'id="unread-count"' not in other


def test_list_page_and_mark_one_read(area, client_for):
    (mine, _head) = sorted(send(area), key=lambda n: n.recipient.username)
    client = client_for(area["users"]["clerk"])
    page = client.get(reverse("notices:notification_list")).content.decode()
    assert "排查台账请于23日前报送" in page
    response = client.post(reverse("notices:notification_mark_read"), {"id": mine.pk}, follow=True)
    assert "已将 1 条通知标为已读" in response.content.decode()
    mine.refresh_from_db()
    assert mine.unread is False
    assert Notification.objects.filter(unread=True).count() == 1  # the head's stays unread


def test_cannot_mark_someone_elses_notice(area, client_for):
    created = send(area)
    head_notice = next(n for n in created if n.recipient.username == "head_a1")
    client_for(area["users"]["clerk"]).post(
        reverse("notices:notification_mark_read"), {"id": head_notice.pk}
    )
    head_notice.refresh_from_db()
    assert head_notice.unread is True


def test_bad_id_changes_nothing(area, client_for):
    send(area)
    response = client_for(area["users"]["clerk"]).post(
        reverse("notices:notification_mark_read"), {"id": "abc"}, follow=True
    )
    assert "通知编号无效" in response.content.decode()
    assert Notification.objects.filter(unread=False).count() == 0


def test_mark_all_read_and_offsite_next_is_ignored(area, client_for):
    send(area)
    send(area, key="report:monthly:110101000000")
    client = client_for(area["users"]["clerk"])
    response = client.post(
        reverse("notices:notification_mark_read"), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("notices:notification_list")
    assert Notification.objects.filter(recipient=area["users"]["clerk"], unread=True).count() == 0


def test_old_case_addresses_lead_to_the_notices(area, client_for):
    send(area)
    client = client_for(area["users"]["clerk"])
    response = client.get("/cases/notifications/", {"unread": "1", "page": "1"})
    assert response.status_code == 308
    assert response.url == "/notices/?unread=1&page=1"
    assert (
        "排查台账请于23日前报送"
        in client.get("/cases/notifications/", follow=True).content.decode()
    )
    # A form still posted to the old address is posted again to the new one, not dropped.
    response = client.post("/cases/notifications/read/", follow=True)
    assert response.redirect_chain[0] == ("/notices/read/", 308)
    assert "已将 1 条通知标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=area["users"]["clerk"], unread=True).exists()


def test_api_lists_own_notices_and_marks_read(area, client_for):
    send(area)
    client = client_for(area["users"]["clerk"])
    data = client.get("/api/notifications/").json()
    assert data["count"] == 1
    notice_id = data["results"][0]["id"]
    assert client.post(f"/api/notifications/{notice_id}/read/").json()["unread"] is False
    assert client.get("/api/notifications/", {"unread": "1"}).json()["count"] == 0
    assert (
        client_for(area["users"]["county"]).get(f"/api/notifications/{notice_id}/").status_code
        == 404
    )


def test_api_marks_all_own_notices_read_and_no_one_elses(area, client_for):
    send(area)
    send(area, key="report:monthly:110101000000")
    client = client_for(area["users"]["clerk"])

    assert client.post("/api/notifications/read-all/").json() == {"marked": 2}

    assert client.get("/api/notifications/", {"unread": "1"}).json()["count"] == 0
    assert Notification.objects.filter(recipient=area["users"]["head"], unread=True).count() == 2


@pytest.mark.parametrize("count", [1, 15])
def test_notification_list_runs_a_fixed_number_of_queries(
    area, client_for, django_assert_num_queries, count
):
    for number in range(count):
        send(area, key=f"report:{number}", recipients=[area["users"]["clerk"]])
    client = client_for(area["users"]["clerk"])
    # session, user, count, the bell's unread count, the user's organisation (header), page
    with django_assert_num_queries(6):
        response = client.get(reverse("notices:notification_list"))
    assert response.content.decode().count("排查台账请于23日前报送") == count


def test_kinds_of_other_apps_show_a_registered_label_or_a_neutral_one(area):
    notifications.register_kind("test_kind", "测试类别")
    try:
        (notice,) = notify_once("tip:1", "test_kind", DUE, [area["users"]["clerk"]], "举报已交办")
        (other,) = notify_once("x:1", "something_new", DUE, [area["users"]["clerk"]], "新通知")
        assert notice.kind_display == "测试类别"
        assert other.kind_display == "通知"
    finally:
        notifications.KIND_LABELS.pop("test_kind", None)
