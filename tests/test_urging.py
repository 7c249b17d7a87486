"""催办: the county office chases a responsible unit about its overdue cases in one action —
one 催办记录, one notice to the unit and its responsible persons, a line on each case's
timeline; refused with a Chinese message (and nothing written) when there is nothing to chase."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notices.models import Notification, Reminder
from rectification.models import CaseEvent, CaseState, Urging
from tests.factories.accounts import UserFactory
from tests.factories.rectification import CaseFactory, new_enterprise

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def overdue_case(area, unit="township_a1", township="township_a1", days=5, **fields):
    return CaseFactory(
        enterprise=new_enterprise(area, township),
        state=CaseState.IN_PROGRESS,
        responsible_unit=area["orgs"][unit],
        responsible_person="王分包",
        deadline=TODAY - datetime.timedelta(days=days),
        **fields,
    )


@pytest.fixture
def urge(django_capture_on_commit_callbacks):
    """Post a 催办 from the page, running what waits for the commit (the notice)."""

    def post(client, unit, note="请本周内整改到位"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("rectification:urging_list"), {"unit": unit.pk, "note": note}, follow=True
            )

    return post


def test_county_home_groups_overdue_cases_by_unit_longest_overdue_first(area, client_for):
    overdue_case(area, days=3)
    overdue_case(area, days=4)
    overdue_case(area, unit="power", days=20)
    overdue_case(area, unit="township_b1", township="township_b1", days=30)
    response = client_for(area["users"]["county"]).get(reverse("home"))
    entry = {e.key: e for e in response.context["lists"]}["overdue_units"]
    assert entry.count == 3
    assert [item.title for item in entry.items] == ["甲县供电公司", "甲一镇政府"]
    assert entry.items[1].detail == "逾期 2 件 · 责任人 王分包"
    assert entry.items[1].action[2] == {"unit": area["orgs"]["township_a1"].pk}


def test_urging_records_once_notifies_once_and_writes_the_timeline(area, client_for, urge):
    orgs, users = area["orgs"], area["users"]
    person = UserFactory(username="wang", organisation=orgs["township_a1"])
    first = overdue_case(area, responsible_user=person)
    second = overdue_case(area, days=9)
    overdue_case(area, unit="power")
    response = urge(client_for(users["county"]), orgs["township_a1"])
    assert "已向甲一镇政府催办逾期案件 2 件" in response.content.decode()
    urging = Urging.objects.get()
    assert (urging.office, urging.unit, urging.urged_by) == (
        orgs["county_office"],
        orgs["township_a1"],
        users["county"],
    )
    assert set(urging.cases.all()) == {first, second}
    assert urging.persons == "王分包"
    assert Reminder.objects.filter(kind="urge").count() == 1
    notified = Notification.objects.filter(kind="urge")
    # The township's clerk and head, and the responsible person's account: each once.
    assert sorted(n.recipient.username for n in notified) == ["clerk_a1", "head_a1", "wang"]
    assert notified[0].link == (
        reverse("rectification:case_list") + f"?responsible_unit={orgs['township_a1'].pk}"
        "&overdue=true"
    )
    assert "催办逾期案件 2 件" in notified[0].subject
    events = CaseEvent.objects.filter(action=CaseEvent.Action.URGE)
    assert {event.case for event in events} == {first, second}
    page = client_for(users["clerk"]).get(reverse("rectification:case_detail", args=[first.pk]))
    assert "催办" in page.content.decode() and "请本周内整改到位" in page.content.decode()


def test_a_second_urging_the_same_day_is_refused_and_sends_nothing(area, client_for, urge):
    overdue_case(area)
    client = client_for(area["users"]["county"])
    urge(client, area["orgs"]["township_a1"])
    response = urge(client, area["orgs"]["township_a1"])
    assert "今天已向甲一镇政府催办过，请勿重复催办。" in response.content.decode()
    assert Urging.objects.count() == 1
    assert Notification.objects.filter(kind="urge").count() == 2  # clerk and head, once
    assert CaseEvent.objects.filter(action=CaseEvent.Action.URGE).count() == 1


def test_urging_a_unit_without_overdue_cases_is_refused(area, client_for, urge):
    response = urge(client_for(area["users"]["county"]), area["orgs"]["power"])
    assert "甲县供电公司目前没有逾期案件，无需催办。" in response.content.decode()
    assert not Urging.objects.exists() and not Reminder.objects.exists()


def test_a_township_clerk_cannot_urge(area, client_for, urge):
    overdue_case(area)
    response = urge(client_for(area["users"]["clerk"]), area["orgs"]["township_a1"])
    assert "不能催办" in response.content.decode()
    assert not Urging.objects.exists()


def test_an_office_cannot_urge_a_unit_of_another_county(area, client_for, urge):
    overdue_case(area, unit="township_b1", township="township_b1")
    response = urge(client_for(area["users"]["county"]), area["orgs"]["township_b1"])
    assert "请选择您辖区内的责任单位。" in response.content.decode()
    assert not Urging.objects.exists()


def test_the_api_urges_and_lists_records_in_the_area(area, api_for):
    overdue_case(area)
    client = api_for(area["users"]["county"])
    response = client.post(reverse("urging-list"), {"unit": area["orgs"]["township_a1"].pk})
    assert response.status_code == 201
    assert response.json()["case_count"] == 1
    assert response.json()["unit_name"] == "甲一镇政府"
    again = client.post(reverse("urging-list"), {"unit": area["orgs"]["township_a1"].pk})
    assert again.status_code == 400
    assert again.json()["detail"] == "今天已向甲一镇政府催办过，请勿重复催办。"
    assert len(client.get(reverse("urging-list")).json()["results"]) == 1
    other_county = api_for(area["users"]["county_b"]).get(reverse("urging-list")).json()
    assert other_county["results"] == []


def test_the_urging_page_lists_units_and_the_records(area, client_for, urge):
    overdue_case(area, days=12)
    client = client_for(area["users"]["county"])
    urge(client, area["orgs"]["township_a1"])
    html = client.get(reverse("rectification:urging_list")).content.decode()
    assert "甲一镇政府" in html and "今日已催办" in html and "逾期 12 天" in html
    assert "催办记录" in html and "逾期案件 1 件" in html
