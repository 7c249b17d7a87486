"""Yes/no filters read 不限/是/否 on every list page, and filter the same way in the API."""

import datetime

import pytest
from django.utils import timezone

from rectification.models import CaseState
from tests.factories.rectification import CampaignFactory, CaseFactory, new_enterprise

pytestmark = pytest.mark.django_db


def test_case_list_yes_no_filters_offer_any_yes_no_not_unknown(area, client_for):
    body = client_for(area["users"]["county"]).get("/cases/").content.decode()
    assert "未知" not in body
    assert '<option value="unknown" selected>不限</option>' in body


def test_overdue_filter_keeps_only_overdue_cases_on_page_and_api(area, client_for):
    campaign = CampaignFactory()
    past = timezone.localdate() - datetime.timedelta(days=10)
    future = timezone.localdate() + datetime.timedelta(days=10)
    late = CaseFactory(
        enterprise=new_enterprise(area),
        campaign=campaign,
        state=CaseState.IN_PROGRESS,
        deadline=past,
    )
    CaseFactory(
        enterprise=new_enterprise(area),
        campaign=campaign,
        state=CaseState.IN_PROGRESS,
        deadline=future,
    )
    client = client_for(area["users"]["county"])
    page_cases = list(client.get("/cases/?overdue=true").context["page"].object_list)
    assert [case.pk for case in page_cases] == [late.pk]
    api_ids = [row["id"] for row in client.get("/api/cases/?overdue=true").json()["results"]]
    assert api_ids == [late.pk]
    assert len(client.get("/cases/?overdue=unknown").context["page"].object_list) == 2
