"""The proposal form offers only the active campaigns covering the user's area, the nearest
preselected; every choice list reads Chinese, ordering included (降序, never "descending")."""

import re

import pytest
from django.urls import reverse

from tests.factories.rectification import CampaignFactory

pytestmark = pytest.mark.django_db


def campaign_options(html):
    select = re.search(r'<select name="campaign".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select)


def test_the_proposal_form_lists_the_campaigns_covering_the_area_nearest_preselected(
    area, client_for
):
    everywhere = CampaignFactory(name="全国通用行动", region=None)
    city = CampaignFactory(name="市级行动", region=area["city"])
    county = CampaignFactory(name="甲县行动", region=area["county_a"])
    CampaignFactory(name="乙县行动", region=area["county_b"])
    CampaignFactory(name="甲二乡行动", region=area["township_a2"])
    CampaignFactory(name="已结束行动", region=area["county_a"], is_active=False)

    html = client_for(area["users"]["clerk"]).get(reverse("rectification:case_propose"))
    options = campaign_options(html.content.decode())

    assert [label for _, _, label in options] == ["请选择", "甲县行动", "市级行动", "全国通用行动"]
    assert [value for value, selected, _ in options if selected] == [str(county.pk)]
    assert {int(value) for value, _, _ in options if value} == {everywhere.pk, city.pk, county.pk}


def test_a_county_user_sees_the_county_campaign_preselected(area, client_for):
    CampaignFactory(name="市级行动", region=area["city"])
    county = CampaignFactory(name="甲县行动", region=area["county_a"])
    html = client_for(area["users"]["county"]).get(reverse("rectification:case_propose"))
    selected = [value for value, chosen, _ in campaign_options(html.content.decode()) if chosen]
    assert selected == [str(county.pk)]


def test_the_ledger_ordering_reads_jiangxu_for_descending(area, client_for):
    html = client_for(area["users"]["county"]).get("/enterprises/").content.decode()
    ordering = re.search(r'<select name="ordering".*?</select>', html, re.S).group(0)
    assert "企业名称（降序）" in ordering
    assert "descending" not in html


LISTS_AND_FORMS = [
    "/enterprises/",
    "/enterprises/new/",
    "/cases/",
    "/cases/new/",
    "/inspections/",
    "/inspections/new/",
    "/inspections/tips/",
    "/reports/submissions/",
]


@pytest.mark.parametrize("url", LISTS_AND_FORMS)
def test_no_choice_of_a_list_or_form_reads_english(area, client_for, url):
    CampaignFactory(region=area["county_a"])
    html = client_for(area["users"]["county"]).get(url).content.decode()
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", html)
    assert labels
    assert [label for label in labels if re.search(r"[A-Za-z]{2,}|-{3,}", label)] == []
