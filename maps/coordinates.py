"""Coordinate systems. Qingling stores WGS-84 (phones' GPS; 天地图's CGCS2000 differs from it by
centimetres), and converts only at the edge, for a configured tile source drawn in GCJ-02 (the
offset "Mars" coordinates of consumer maps in China).

The GCJ-02 formulas are the published approximation of the state algorithm (Krasovsky 1940
ellipsoid); going back is by iteration, which converges to well under a centimetre in a few
steps. Outside China GCJ-02 equals WGS-84.
"""

import math

AXIS = 6378245.0  # Krasovsky 1940 semi-major axis, metres
ECCENTRICITY_SQUARED = 0.00669342162296594323

WGS84 = "wgs84"
GCJ02 = "gcj02"


def out_of_china(lon, lat):
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _shift(lon, lat):
    x, y = lon - 105.0, lat - 35.0
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * math.sqrt(abs(x))
        + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * math.sqrt(abs(x))
        + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * math.pi
    magic = 1 - ECCENTRICITY_SQUARED * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((AXIS * (1 - ECCENTRICITY_SQUARED)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (AXIS / sqrtmagic * math.cos(radlat) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat):
    """WGS-84 (lon, lat) degrees → GCJ-02."""
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _shift(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, tolerance=1e-9):
    """GCJ-02 (lon, lat) degrees → WGS-84, by fixed-point iteration on wgs84_to_gcj02."""
    if out_of_china(lon, lat):
        return lon, lat
    guess_lon, guess_lat = lon, lat
    for _ in range(30):
        shifted_lon, shifted_lat = wgs84_to_gcj02(guess_lon, guess_lat)
        error_lon, error_lat = shifted_lon - lon, shifted_lat - lat
        guess_lon, guess_lat = guess_lon - error_lon, guess_lat - error_lat
        if abs(error_lon) < tolerance and abs(error_lat) < tolerance:
            break
    return guess_lon, guess_lat


def converter(crs):
    """The function taking stored WGS-84 (lon, lat) to the display system `crs`."""
    if crs == GCJ02:
        return wgs84_to_gcj02
    return lambda lon, lat: (lon, lat)


def inverse_converter(crs):
    """The function taking display (lon, lat) in `crs` back to stored WGS-84."""
    if crs == GCJ02:
        return gcj02_to_wgs84
    return lambda lon, lat: (lon, lat)


def convert_geometry(geometry, convert):
    """A GeoJSON Polygon/MultiPolygon geometry with every position passed through `convert`."""

    def ring(positions):
        return [[round(v, 6) for v in convert(p[0], p[1])] for p in positions]

    if geometry["type"] == "Polygon":
        coordinates = [ring(r) for r in geometry["coordinates"]]
    else:
        coordinates = [[ring(r) for r in polygon] for polygon in geometry["coordinates"]]
    return {"type": geometry["type"], "coordinates": coordinates}
