"""Uploading boundaries in the admin: pick the region, choose the GeoJSON file; the file is
checked (maps.boundaries) and refused with the Chinese reason on the file field."""

from django import forms
from django.contrib import admin

from accounts.refusals import Refused

from .boundaries import box, check_inside_parent, parse_geojson
from .models import RegionBoundary

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class BoundaryUploadForm(forms.ModelForm):
    file = forms.FileField(
        label="边界文件（GeoJSON）",
        required=False,
        help_text="WGS-84 经纬度的 .geojson/.json 文件：一个 Polygon 或 MultiPolygon 要素。"
        "修改已有边界时不选文件则保留原边界。",
    )

    class Meta:
        model = RegionBoundary
        fields = ["region", "source"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        region = cleaned.get("region")
        if upload is None:
            if self.instance.pk is None:
                self.add_error("file", "请选择边界文件（GeoJSON）。")
            return cleaned
        if upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", "文件超过 20 MB，请先抽稀边界后上传。")
            return cleaned
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add_error("file", "文件不是 UTF-8 编码的文本（GeoJSON）。")
            return cleaned
        try:
            geometry = parse_geojson(text)
            if region is not None:
                check_inside_parent(region, *box(geometry))
        except Refused as refusal:
            self.add_error("file", refusal.message)
            return cleaned
        cleaned["geometry"] = geometry
        return cleaned

    def save(self, commit=True):
        boundary = super().save(commit=False)
        geometry = self.cleaned_data.get("geometry")
        if geometry is not None:
            boundary.geometry = geometry
            boundary.west, boundary.south, boundary.east, boundary.north = box(geometry)
        if commit:
            boundary.save()
        return boundary


@admin.register(RegionBoundary)
class RegionBoundaryAdmin(admin.ModelAdmin):
    form = BoundaryUploadForm
    list_display = ["region", "source", "uploaded_by", "uploaded_at"]
    search_fields = ["region__name", "region__code"]
    autocomplete_fields = ["region"]
    readonly_fields = ["west", "south", "east", "north", "uploaded_by", "uploaded_at"]

    def save_model(self, request, obj, form, change):
        obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
