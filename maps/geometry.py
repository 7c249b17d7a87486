"""The boundaries a map draws, as one GeoJSON FeatureCollection: the shown area, the places one
level below it and, for a county, the villages whose boundaries are known. Features are named by
region code (names repeat: many townships have a 新发村), with the name in `label`."""

from accounts.models import Region

from .coordinates import WGS84, convert_geometry, converter
from .models import RegionBoundary


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
    convert = converter(crs)
    features = []
    bbox = None
    for boundary in rows:
        region = boundary.region
        if region.level == area.level and region.pk != area.pk:
            continue
        geometry = (
            boundary.geometry if crs == WGS84 else convert_geometry(boundary.geometry, convert)
        )
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
