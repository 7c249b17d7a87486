"""The optional tile layer: the intranet's own XYZ or WMTS (KVP, GoogleMapsCompatible) address,
e.g. a 天地图 intranet node, from QINGLING_MAP_TILES_URL with {z}/{x}/{y} (or {TileMatrix},
{TileCol}, {TileRow}) placeholders. Without it the map draws the boundaries only and nothing is
fetched from anywhere. QINGLING_MAP_TILES_CRS says which coordinates the tiles are drawn in:
wgs84 (天地图, CGCS2000 ≈ WGS-84; the default) or gcj02 (consumer maps), in which case every
coordinate the map API answers is converted to GCJ-02 (maps.coordinates)."""

from django.conf import settings

from .coordinates import GCJ02, WGS84


def tile_source():
    url = getattr(settings, "QINGLING_MAP_TILES_URL", "")
    if not url:
        return None
    return {
        "url": url,
        "crs": display_crs(),
        "attribution": getattr(settings, "QINGLING_MAP_TILES_ATTRIBUTION", ""),
        "max_zoom": getattr(settings, "QINGLING_MAP_TILES_MAX_ZOOM", 18),
    }


def display_crs():
    """The coordinate system of the map's answers: the tile source's, WGS-84 without one."""
    if not getattr(settings, "QINGLING_MAP_TILES_URL", ""):
        return WGS84
    crs = getattr(settings, "QINGLING_MAP_TILES_CRS", WGS84)
    return GCJ02 if crs == GCJ02 else WGS84
