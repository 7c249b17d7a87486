"""A tip from intake to published outcome: staff intake with the channel, the county office
assigns, a 举报核查 inspection answers it (a new find links the enterprise), the outcome is
published. Each refusal is in Chinese and changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.refusals import Refused
from enterprises.models import EnterpriseType
from inspections.models import InspectionResult, InspectionType, Tip, TipChannel, TipState
from inspections.services import (
    assign_tip,
    file_tip,
    publish_tip_outcome,
    record_inspection,
)
from tests.factories.inspections import TipFactory

pytestmark = pytest.mark.django_db


def hotline_tip(area, by=None):
    return file_tip(
        by=by or area["users"]["officer"],
        channel=TipChannel.HOTLINE_12369,
        content="甲一村有小锅炉冒黑烟。",
        place="甲一村西",
        county=area["county_a"],
        reporter_name="赵女士",
        reporter_contact="13700003333",
    )


def verify(area, tip, user, **kwargs):
    arguments = {
        "by": user,
        "inspection_type": InspectionType.TIP_VERIFICATION,
        "inspected_on": timezone.localdate(),
        "result": InspectionResult.NO_PROBLEM,
        "tip": tip,
        "new_team": {"name": "核查组", "member_users": [user], "member_names": []},
        "township": area["township_a1"],
        "place": tip.place if tip else "甲一村西",
    }
    arguments.update(kwargs)
    return record_inspection(**arguments)


def test_staff_intake_records_the_channel_and_who_took_it(area):
    tip = hotline_tip(area)
    assert tip.channel == TipChannel.HOTLINE_12369
    assert tip.created_by == area["users"]["officer"]
    assert tip.region_path == area["county_a"].path


def test_bureau_leader_and_township_clerk_cannot_take_tips_in(area):
    for key in ("leader", "clerk"):
        with pytest.raises(PermissionDenied):
            hotline_tip(area, by=area["users"][key])
    assert not Tip.objects.exists()


def test_staff_cannot_file_a_tip_for_another_county(area):
    from django.http import Http404

    with pytest.raises(Http404):
        file_tip(
            by=area["users"]["county"],
            channel=TipChannel.LETTER,
            content="乙县有砖窑冒烟。",
            place="乙一村",
            county=area["county_b"],
        )


def test_full_life_from_hotline_to_published_outcome_with_a_new_enterprise(area):
    county = area["users"]["county"]
    clerk = area["users"]["clerk"]
    tip = hotline_tip(area)
    tip = assign_tip(tip, by=county, organisation=area["orgs"]["township_a1"], note="请三日内核查")
    assert tip.state == TipState.ASSIGNED
    assert tip.township == area["township_a1"]
    assert tip.region_path == area["township_a1"].path
    inspection = verify(
        area,
        tip,
        clerk,
        result=InspectionResult.NEW_FIND,
        township=None,
        place="",
        new_enterprise={
            "township": area["township_a1"],
            "name": "甲一村小锅炉洗浴",
            "enterprise_type": EnterpriseType.EIGHT_SMALL,
            "permits": {},
        },
    )
    tip.refresh_from_db()
    assert tip.state == TipState.VERIFIED
    assert tip.enterprise == inspection.enterprise
    assert inspection.enterprise.source == "tip"
    tip = publish_tip_outcome(
        tip, by=county, outcome="经核查属实，已列入整治台账，责令停产。", reward=True
    )
    assert tip.state == TipState.PUBLISHED and tip.reward
    assert [event.action for event in tip.events.all()] == [
        "received",
        "assigned",
        "verified",
        "published",
    ]


def test_only_the_county_office_of_the_tip_assigns_it(area):
    tip = hotline_tip(area)
    with pytest.raises(PermissionDenied):
        assign_tip(tip, by=area["users"]["clerk"], organisation=area["orgs"]["township_a1"])
    with pytest.raises(PermissionDenied):
        assign_tip(tip, by=area["users"]["city"], organisation=area["orgs"]["township_a1"])
    tip.refresh_from_db()
    assert tip.state == TipState.RECEIVED


def test_a_tip_cannot_go_to_an_organisation_of_another_county(area):
    tip = hotline_tip(area)
    with pytest.raises(Refused) as refusal:
        assign_tip(tip, by=area["users"]["county"], organisation=area["orgs"]["township_b1"])
    assert "本县" in refusal.value.message
    tip.refresh_from_db()
    assert tip.assigned_organisation is None


def test_a_tip_placed_in_one_township_cannot_go_to_another_township(area):
    tip = TipFactory(county=area["county_a"], township=area["township_a1"])
    with pytest.raises(Refused):
        assign_tip(tip, by=area["users"]["county"], organisation=area["orgs"]["township_a2"])


def test_only_the_assigned_office_records_the_verification(area):
    tip = assign_tip(
        hotline_tip(area), by=area["users"]["county"], organisation=area["orgs"]["environment"]
    )
    with pytest.raises(Refused) as refusal:
        verify(area, tip, area["users"]["clerk"])
    assert "承办单位" in refusal.value.message
    inspection = verify(area, tip, area["users"]["officer"])
    assert inspection.tip == tip


def test_a_tip_not_yet_assigned_cannot_be_verified(area):
    tip = hotline_tip(area)
    with pytest.raises(Refused) as refusal:
        verify(area, tip, area["users"]["county"])
    assert "待分派" in refusal.value.message


def test_a_tip_verification_needs_a_tip_and_other_types_cannot_carry_one(area):
    tip = assign_tip(
        hotline_tip(area), by=area["users"]["county"], organisation=area["orgs"]["township_a1"]
    )
    with pytest.raises(Refused):
        verify(area, tip, area["users"]["clerk"], inspection_type=InspectionType.PATROL)
    with pytest.raises(Refused):
        verify(area, None, area["users"]["clerk"])


def test_the_outcome_cannot_be_published_before_verification(area):
    tip = assign_tip(
        hotline_tip(area), by=area["users"]["county"], organisation=area["orgs"]["township_a1"]
    )
    with pytest.raises(Refused) as refusal:
        publish_tip_outcome(tip, by=area["users"]["county"], outcome="已处理完毕。")
    assert "核查后" in refusal.value.message
    tip.refresh_from_db()
    assert tip.state == TipState.ASSIGNED and tip.outcome == ""


def test_county_office_assigns_and_publishes_in_the_browser_pages(area, client_for):
    tip = hotline_tip(area)
    client = client_for(area["users"]["county"])
    response = client.post(
        f"/inspections/tips/{tip.pk}/",
        {"action": "assign", "organisation": area["orgs"]["township_a1"].pk, "note": "请核查"},
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.assigned_organisation == area["orgs"]["township_a1"]
    verify(area, tip, area["users"]["clerk"])
    response = client.post(
        f"/inspections/tips/{tip.pk}/",
        {"action": "publish", "outcome": "经核查，该锅炉已拆除。"},
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.state == TipState.PUBLISHED


def test_staff_intake_page_records_a_letter(area, client_for):
    client = client_for(area["users"]["county"])
    response = client.post(
        "/inspections/tips/new/",
        {
            "channel": "letter",
            "received_at": "2024-03-05T09:30",
            "county": area["county_a"].pk,
            "place": "甲二村南",
            "content": "来信反映有砖窑冒烟。",
        },
    )
    tip = Tip.objects.get()
    assert response.status_code == 302
    assert tip.channel == TipChannel.LETTER
    assert timezone.localtime(tip.received_at).strftime("%Y-%m-%d %H:%M") == "2024-03-05 09:30"


def test_tip_api_assign_and_publish_go_through_the_services(area, client_for):
    tip = hotline_tip(area)
    client = client_for(area["users"]["county"])
    response = client.post(
        f"/api/tips/{tip.pk}/publish/", {"outcome": "已处理。"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "核查" in str(response.json())
    response = client.post(
        f"/api/tips/{tip.pk}/assign/",
        {"organisation": area["orgs"]["township_a1"].pk},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "assigned"


def test_tip_api_intake_by_staff(area, client_for):
    response = client_for(area["users"]["officer"]).post(
        "/api/tips/",
        {
            "channel": "hotline_12369",
            "county": area["county_a"].code,
            "place": "甲一村",
            "content": "热线反映有异味。",
            "reporter_contact": "13600004444",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert Tip.objects.get().channel == "hotline_12369"
