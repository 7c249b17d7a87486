"""inspections.stats.effort: the seed-002 figures (执法组, 人次, 检查企业（点位）, 新发现) as
database counts over any queryset of inspections, in two queries."""

import pytest

from inspections.models import Inspection, InspectionResult
from inspections.stats import effort
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.inspections import InspectionFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_effort_adds_up_teams_person_times_places_and_new_finds(area):
    organisation = area["orgs"]["county_office"]
    first = TeamFactory(organisation=organisation, members=["甲", "乙", "丙"])
    second = TeamFactory(organisation=organisation, members=["丁", "戊"])
    enterprise = EnterpriseFactory(township=area["township_a1"])
    InspectionFactory(team=first, enterprise=enterprise)
    InspectionFactory(team=first, enterprise=enterprise)  # same enterprise twice: one checked
    InspectionFactory(
        team=first,
        enterprise=EnterpriseFactory(township=area["township_a1"]),
        result=InspectionResult.NEW_FIND,
    )
    InspectionFactory(team=second, township=area["township_a2"], place="仓库")  # a place, no row
    assert effort(Inspection.objects.all()) == {
        "teams": 2,
        "person_times": 5,
        "enterprises_checked": 3,
        "new_finds": 1,
    }


def test_effort_follows_the_queryset_it_is_given(area):
    organisation = area["orgs"]["county_office"]
    team_a1 = TeamFactory(organisation=organisation, members=["甲", "乙"])
    team_a2 = TeamFactory(organisation=organisation, members=["丙"])
    InspectionFactory(team=team_a1, enterprise=EnterpriseFactory(township=area["township_a1"]))
    InspectionFactory(team=team_a2, enterprise=EnterpriseFactory(township=area["township_a2"]))
    clerk_view = Inspection.objects.visible_to(area["users"]["clerk"])
    assert effort(clerk_view) == {
        "teams": 1,
        "person_times": 2,
        "enterprises_checked": 1,
        "new_finds": 0,
    }
    assert effort(Inspection.objects.none()) == {
        "teams": 0,
        "person_times": 0,
        "enterprises_checked": 0,
        "new_finds": 0,
    }


@pytest.mark.parametrize("size", [2, 20])
def test_effort_runs_two_queries_whatever_the_size(area, django_assert_num_queries, size):
    team = TeamFactory(organisation=area["orgs"]["county_office"])
    for _ in range(size):
        InspectionFactory(team=team, enterprise=EnterpriseFactory(township=area["township_a1"]))
    with django_assert_num_queries(2):
        result = effort(Inspection.objects.all())
    assert result["enterprises_checked"] == size


def test_person_times_count_the_members_a_team_was_given_through_the_service_and_the_admin(
    area, client
):
    from inspections.models import Team, TeamMember
    from tests.factories.inspections import record_patrol

    inspection = record_patrol(area)
    assert inspection.team.member_count == 1
    assert effort(Inspection.objects.filter(pk=inspection.pk))["person_times"] == 1
    TeamMember.objects.create(team=inspection.team, name="李四")
    Team.objects.get(pk=inspection.team_id).count_members()
    assert effort(Inspection.objects.filter(pk=inspection.pk))["person_times"] == 2
