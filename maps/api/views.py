"""/api/map/ (the map of the user's area: figures per place, case points or bins, tips and
inspections, 未定位), /api/map/boundaries/ (GeoJSON) and /api/map/cards/<kind>/<id>/ (the card a
click on a point opens). Every answer is limited to the user's area; a place or object outside
it answers 404."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from rectification.filters import CaseFilter

from .. import cards, figures, tiles
from ..geometry import boundaries_of

CRS_NOTE = (
    "坐标：库中一律存 WGS-84（EPSG:4326，[经度, 纬度]，度）；手机定位为 WGS-84，天地图 CGCS2000 "
    "与之相差厘米级。只有配置了 GCJ-02 瓦片源（QINGLING_MAP_TILES_CRS=gcj02）时，应答中的坐标"
    "转换为 GCJ-02，`crs` 字段注明；bbox 参数按应答的坐标系给出。"
)


def case_filter_parameters():
    return [
        OpenApiParameter(name, str, description=str(f.label))
        for name, f in CaseFilter.base_filters.items()
    ]


class MapView(APIView):
    @extend_schema(
        operation_id="map_view",
        summary="一张图：区域完成率、企业点位（或分格汇总）、举报与近30天检查、未定位企业",
        description=CRS_NOTE
        + " 县及以下区域返回点位（mode=points，cases.rows 为 [案件id, 经度, 纬度, 状态序号, 标记位]，"
        "标记位 1 逾期、2 反弹、4 类散乱污、8 本轮抽查）；市、省范围按网格汇总（mode=bins，"
        "格大小 cell 度，rows 为 [经度, 纬度, 总数, 未认定, 整治中, 待验收, 已销号, 逾期, 反弹, 类散乱污, 抽查]）。"
        "筛选参数与案件列表相同。",
        parameters=[
            OpenApiParameter("region", str, description="区域代码（须在本人辖区内），默认本人辖区"),
            OpenApiParameter(
                "bbox", str, description="当前视野：最小经度,最小纬度,最大经度,最大纬度"
            ),
            *case_filter_parameters(),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        view = figures.build_map(
            request, request.query_params.get("region"), request.query_params.get("bbox", "")
        )
        return Response(as_data(view))


def as_data(view):
    return {
        "crs": view.crs,
        "area": {"code": view.area.code, "name": view.area.name, "level": view.area.level},
        "mode": view.mode,
        "cell": view.cell,
        "states": [
            {"key": key, "label": label, "colour": colour}
            for key, label, _states, colour in figures.STATE_GROUPS
        ],
        "layers": [{"key": key, "label": label, "bit": bit} for key, label, bit in figures.LAYERS],
        "regions": view.regions,
        "totals": view.totals,
        "cases": view.cases,
        "tips": view.tips,
        "inspections": view.inspections,
        "power_alerts": view.power_alerts,
        "unlocated": view.unlocated,
        "tiles": tiles.tile_source(),
    }


class BoundariesView(APIView):
    @extend_schema(
        operation_id="map_boundaries",
        summary="区域边界 GeoJSON：本区域、下一级区域（县级另含有边界的村）",
        description=CRS_NOTE,
        parameters=[OpenApiParameter("region", str, description="区域代码，默认本人辖区")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        area = figures.map_area(request.user, request.query_params.get("region"))
        return Response(boundaries_of(request.user, area, tiles.display_crs()))


class CardView(APIView):
    @extend_schema(
        operation_id="map_card",
        summary="点位卡片：企业名称、乡镇、分类处置、状态、整治期限、责任单位及案件链接",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request, kind, pk):
        return Response(cards.card(request.user, kind, pk))
