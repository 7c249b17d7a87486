"""一张图 pages: the map (drawn in the browser from /api/map/) and 打印挂图, the A3 wall map as a
PDF made on the server from the same figures, so every office prints the same sheet."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.refusals import Refused, show_refusal
from rectification.filters import CaseFilter

from . import figures, wall
from .coordinates import WGS84
from .geometry import boundaries_of


@login_required
def map_page(request):
    area = figures.map_area(request.user, request.GET.get("region"))
    case_filter = CaseFilter(request.GET, request=request)
    return render(
        request,
        "maps/map.html",
        {
            "area": area,
            "filter": case_filter,
            "api_url": reverse("map-view"),
            "boundaries_url": reverse("map-boundaries"),
            "wall_url": reverse("maps:wall"),
        },
    )


@login_required
def wall_pdf(request):
    try:
        # The view's box arrives in the display system; the sheet is drawn in WGS-84.
        view = figures.build_map(
            request,
            request.GET.get("region"),
            request.GET.get("bbox", ""),
            crs=WGS84,
        )
    except Refused as refusal:
        show_refusal(request, refusal)
        return map_page(request)
    shapes = boundaries_of(request.user, view.area, WGS84)
    pdf = wall.render_wall(view, shapes, timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{view.area.name}散乱污企业整治挂图.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
