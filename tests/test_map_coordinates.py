"""Coordinates are stored in WGS-84; GCJ-02 (consumer tile sources) is reached by a tested
conversion, and back by iteration."""

import math

import pytest

from maps.coordinates import gcj02_to_wgs84, wgs84_to_gcj02


def metres(a, b):
    lat = math.radians((a[1] + b[1]) / 2)
    return math.hypot((a[0] - b[0]) * 111_320 * math.cos(lat), (a[1] - b[1]) * 110_540)


@pytest.mark.parametrize(
    "point", [(130.72, 47.02), (116.397, 39.909), (121.47, 31.23), (113.26, 23.13), (87.6, 43.8)]
)
def test_gcj02_shifts_a_point_in_china_by_a_few_hundred_metres_and_converts_back(point):
    shifted = wgs84_to_gcj02(*point)
    assert 50 < metres(point, shifted) < 1000
    back = gcj02_to_wgs84(*shifted)
    assert metres(point, back) < 0.01


def test_gcj02_matches_the_reference_vector_of_the_common_implementations():
    # wgs84togcj02(116.404, 39.915) as the widely used coordtransform libraries print it.
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.41024449916938, abs=1e-9)
    assert lat == pytest.approx(39.91640428150164, abs=1e-9)


def test_points_outside_china_are_not_shifted():
    assert wgs84_to_gcj02(2.35, 48.86) == (2.35, 48.86)
    assert gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)
