"""Checking and storing an uploaded boundary: the GeoJSON a county's natural-resources office
exports (a FeatureCollection of one feature, a Feature, or a bare geometry), refused with a
Chinese sentence unless it is a Polygon or MultiPolygon of closed rings of [经度, 纬度] degrees
in range, lying inside the parent region's boundary box when the parent has one."""

import json

from accounts.refusals import Refused

from .models import RegionBoundary

# How far (degrees, ≈1 km) a child may stick out of its parent's box: published boundaries of
# neighbouring levels are digitised separately and never match to the metre.
PARENT_TOLERANCE = 0.01
MAX_POSITIONS = 200_000


def parse_geojson(text):
    """The geometry of an uploaded GeoJSON text, checked; Refused with the reason otherwise."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as error:
        raise Refused(f"文件不是有效的 GeoJSON（JSON 格式错误：{error}）。", field="file") from None
    if not isinstance(data, dict) or "type" not in data:
        raise Refused(
            "GeoJSON 缺少 type，应为 FeatureCollection、Feature 或 Polygon/MultiPolygon。",
            field="file",
        )
    kind = data["type"]
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise Refused("FeatureCollection 中没有任何要素（features 为空）。", field="file")
        if len(features) > 1:
            raise Refused(
                f"一个文件只能包含一个区域的边界，此文件有 {len(features)} 个要素；请按区域分别上传。",
                field="file",
            )
        data = features[0] if isinstance(features[0], dict) else {}
        kind = data.get("type")
    if kind == "Feature":
        data = data.get("geometry")
        kind = data.get("type") if isinstance(data, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        raise Refused(
            f"边界的几何类型须为 Polygon 或 MultiPolygon，此文件为 {kind or '空'}。", field="file"
        )
    coordinates = data.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise Refused("边界没有坐标（coordinates 为空）。", field="file")
    count = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise Refused("多边形没有坐标环。", field="file")
        for ring in polygon:
            count += check_ring(ring)
    if count > MAX_POSITIONS:
        raise Refused(
            f"边界坐标点过多（{count} 个，上限 {MAX_POSITIONS}），请先抽稀后上传。", field="file"
        )
    return {"type": kind, "coordinates": coordinates}


def check_ring(ring):
    if not isinstance(ring, list) or len(ring) < 4:
        raise Refused("多边形的每个环至少需要 4 个坐标点（首尾相同）。", field="file")
    for position in ring:
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
        ):
            raise Refused(
                f"坐标 {json.dumps(position)[:40]} 不是 [经度, 纬度] 数值。", field="file"
            )
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180) or not (-90 <= lat <= 90):
            raise Refused(
                f"坐标 [{lon}, {lat}] 超出范围：经度应在 -180～180，纬度应在 -90～90"
                "（请确认是经纬度而不是投影坐标，且经度在前）。",
                field="file",
            )
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise Refused("多边形的环没有闭合：首尾坐标须相同。", field="file")
    return len(ring)


def positions(geometry):
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    for polygon in polygons:
        for ring in polygon:
            yield from ring


def box(geometry):
    lons, lats = zip(*((p[0], p[1]) for p in positions(geometry)), strict=True)
    return min(lons), min(lats), max(lons), max(lats)


def check_inside_parent(region, west, south, east, north):
    parent = getattr(region.parent, "boundary", None) if region.parent_id else None
    if parent is None:
        return
    t = PARENT_TOLERANCE
    if (
        west < parent.west - t
        or south < parent.south - t
        or east > parent.east + t
        or north > parent.north + t
    ):
        raise Refused(
            f"边界超出上级区域“{region.parent.name}”的范围"
            f"（上级范围：经度 {parent.west:.4f}～{parent.east:.4f}，纬度 {parent.south:.4f}～{parent.north:.4f}；"
            f"此边界：经度 {west:.4f}～{east:.4f}，纬度 {south:.4f}～{north:.4f}）。请确认选择的区域和文件是否对应。",
            field="file",
        )


def store_boundary(region, geometry, *, by=None, source=""):
    """Check the geometry against the region's parent and keep it as the region's boundary."""
    west, south, east, north = box(geometry)
    check_inside_parent(region, west, south, east, north)
    boundary, _ = RegionBoundary.objects.update_or_create(
        region=region,
        defaults={
            "geometry": geometry,
            "west": west,
            "south": south,
            "east": east,
            "north": north,
            "source": source,
            "uploaded_by": by,
        },
    )
    return boundary
