"""Boundaries are simplified for the shown area's scale (maps.geometry, Douglas–Peucker): a
published outline with a vertex every few hundred metres reaches a city's map in a fraction of
its size, every dropped vertex within the tolerance of the drawn line, small shapes unchanged;
the demo's city office gets a small answer."""

import itertools
import json
import math

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from maps.boundaries import store_boundary
from maps.geometry import _deviation, simplified, simplify_ring, tolerance_for
from tests.factories.maps import BOXES, square

pytestmark = pytest.mark.django_db

CENTRE = (126.0, 46.0)


def jagged_outline(vertices=4000, radius=1.5, wiggle=0.0004):
    """A city-sized closed ring as surveyed: a lobed outline with small wiggles at every vertex."""
    ring = []
    for index in range(vertices):
        angle = 2 * math.pi * index / vertices
        r = radius * (1 + 0.15 * math.sin(5 * angle) + 0.05 * math.sin(17 * angle))
        r += wiggle * (1 if index % 2 else -1)
        ring.append([CENTRE[0] + r * math.cos(angle), CENTRE[1] + r * math.sin(angle)])
    return [*ring, ring[0]]


def point_count(geometry):
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return sum(len(ring) for rings in polygons for ring in rings)


def test_every_dropped_vertex_lies_within_the_tolerance_of_the_simplified_ring():
    ring = jagged_outline()
    tolerance = tolerance_for(124.0, 44.0, 128.0, 48.0)
    thinner = simplify_ring(ring, tolerance)
    assert thinner[0] == thinner[-1] and len(thinner) >= 4
    assert len(thinner) < len(ring) / 5
    position = {tuple(point): index for index, point in enumerate(ring[:-1])}
    kept = [position[tuple(point)] for point in thinner[:-1]]  # vertices of the original
    assert kept == sorted(kept)
    x_scale = math.cos(math.radians(CENTRE[1]))
    bounds = [*kept, len(ring) - 1]
    for start, end in itertools.pairwise(bounds):
        for index in range(start + 1, end):
            assert _deviation(ring[index], ring[start], ring[end], x_scale) <= tolerance


def test_a_shape_smaller_than_the_scale_keeps_its_outer_ring_and_drops_its_islets():
    tolerance = 0.01
    islet = square(125.0, 45.0, 125.001, 45.001)["coordinates"][0]
    outer = square(124.0, 44.0, 126.0, 46.0)["coordinates"][0]
    shape = simplified(
        {"type": "MultiPolygon", "coordinates": [[outer, islet], [islet]]}, tolerance
    )
    assert shape["coordinates"][0] == [outer]  # the hole under the scale is left out
    assert shape["coordinates"][1] == [islet]  # an islet's own outline stays
    assert simplified(square(*BOXES["city"]), tolerance) == square(*BOXES["city"])


def test_a_city_map_gets_its_published_outline_in_a_fraction_of_its_size(area, api_for):
    store_boundary(area["province"], square(*BOXES["province"]), source="测试")
    outline = {"type": "Polygon", "coordinates": [jagged_outline()]}
    store_boundary(area["city"], outline, source="测试")
    response = api_for(area["users"]["city"]).get(reverse("map-boundaries"))
    shown = next(f for f in response.json()["features"] if f["properties"]["role"] == "area")
    assert point_count(shown["geometry"]) < point_count(outline) / 5
    assert len(response.content) < len(json.dumps(outline)) / 5
    # The same outline on the province's map is drawn coarser still.
    province = api_for(area["users"]["admin"]).get(reverse("map-boundaries")).json()
    city = next(f for f in province["features"] if f["properties"]["label"] == "测试市")
    assert point_count(city["geometry"]) < point_count(shown["geometry"])


def test_the_demo_city_office_gets_a_small_boundary_answer(api_for):
    call_command("seed_demo", size=120)
    response = api_for(User.objects.get(username="city")).get(reverse("map-boundaries"))
    assert response.status_code == 200
    assert response.json()["features"]
    assert len(response.content) < 20_000
