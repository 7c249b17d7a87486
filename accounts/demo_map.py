"""Generated boundaries for the demo's region tree, and points inside them for the demo ledger.

No real boundary may ship with the demo, so each place is a Voronoi cell of its parent: the
parent's polygon cut by the half-planes that keep it nearer its own seed than its siblings'.
Seeds are fixed for the demo city and its counties (near the real places, so a configured
天地图 node shows them where they are) and drawn from a generator keyed by the parent's code
for everything else. The cells of absent siblings (a small demo has two of 佳木斯's ten
counties) are computed all the same, so 桦川县 has one shape at every demo size.

Coordinates are WGS-84 longitude/latitude degrees, rounded to six decimals (≈0.1 m).
"""

import math
import random

# 黑龙江省, coarsely: a hand-drawn outline around the real province (lon 121–135, lat 43–53).
PROVINCE_OUTLINE = [
    (121.6, 50.2), (123.3, 53.4), (125.6, 53.1), (127.6, 50.4), (130.6, 48.9),
    (133.6, 48.4), (134.9, 47.9), (133.3, 45.1), (131.3, 44.0), (129.6, 43.5),
    (127.1, 44.5), (124.6, 45.4), (122.1, 47.1),
]  # fmt: skip

# Seeds by region code. The province's cities: 佳木斯 and the eleven synthetic ones.
SEEDS = {
    "230800000000": (131.6, 47.0),
    **{
        f"23{50 + index:02d}00000000": point
        for index, point in enumerate(
            [
                (124.0, 52.0), (126.3, 51.3), (127.5, 49.3), (124.3, 49.0), (125.5, 47.3),
                (123.6, 46.6), (127.2, 46.1), (128.9, 47.5), (129.4, 45.2), (131.5, 45.1),
                (126.5, 45.0),
            ]
        )
    },
    # 佳木斯's county-level divisions, near their real seats.
    "230826000000": (130.75, 47.05),  # 桦川县
    "230822000000": (130.55, 46.25),  # 桦南县
    "230803000000": (130.30, 46.85),  # 向阳区
    "230804000000": (130.45, 46.70),  # 前进区
    "230805000000": (130.60, 46.78),  # 东风区
    "230811000000": (130.20, 46.60),  # 郊区
    "230828000000": (129.85, 46.75),  # 汤原县
    "230881000000": (132.50, 47.65),  # 同江市
    "230882000000": (132.05, 47.25),  # 富锦市
    "230883000000": (134.25, 48.30),  # 抚远市
    # No place of the demo: neighbours that keep 桦川县 to its real size.
    "230896000000": (131.70, 47.35),
    "230897000000": (131.55, 46.60),
    "230898000000": (130.95, 48.10),
    "230899000000": (130.85, 47.55),
}  # fmt: skip


def clip(polygon, keep):
    """Sutherland–Hodgman: the part of `polygon` where keep(point) >= 0 (keep is affine)."""
    result = []
    for index, current in enumerate(polygon):
        previous = polygon[index - 1]
        current_in, previous_in = keep(current) >= 0, keep(previous) >= 0
        if current_in != previous_in:
            a, b = keep(previous), keep(current)
            t = a / (a - b)
            result.append(
                (
                    previous[0] + t * (current[0] - previous[0]),
                    previous[1] + t * (current[1] - previous[1]),
                )
            )
        if current_in:
            result.append(current)
    return result


def voronoi_cells(polygon, seeds):
    """The cell of each seed inside `polygon`: the points nearer it than any other seed."""
    cells = []
    for index, (sx, sy) in enumerate(seeds):
        cell = list(polygon)
        for other, (ox, oy) in enumerate(seeds):
            if other == index or not cell:
                continue
            mx, my = (sx + ox) / 2, (sy + oy) / 2
            dx, dy = sx - ox, sy - oy

            def keep(point, mx=mx, my=my, dx=dx, dy=dy):
                return (point[0] - mx) * dx + (point[1] - my) * dy

            cell = clip(cell, keep)
        cells.append(cell)
    return cells


