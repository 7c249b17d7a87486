"""The boundaries a map draws, as one GeoJSON FeatureCollection: the shown area, the places one
level below it and, for a county, the villages whose boundaries are known. Features are named by
region code (names repeat: many townships have a 新发村), with the name in `label`.

Boundaries as published carry a vertex every few metres (a county's outline: tens of thousands
of points), far more than a map of a city or a province can show. Each is simplified for the
shown area's scale (Douglas–Peucker, `simplified`): no vertex moves more than the area's extent
/ DETAIL_STEPS off the drawn line, about a pixel of an A3 print and less on a screen.
Simplified shapes are kept per boundary, upload time and tolerance, so a shape is simplified
once per process, not on every request."""

import math
from collections import OrderedDict

from accounts.models import Region

from .coordinates import WGS84, convert_geometry, converter
from .models import RegionBoundary

# The tolerance is the shown area's extent divided into this many steps: about one pixel of
# an A3 wall print at 150 dpi (2,480 px across), less than one on a screen.
DETAIL_STEPS = 2500
# Simplified geometries kept per process (the province's cities, a city's counties …).
KEPT_SHAPES = 2048
_kept = OrderedDict()


def tolerance_for(west, south, east, north):
    """The simplification tolerance, in degrees of latitude, for a map showing this box."""
    width = (east - west) * math.cos(math.radians((south + north) / 2))
    return max(width, north - south) / DETAIL_STEPS


def _deviation(point, start, end, x_scale):
    """Distance of `point` from the segment start–end, longitudes scaled by x_scale."""
    px, py = point[0] * x_scale, point[1]
    ax, ay = start[0] * x_scale, start[1]
    bx, by = end[0] * x_scale, end[1]
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if length == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _keep_between(points, first, last, tolerance, x_scale, keep):
    """Douglas–Peucker over points[first..last], marking the kept vertices (iterative: a ring
    of 100,000 points would exceed Python's recursion limit)."""
    stack = [(first, last)]
    while stack:
        first, last = stack.pop()
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            deviation = _deviation(points[index], points[first], points[last], x_scale)
            if deviation > distance:
                farthest, distance = index, deviation
        if farthest is not None:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))


def simplify_ring(ring, tolerance):
    """A closed ring with every vertex of `ring` within `tolerance` (degrees of latitude;
    longitudes scaled by the cosine of the latitude) of it, made of vertices of `ring`; None
    when the whole ring is smaller than the tolerance (an islet or hole the scale cannot show)."""
    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    if len(points) < 3:
        return None
    x_scale = math.cos(math.radians(sum(point[1] for point in points) / len(points)))
    # A closed ring has no ends: split it at the vertex farthest from its first.
    far = max(
        range(len(points)), key=lambda i: _deviation(points[i], points[0], points[0], x_scale)
    )
    if _deviation(points[far], points[0], points[0], x_scale) <= tolerance:
        return None
    keep = [False] * len(points)
    keep[0] = keep[far] = True
    closed = [*points, points[0]]
    _keep_between(closed, 0, far, tolerance, x_scale, keep)
    keep.append(True)
    _keep_between(closed, far, len(points), tolerance, x_scale, keep)
    kept = [point for point, wanted in zip(closed, keep, strict=True) if wanted]
    if len(kept) < 4:
        # A sliver: three vertices at least, so the ring stays a polygon.
        third = max(
            (i for i in range(len(points)) if i not in (0, far)),
            key=lambda i: _deviation(points[i], points[0], points[far], x_scale),
        )
        kept = [points[i] for i in sorted((0, far, third))] + [points[0]]
    return kept


def simplified(geometry, tolerance):
    """The Polygon or MultiPolygon with each ring simplified; rings too small for the scale are
    left out (a polygon's outer ring never: it then keeps its original ring)."""
    if tolerance <= 0:
        return geometry
    decimals = min(6, max(3, math.ceil(-math.log10(tolerance)) + 1))

    def polygon(rings):
        result = []
        for position, ring in enumerate(rings):
            thinner = simplify_ring(ring, tolerance)
            if thinner is None:
                if position:
                    continue
                thinner = ring
            result.append([[round(x, decimals), round(y, decimals)] for x, y, *_ in thinner])
        return result

    if geometry.get("type") == "Polygon":
        return {"type": "Polygon", "coordinates": polygon(geometry["coordinates"])}
    if geometry.get("type") == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [polygon(rings) for rings in geometry["coordinates"]],
        }
    return geometry


def shape_for_scale(boundary, tolerance):
    """The boundary's geometry simplified for `tolerance`, simplified once per process."""
    key = (boundary.pk, boundary.uploaded_at, round(tolerance, 9))
    shape = _kept.get(key)
    if shape is None:
        shape = simplified(boundary.geometry, tolerance)
        _kept[key] = shape
        if len(_kept) > KEPT_SHAPES:
            _kept.popitem(last=False)
    else:
        _kept.move_to_end(key)
    return shape


def boundaries_of(user, area, crs):
    levels = [area.level, area.level + 1]
    if area.level >= Region.Level.COUNTY:
        levels.append(area.level + 2)
    rows = (
        RegionBoundary.objects.visible_within(user, area.path)
        .filter(region__level__in=levels)
        .select_related("region")
        .order_by("region__level", "region__code")
    )
    rows = [
        boundary
        for boundary in rows
        if boundary.region.level != area.level or boundary.region.pk == area.pk
    ]
    convert = converter(crs)
    shown = next((b for b in rows if b.region.pk == area.pk), None)
    tolerance = tolerance_for(*shown.bbox) if shown is not None else 0
    features = []
    bbox = None
    for boundary in rows:
        region = boundary.region
        geometry = shape_for_scale(boundary, tolerance)
        if crs != WGS84:
            geometry = convert_geometry(geometry, convert)
        role = {area.level: "area", area.level + 1: "child"}.get(region.level, "grandchild")
        if role == "area":
            west, south = convert(boundary.west, boundary.south)
            east, north = convert(boundary.east, boundary.north)
            bbox = [round(v, 6) for v in (west, south, east, north)]
        features.append(
            {
                "type": "Feature",
                "id": region.code,
                "properties": {
                    "name": region.code,
                    "label": region.name,
                    "level": region.level,
                    "role": role,
                    "parent": region.path.rstrip("/").split("/")[-2]
                    if role == "grandchild"
                    else None,
                },
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "crs_name": crs, "bbox": bbox, "features": features}
