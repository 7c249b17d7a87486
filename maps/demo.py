"""Demo boundaries: the generated shapes of accounts.demo_map stored as if an administrator had
uploaded them — the province, its cities, counties and townships, and the demo county's
villages. Idempotent: a region that already has a boundary keeps it."""

from accounts.models import Region

from .boundaries import box
from .models import RegionBoundary

SOURCE = "演示数据（生成的示意边界，非法定界线）"


def seed(context):
    demo_map = context.get("demo_map")
    if demo_map is None:
        return
    county = context["county"]
    have = set(RegionBoundary.objects.values_list("region_id", flat=True))
    rows = []
    for region in demo_map.by_pk.values():
        if region.pk in have:
            continue
        if region.level == Region.Level.VILLAGE and not region.path.startswith(county.path):
            continue
        geometry = demo_map.geometry(region)
        if geometry is None:
            continue
        west, south, east, north = box(geometry)
        rows.append(
            RegionBoundary(
                region_id=region.pk,
                region_path=region.path,
                geometry=geometry,
                west=west,
                south=south,
                east=east,
                north=north,
                source=SOURCE,
            )
        )
    RegionBoundary.objects.bulk_create(rows, batch_size=1000)
    stdout = context.get("stdout")
    if stdout and rows:
        stdout.write(f"一张图：已生成 {len(rows)} 个区域的示意边界。")
