"""Region boundaries (行政区划边界): one GeoJSON polygon per region, as the natural-resources or
civil-affairs office publishes it, uploaded by an administrator (maps.boundaries checks it).
Stored in WGS-84 longitude/latitude degrees, with its bounding box for quick containment checks."""

from django.conf import settings
from django.db import models

from accounts.models import AreaScoped, Region


class RegionBoundary(AreaScoped):
    region = models.OneToOneField(
        Region, verbose_name="行政区域", on_delete=models.CASCADE, related_name="boundary"
    )
    # A GeoJSON geometry, Polygon or MultiPolygon, WGS-84 (EPSG:4326) [经度, 纬度] degrees.
    geometry = models.JSONField("边界（GeoJSON，WGS-84）")
    west = models.FloatField("最小经度")
    south = models.FloatField("最小纬度")
    east = models.FloatField("最大经度")
    north = models.FloatField("最大纬度")
    source = models.CharField(
        "来源", max_length=200, blank=True, help_text="如：县自然资源局 2024 年行政区划数据"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now=True)

    class Meta:
        verbose_name = "行政区划边界"
        verbose_name_plural = "行政区划边界"
        ordering = ["region_path"]

    def __str__(self):
        return f"{self.region.name}边界"

    def place_path(self):
        return self.region.path

    @property
    def bbox(self):
        return [self.west, self.south, self.east, self.north]
