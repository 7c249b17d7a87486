"""Boundaries for the test area (tests.factories.accounts.build_area): squares nested as the
regions are, so every point test knows which place a coordinate lies in."""

import datetime

from django.utils import timezone

from maps.boundaries import store_boundary
from rectification.models import CaseState
from tests.factories.rectification import CaseFactory, new_enterprise

# (west, south, east, north) of each region key of build_area.
BOXES = {
    "province": (120.0, 40.0, 130.0, 50.0),
    "city": (124.0, 44.0, 128.0, 48.0),
    "county_a": (124.0, 44.0, 126.0, 46.0),
    "county_b": (126.0, 44.0, 128.0, 46.0),
    "township_a1": (124.0, 44.0, 125.0, 45.0),
    "township_a2": (125.0, 44.0, 126.0, 45.0),
    "township_b1": (126.0, 44.0, 127.0, 45.0),
    "village_a1": (124.0, 44.0, 124.5, 44.5),
}


def square(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


def with_boundaries(area):
    """Store a square boundary for each region of the area, parents first."""
    for key, box in BOXES.items():
        store_boundary(area[key], square(*box), source="测试")
    return area


def located_case(area, township="township_a1", state=CaseState.IN_PROGRESS, offset=0.1, **kwargs):
    """A case of an enterprise placed `offset` degrees inside the township's south-west corner."""
    west, south, _east, _north = BOXES[township]
    enterprise = new_enterprise(
        area, township, longitude=f"{west + offset:.6f}", latitude=f"{south + offset:.6f}"
    )
    defaults = {"deadline": timezone.localdate() + datetime.timedelta(days=10)}
    if state == CaseState.CLOSED:
        defaults["closed_on"] = timezone.localdate()
    return CaseFactory(enterprise=enterprise, state=state, **(defaults | kwargs))
