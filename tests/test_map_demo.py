"""The demo ships generated boundaries for 桦川县 and its townships (and villages), and puts the
demo ledger's points inside them, a few enterprises left without a point (未定位)."""

import pytest
from django.core.management import call_command

from accounts.demo_map import contains
from accounts.models import Region
from enterprises.models import Enterprise
from maps.models import RegionBoundary

pytestmark = pytest.mark.django_db


def test_demo_boundaries_nest_and_hold_the_demo_points():
    call_command("seed_demo", size=120)
    county = Region.objects.get(name="桦川县")
    county_box = RegionBoundary.objects.get(region=county)
    townships = list(county.children.all())
    boundaries = {b.region_id: b for b in RegionBoundary.objects.filter(region__in=townships)}
    assert len(boundaries) == len(townships) == 11
    for boundary in boundaries.values():
        assert county_box.west <= boundary.west and boundary.east <= county_box.east
        assert county_box.south <= boundary.south and boundary.north <= county_box.north
    assert RegionBoundary.objects.filter(region__parent__in=townships).count() == 44  # villages
    located = Enterprise.objects.filter(latitude__isnull=False, region_path__startswith=county.path)
    assert 0 < Enterprise.objects.filter(latitude__isnull=True).count() < 20
    for enterprise in located:
        ring = boundaries[enterprise.township_id].geometry["coordinates"][0]
        point = (float(enterprise.longitude), float(enterprise.latitude))
        assert contains([tuple(p) for p in ring[:-1]], point), enterprise.name
    call_command("seed_demo", size=120)
    assert RegionBoundary.objects.filter(region__in=townships).count() == 11