def bounds(polygon):
    xs = [x for x, _ in polygon]
    ys = [y for _, y in polygon]
    return min(xs), min(ys), max(xs), max(ys)


def contains(polygon, point):
    """Ray casting: whether the point lies inside the (simple) polygon."""
    x, y = point
    inside = False
    for index, (x1, y1) in enumerate(polygon):
        x2, y2 = polygon[index - 1]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def random_point(polygon, rng):
    """A uniformly random point inside the polygon (rejection from its box)."""
    west, south, east, north = bounds(polygon)
    for _ in range(200):
        point = (rng.uniform(west, east), rng.uniform(south, north))
        if contains(polygon, point):
            return point
    return centre(polygon)


def centre(polygon):
    return (sum(x for x, _ in polygon) / len(polygon), sum(y for _, y in polygon) / len(polygon))


def spread_seeds(polygon, count, rng, candidates=12):
    """`count` seeds inside the polygon, each the best of a few candidates (farthest from the
    seeds so far), so cells come out of similar size."""
    seeds = []
    for _ in range(count):
        best, best_distance = None, -1.0
        for _ in range(candidates if seeds else 1):
            point = random_point(polygon, rng)
            distance = min((math.dist(point, seed) for seed in seeds), default=0.0)
            if distance > best_distance:
                best, best_distance = point, distance
        seeds.append(best)
    return seeds


def rounded(polygon):
    ring = [(round(x, 6), round(y, 6)) for x, y in polygon]
    return [*ring, ring[0]]


class DemoMap:
    """The demo's shapes: `shape(region)` is the region's polygon (a list of (lon, lat)),
    computed top down from the province outline and kept."""

    def __init__(self, regions):
        self.by_pk = {region.pk: region for region in regions}
        self.children = {}
        for region in sorted(regions, key=lambda r: r.code):
            self.children.setdefault(region.parent_id, []).append(region)
        self.shapes = {}

    def shape(self, region):
        if region.pk in self.shapes:
            return self.shapes[region.pk]
        parent = self.by_pk.get(region.parent_id)
        if parent is None:
            polygon = list(PROVINCE_OUTLINE)
            self.shapes[region.pk] = polygon
            return polygon
        self.divide(parent)
        return self.shapes.get(region.pk) or []

    def divide(self, parent):
        outline = self.shape(parent)
        children = self.children.get(parent.pk, [])
        if not children or not outline:
            return
        # Every seeded place under the parent takes part, present or not, so a place's shape
        # does not depend on which of its siblings the demo built.
        fixed = [code for code in SEEDS if self.is_child_code(parent, code)]
        free = [child for child in children if child.code not in SEEDS]
        rng = random.Random(parent.code)
        seeds = [SEEDS[code] for code in fixed] + spread_seeds(outline, len(free), rng)
        cells = voronoi_cells(outline, seeds)
        cell_of = dict(zip(fixed, cells, strict=False))
        for child, cell in zip(free, cells[len(fixed) :], strict=True):
            self.shapes[child.pk] = cell
        for child in children:
            if child.code in cell_of:
                self.shapes[child.pk] = cell_of[child.code]

    @staticmethod
    def is_child_code(parent, code):
        """Whether a seeded code names a place one level below `parent` (codes: 2-digit
        province, 4-digit city, 6-digit county prefixes)."""
        digits = {1: 2, 2: 4}.get(parent.level)
        if digits is None:
            return False
        return (
            code.startswith(parent.code[:digits])
            and code != parent.code
            and code[digits + 2 :].strip("0") == ""
        )

    def geometry(self, region):
        """The region's shape as a GeoJSON Polygon geometry, or None."""
        polygon = self.shape(region)
        if len(polygon) < 3:
            return None
        return {"type": "Polygon", "coordinates": [[list(point) for point in rounded(polygon)]]}

    def point_in(self, region, rng):
        polygon = self.shape(region)
        if len(polygon) < 3:
            return None
        x, y = random_point(polygon, rng)
        return round(x, 6), round(y, 6)
