"""Every role sees exactly the region subtree under its organisation; outside it, 404."""

import pytest

from accounts.models import NO_AREA, Region
from accounts.scoping import covers, scope_to_area

pytestmark = pytest.mark.django_db

# role key → the regions (by area key) it must see, and those it must not
EXPECTED = {
    "clerk": (["township_a1", "village_a1"], ["township_a2", "county_a", "township_b1", "city"]),
    "head": (["township_a1", "village_a1"], ["township_a2", "county_a", "township_b1"]),
    "officer": (
        ["county_a", "township_a1", "township_a2", "village_a2"],
        ["county_b", "township_b1", "city"],
    ),
    "county": (["county_a", "township_a1", "township_a2"], ["county_b", "township_b1", "city"]),
    "leader": (["county_a", "township_a2"], ["county_b", "township_b1"]),
    "city": (["city", "county_a", "county_b", "township_b1"], ["province"]),
    "admin": (["province", "city", "county_b", "township_a1"], []),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_exactly_its_region_subtree(area, role):
    user = area["users"][role]
    visible = set(Region.objects.visible_to(user).values_list("code", flat=True))
    inside, outside = EXPECTED[role]
    for key in inside:
        assert area[key].code in visible, f"{role} should see {key}"
    for key in outside:
        assert area[key].code not in visible, f"{role} must not see {key}"


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize(
    "detail", ["/accounts/regions/{}/", "/api/regions/{}/"], ids=["page", "api"]
)
def test_region_detail_answers_404_outside_the_area_for_every_role(area, client_for, role, detail):
    client = client_for(area["users"][role])
    inside, outside = EXPECTED[role]
    for key in inside:
        assert client.get(detail.format(area[key].code)).status_code == 200
    for key in outside:
        assert client.get(detail.format(area[key].code)).status_code == 404


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_region_api_lists_exactly_the_regions_the_role_sees(area, client_for, role):
    client = client_for(area["users"][role])
    listed = {row["code"] for row in client.get("/api/regions/?page_size=500").json()["results"]}
    assert listed == set(
        Region.objects.visible_to(area["users"][role]).values_list("code", flat=True)
    )


def test_clerk_cannot_see_other_township(area):
    clerk = area["users"]["clerk"]
    assert not Region.objects.visible_to(clerk).filter(pk=area["township_a2"].pk).exists()


def test_user_without_organisation_or_admin_role_sees_nothing(area):
    from tests.factories.accounts import UserFactory

    stray = UserFactory(username="stray", role="administrator", organisation=None)
    stray.role = "township_clerk"
    assert stray.area_path == NO_AREA
    assert not scope_to_area(Region.objects.all(), stray).exists()


def test_anonymous_user_sees_nothing_and_is_sent_to_login(area, client):
    from django.contrib.auth.models import AnonymousUser

    assert not scope_to_area(Region.objects.all(), AnonymousUser()).exists()
    response = client.get(f"/accounts/regions/{area['township_a1'].code}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get("/api/regions/").status_code in (401, 403)


def test_subtree_query_is_one_prefix_match(area, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = list(Region.objects.within(area["county_a"].path).values_list("code", flat=True))
    assert set(codes) == {
        area[k].code for k in ("county_a", "township_a1", "township_a2", "village_a1", "village_a2")
    }


def test_path_follows_parent_codes(area):
    assert (
        area["village_a1"].path
        == "110000000000/110100000000/110101000000/110101100000/110101100201/"
    )
    assert area["county_a"].contains(area["village_a1"])
    assert not area["county_b"].contains(area["village_a1"])


def test_visible_within_is_the_narrower_of_the_users_area_and_the_asked_one(area):
    from enterprises.models import Enterprise
    from tests.factories.enterprises import EnterpriseFactory

    in_a1 = EnterpriseFactory(township=area["township_a1"])
    in_a2 = EnterpriseFactory(township=area["township_a2"])
    in_b1 = EnterpriseFactory(township=area["township_b1"])
    county_user = area["users"]["county"]
    inside = Enterprise.objects.visible_within(county_user, area["township_a1"].path)
    assert list(inside) == [in_a1]
    assert str(inside.query).count("LIKE") == 1  # one prefix condition, not the same twice
    # Asking for more than the user's area gives the user's area.
    wider = Enterprise.objects.visible_within(county_user, area["city"].path)
    assert set(wider) == {in_a1, in_a2}
    # Asking for another county gives nothing.
    assert not Enterprise.objects.visible_within(county_user, area["county_b"].path).exists()
    # A city user asking for county B sees it.
    city_user = area["users"]["city"]
    assert list(Enterprise.objects.visible_within(city_user, area["county_b"].path)) == [in_b1]


def test_a_region_covers_itself_and_what_lies_under_it_and_nothing_beside_it(area):
    county, township = area["county_a"], area["township_a1"]
    assert covers(county.path, township.path) and covers(county.path, county.path)
    assert not covers(township.path, county.path)
    assert not covers(area["county_b"].path, township.path)
    assert covers(None, township.path)  # everywhere: an administrator, a campaign without region
    assert county.contains(township) and not township.contains(county)


def test_no_app_tests_region_paths_by_hand_outside_the_scoping_helper():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = [
        f"{source.relative_to(root)}:{number}"
        for app in (
            "accounts",
            "notices",
            "enterprises",
            "rectification",
            "inspections",
            "reporting",
        )
        for source in (root / app).rglob("*.py")
        if "migrations" not in source.parts and source.name != "scoping.py"
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1)
        if ".startswith(" in line and "path" in line.split(".startswith(")[1]
    ]
    assert offenders == []
