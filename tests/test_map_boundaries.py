"""Region boundaries: an administrator uploads a GeoJSON per region in the admin; a file that is
not a Polygon/MultiPolygon of closed rings of degrees in range, or lies outside the parent's
extent, is refused with a Chinese reason and nothing is stored."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.refusals import Refused
from maps.boundaries import parse_geojson, store_boundary
from maps.models import RegionBoundary
from tests.factories.maps import BOXES, square, with_boundaries


def feature(geometry):
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": geometry}],
    }


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "JSON 格式错误"),
        (json.dumps({"features": []}), "缺少 type"),
        (json.dumps({"type": "FeatureCollection", "features": []}), "没有任何要素"),
        (
            json.dumps(feature({"type": "Point", "coordinates": [125, 45]})),
            "Polygon 或 MultiPolygon",
        ),
        (
            json.dumps(feature({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]})),
            "至少需要 4 个坐标点",
        ),
        (
            json.dumps(
                feature(
                    {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0.5]]]}
                )
            ),
            "没有闭合",
        ),
        (json.dumps(feature(square(500000, 4000000, 510000, 4010000))), "超出范围"),
        (
            json.dumps(
                feature({"type": "Polygon", "coordinates": [[["a", 0], [1, 0], [1, 1], [0, 0]]]})
            ),
            "数值",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [feature(square(0, 0, 1, 1))["features"][0]] * 2,
                }
            ),
            "只能包含一个区域",
        ),
    ],
)
def test_a_bad_geojson_is_refused_with_the_reason(text, reason):
    with pytest.raises(Refused) as refused:
        parse_geojson(text)
    assert reason in refused.value.message


def test_a_feature_a_collection_and_a_bare_multipolygon_are_accepted():
    polygon = square(124, 44, 125, 45)
    multi = {"type": "MultiPolygon", "coordinates": [polygon["coordinates"]]}
    assert parse_geojson(json.dumps(feature(polygon))) == polygon
    assert parse_geojson(json.dumps({"type": "Feature", "geometry": polygon})) == polygon
    assert parse_geojson(json.dumps(multi)) == multi


def test_a_boundary_outside_the_parent_extent_is_refused_and_nothing_stored(area):
    with_boundaries(area)
    before = RegionBoundary.objects.get(region=area["township_a1"]).geometry
    with pytest.raises(Refused) as refused:
        store_boundary(area["township_a1"], square(127.0, 44.0, 127.5, 44.5))
    assert "超出上级区域“甲县”的范围" in refused.value.message
    assert RegionBoundary.objects.get(region=area["township_a1"]).geometry == before


def upload(client, region, geometry_or_text, source="县自然资源局"):
    text = (
        geometry_or_text
        if isinstance(geometry_or_text, str)
        else json.dumps(feature(geometry_or_text))
    )
    return client.post(
        reverse("admin:maps_regionboundary_add"),
        {
            "region": region.pk,
            "source": source,
            "file": SimpleUploadedFile("boundary.geojson", text.encode(), "application/geo+json"),
        },
    )


def test_administrator_uploads_a_township_boundary_in_the_admin(area, client_for):
    store_boundary(area["county_a"], square(*BOXES["county_a"]))
    client = client_for(area["users"]["admin"])
    response = upload(client, area["township_a2"], square(*BOXES["township_a2"]))
    assert response.status_code == 302
    boundary = RegionBoundary.objects.get(region=area["township_a2"])
    assert boundary.bbox == [125.0, 44.0, 126.0, 45.0]
    assert boundary.region_path == area["township_a2"].path
    assert boundary.uploaded_by == area["users"]["admin"]


def test_admin_upload_of_a_bad_file_shows_the_chinese_reason_and_stores_nothing(area, client_for):
    store_boundary(area["county_a"], square(*BOXES["county_a"]))
    client = client_for(area["users"]["admin"])
    response = upload(client, area["township_a2"], square(128.0, 44.0, 129.0, 45.0))
    assert response.status_code == 200
    assert "超出上级区域“甲县”的范围" in response.content.decode()
    response = upload(
        client, area["township_a2"], json.dumps(feature({"type": "LineString", "coordinates": []}))
    )
    assert "此文件为 LineString" in response.content.decode()
    assert not RegionBoundary.objects.filter(region=area["township_a2"]).exists()
