"""/api/map/: the map of the user's area. No point, bin, tip, inspection or figure from outside
the user's area is ever in the answer (clerk: own township; county; city); filters are the case
list's; the answer takes a fixed number of queries whatever the data size."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maps.coordinates import wgs84_to_gcj02
from maps.figures import OVERDUE, RELAPSE, SAMPLE
from rectification.models import CaseState
from tests.factories.inspections import InspectionFactory, TeamFactory, TipFactory
from tests.factories.maps import BOXES, located_case, with_boundaries
from tests.factories.rectification import new_enterprise
from tests.factories.spot_checks import plan

pytestmark = pytest.mark.django_db

TOWNSHIPS = ("township_a1", "township_a2", "township_b1")


@pytest.fixture
def mapped(area):
    """Boundaries for every place; in each township two located cases (one closed), one case
    without a point, a tip and an inspection of last week at the township's enterprise."""
    with_boundaries(area)
    cases = {}
    for township in TOWNSHIPS:
        open_case = located_case(area, township, offset=0.2)
        closed = located_case(area, township, state=CaseState.CLOSED, offset=0.3)
        new_enterprise(area, township)  # on the ledger, without a point
        TipFactory(
            county=area[township].parent,
            township=area[township],
            enterprise=open_case.enterprise,
        )
        InspectionFactory(
            team=TeamFactory(organisation=area["orgs"]["county_office"]),
            enterprise=closed.enterprise,
        )
        cases[township] = (open_case, closed)
    return cases


def answer(client, **params):
    response = client.get(reverse("map-view"), params)
    assert response.status_code == 200, response.content
    return response.json()


def inside(box, lon, lat):
    west, south, east, north = box
    return west <= lon <= east and south <= lat <= north


def test_clerk_sees_only_own_township_points_tips_and_inspections(area, mapped, api_for):
    data = answer(api_for(area["users"]["clerk"]))
    assert data["mode"] == "points"
    assert data["area"]["name"] == "甲一镇"
    ids = {row[0] for row in data["cases"]["rows"]}
    assert ids == {case.pk for case in mapped["township_a1"]}
    for layer in ("cases", "tips", "inspections"):
        assert data[layer]["rows"], layer
        for row in data[layer]["rows"]:
            assert inside(BOXES["township_a1"], row[1], row[2]), (layer, row)
    assert [r["name"] for r in data["regions"]] == ["甲一村"]
    assert data["totals"] == {"total": 2, "closed": 1, "overdue": 0, "rate": 50.0}


def test_county_sees_its_townships_never_the_neighbour_county(area, mapped, api_for):
    data = answer(api_for(area["users"]["county"]))
    ids = {row[0] for row in data["cases"]["rows"]}
    assert ids == {c.pk for t in ("township_a1", "township_a2") for c in mapped[t]}
    for layer in ("cases", "tips", "inspections"):
        for row in data[layer]["rows"]:
            assert inside(BOXES["county_a"], row[1], row[2]), (layer, row)
    assert {r["name"]: (r["total"], r["closed"], r["rate"]) for r in data["regions"]} == {
        "甲一镇": (2, 1, 50.0),
        "甲二乡": (2, 1, 50.0),
    }
    assert data["regions"][0]["url"] == (
        f"{reverse('rectification:case_list')}?township={area['township_a1'].pk}"
    )


def test_a_bbox_over_the_neighbour_county_adds_nothing_from_it(area, mapped, api_for):
    data = answer(api_for(area["users"]["county"]), bbox="123,43,129,47")
    assert len(data["cases"]["rows"]) == 4
    data = answer(api_for(area["users"]["county"]), bbox="126,44,128,46")
    assert data["cases"]["rows"] == [] and data["tips"]["rows"] == []


def test_city_is_binned_and_its_bins_count_exactly_its_cases(area, mapped, api_for):
    data = answer(api_for(area["users"]["city"]))
    assert data["mode"] == "bins" and data["cell"] > 0
    fields = data["cases"]["fields"]
    total = sum(row[fields.index("count")] for row in data["cases"]["rows"])
    assert total == 6
    closed = sum(row[fields.index("closed")] for row in data["cases"]["rows"])
    assert closed == 3
    for row in data["cases"]["rows"]:
        assert inside(BOXES["city"], row[0], row[1])
    assert {r["name"] for r in data["regions"]} == {"甲县", "乙县"}


def test_county_b_office_never_sees_county_a(area, mapped, api_for):
    data = answer(api_for(area["users"]["county_b"]))
    assert {row[0] for row in data["cases"]["rows"]} == {c.pk for c in mapped["township_b1"]}


def test_a_region_outside_the_area_answers_404(area, mapped, api_for):
    client = api_for(area["users"]["clerk"])
    assert client.get(reverse("map-view"), {"region": area["township_a2"].code}).status_code == 404
    assert (
        client.get(reverse("map-boundaries"), {"region": area["county_a"].code}).status_code == 404
    )
    other = mapped["township_a2"][0]
    assert client.get(reverse("map-card", args=["case", other.pk])).status_code == 404


def test_boundaries_are_the_area_and_its_places_as_geojson(area, mapped, api_for):
    data = api_for(area["users"]["county"]).get(reverse("map-boundaries")).json()
    roles = {f["properties"]["label"]: f["properties"]["role"] for f in data["features"]}
    assert roles == {"甲县": "area", "甲一镇": "child", "甲二乡": "child", "甲一村": "grandchild"}
    assert data["bbox"] == list(BOXES["county_a"])
    clerk = api_for(area["users"]["clerk"]).get(reverse("map-boundaries")).json()
    assert {f["properties"]["label"] for f in clerk["features"]} == {"甲一镇", "甲一村"}


def test_filters_are_the_case_lists(area, mapped, api_for):
    client = api_for(area["users"]["county"])
    data = answer(client, state="closed")
    assert {row[0] for row in data["cases"]["rows"]} == {
        mapped[t][1].pk for t in ("township_a1", "township_a2")
    }
    data = answer(client, township=area["township_a2"].pk)
    assert {row[0] for row in data["cases"]["rows"]} == {c.pk for c in mapped["township_a2"]}
    response = client.get(reverse("map-view"), {"state": "nonsense"})
    assert response.status_code == 400
    assert "状态" in response.json()["detail"]


def test_points_carry_overdue_relapse_and_sample_flags(area, mapped, api_for):
    late = located_case(
        area, deadline=timezone.localdate() - datetime.timedelta(days=3), is_relapse=True
    )
    plan(area, seed=7, share="1.00")  # every enterprise of county 甲 in this round's sample
    data = answer(api_for(area["users"]["county"]))
    flags = {row[0]: row[4] for row in data["cases"]["rows"]}
    assert flags[late.pk] & OVERDUE and flags[late.pk] & RELAPSE
    assert not flags[mapped["township_a1"][1].pk] & OVERDUE
    # The May 2024 round is the latest, so it is "this round".
    assert all(flag & SAMPLE for flag in flags.values())


def test_unlocated_enterprises_are_counted_with_the_link_to_that_list(
    area, mapped, api_for, client_for
):
    data = answer(api_for(area["users"]["clerk"]))
    assert data["unlocated"]["count"] == 1
    assert data["unlocated"]["url"] == (
        f"{reverse('enterprises:list')}?located=false&township={area['township_a1'].code}"
    )
    page = client_for(area["users"]["clerk"]).get(data["unlocated"]["url"])
    assert page.context["page"].paginator.count == 1


def test_ledger_filter_lists_the_enterprises_without_a_point(area, mapped, client_for):
    page = client_for(area["users"]["clerk"]).get(reverse("enterprises:list"), {"located": "false"})
    assert page.context["page"].paginator.count == 1


def test_card_shows_the_case_and_links_to_it(area, mapped, api_for):
    case = mapped["township_a1"][0]
    card = api_for(area["users"]["clerk"]).get(reverse("map-card", args=["case", case.pk])).json()
    assert card["title"] == case.enterprise.name
    assert ["所在乡镇", "甲一镇"] in card["rows"]
    assert card["url"] == reverse("rectification:case_detail", args=[case.pk])


def test_a_gcj02_tile_source_gets_converted_coordinates(area, mapped, api_for, settings):
    settings.QINGLING_MAP_TILES_URL = "http://tiles.intranet.example/{z}/{x}/{y}.png"
    settings.QINGLING_MAP_TILES_CRS = "gcj02"
    case = mapped["township_a1"][0]
    data = answer(api_for(area["users"]["clerk"]))
    assert data["crs"] == "gcj02" and data["tiles"]["url"].startswith("http://tiles")
    row = next(r for r in data["cases"]["rows"] if r[0] == case.pk)
    expected = wgs84_to_gcj02(float(case.enterprise.longitude), float(case.enterprise.latitude))
    assert (row[1], row[2]) == pytest.approx(expected, abs=1e-5)


def test_the_schema_says_coordinates_are_wgs84(api_for, area):
    schema = api_for(area["users"]["county"]).get("/api/schema/", {"format": "json"})
    assert "WGS-84" in schema.content.decode()


# Region, boundary box, the place figures, the points (or bins), tips, inspections, the
# running spot-check round, 未定位.
@pytest.mark.parametrize(("user", "queries"), [("clerk", 9), ("county", 9), ("city", 9)])
def test_the_map_takes_a_fixed_number_of_queries(
    area, mapped, api_for, django_assert_num_queries, user, queries
):
    client = api_for(area["users"][user])
    with django_assert_num_queries(queries):
        answer(client)
    for number in range(10):
        township = "township_a1" if user == "clerk" or number % 2 else "township_a2"
        located_case(area, township, offset=0.4 + number / 100)
        located_case(area, township, state=CaseState.CLOSED, offset=0.5)
        TipFactory(county=area["county_a"], township=area[township], received_at=timezone.now())
    with django_assert_num_queries(queries):
        answer(client)
