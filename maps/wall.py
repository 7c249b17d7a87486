"""打印挂图: the current map view as an A3 landscape PDF for the wall — title, date, the map
(places shaded by completion rate, cases by state), legend, the table of places beside it
(总数, 已销号, 完成率, 逾期), north arrow and scale bar. Made on the server with reportlab, so
every office prints the same sheet and a test can open it.

Chinese text needs a font: QINGLING_PDF_FONT, else the first CJK TrueType file found on the
machine (Debian's fonts-wqy-microhei), embedded as a subset; with none, reportlab's built-in
CID font STSong-Light (not embedded: the PDF reader supplies the glyphs).
"""

import io
import math
from pathlib import Path

from django.conf import settings
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A3, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .figures import STATE_GROUPS

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]
RAMP = ["#f8d7da", "#fff3cd", "#d1e7dd", "#75b798"]  # completion 0% → 100%, as on screen
KM_PER_DEGREE = 111.32
_font_name = None


def font():
    """The registered name of the wall map's Chinese font (registered once per process)."""
    global _font_name
    if _font_name:
        return _font_name
    paths = (
        [settings.QINGLING_PDF_FONT, *FONT_CANDIDATES]
        if settings.QINGLING_PDF_FONT
        else FONT_CANDIDATES
    )
    for path in paths:
        if path and Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont("QinglingCJK", path, subfontIndex=0))
            except Exception:  # an unreadable font file: try the next one
                continue
            _font_name = "QinglingCJK"
            return _font_name
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    _font_name = "STSong-Light"
    return _font_name


def ramp(rate):
    """The fill of a place with this completion rate (None: no cases)."""
    if rate is None:
        return HexColor("#f1f3f5")
    position = max(0.0, min(1.0, rate / 100)) * (len(RAMP) - 1)
    low = math.floor(position)
    high = min(low + 1, len(RAMP) - 1)
    t = position - low
    a, b = HexColor(RAMP[low]), HexColor(RAMP[high])
    return type(a)(
        a.red + (b.red - a.red) * t,
        a.green + (b.green - a.green) * t,
        a.blue + (b.blue - a.blue) * t,
    )


def polygons_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


class Frame:
    """Longitude/latitude → page points inside a box, equirectangular scaled by cos(latitude)."""

    def __init__(self, bbox, x, y, width, height):
        west, south, east, north = bbox
        self.k = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * self.k, 1e-6)
        span_y = max(north - south, 1e-6)
        self.scale = min(width / span_x, height / span_y)  # page points per degree of latitude
        self.x0 = x + (width - span_x * self.scale) / 2 - west * self.k * self.scale
        self.y0 = y + (height - span_y * self.scale) / 2 - south * self.scale

    def __call__(self, lon, lat):
        return self.x0 + lon * self.k * self.scale, self.y0 + lat * self.scale


def render_wall(view, shapes, today):
    buffer = io.BytesIO()
    width, height = landscape(A3)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    name = font()
    title = f"{view.area.name}“散乱污”企业整治挂图"
    pdf.setTitle(title)
    pdf.setAuthor("清零 · 散乱污整治管理系统")
    pdf.setFont(name, 26)
    pdf.drawCentredString(width / 2, height - 20 * mm, title)
    pdf.setFont(name, 11)
    pdf.drawCentredString(
        width / 2,
        height - 28 * mm,
        f"制图日期：{today.year}年{today.month}月{today.day}日　"
        f"总数 {view.totals['total']} 件，已销号 {view.totals['closed']} 件，"
        f"完成率 {percent(view.totals['rate'])}，逾期 {view.totals['overdue']} 件",
    )
    map_box = (12 * mm, 14 * mm, 282 * mm, height - 48 * mm)
    pdf.setStrokeColor(HexColor("#343a40"))
    pdf.setLineWidth(0.8)
    pdf.rect(map_box[0], map_box[1], map_box[2], map_box[3])
    # The current view when the user zoomed in, else the whole area.
    bbox = view.bbox or shapes.get("bbox") or box_of_features(shapes) or box_of_points(view)
    if bbox:
        frame = Frame(
            bbox,
            map_box[0] + 6 * mm,
            map_box[1] + 6 * mm,
            map_box[2] - 12 * mm,
            map_box[3] - 12 * mm,
        )
        pdf.saveState()
        clip = pdf.beginPath()
        clip.rect(*map_box)
        pdf.clipPath(clip, stroke=0, fill=0)
        draw_places(pdf, frame, shapes, view, name)
        draw_points(pdf, frame, view)
        pdf.restoreState()
        draw_scale_bar(pdf, frame, map_box, name)
    draw_north_arrow(
        pdf, map_box[0] + map_box[2] - 16 * mm, map_box[1] + map_box[3] - 26 * mm, name
    )
    panel_x = 302 * mm
    y = draw_legend(pdf, panel_x, height - 44 * mm, view, name)
    draw_table(pdf, panel_x, y - 8 * mm, view, name)
    pdf.setFont(name, 8)
    pdf.setFillColor(HexColor("#6c757d"))
    pdf.drawString(
        12 * mm,
        8 * mm,
        "坐标系：WGS-84（CGCS2000）。边界为上传的行政区划数据；演示数据为生成的示意边界，非法定界线。"
        "清零 · “散乱污”企业综合整治管理系统",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def percent(rate):
    return "—" if rate is None else f"{rate}%"


def box_of_features(shapes):
    points = [
        position
        for feature in shapes["features"]
        for polygon in polygons_of(feature["geometry"])
        for ring in polygon
        for position in ring
    ]
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def box_of_points(view):
    rows = view.cases["rows"]
    if not rows:
        return None
    i, j = (1, 2) if view.mode == "points" else (0, 1)
    lons, lats = [r[i] for r in rows], [r[j] for r in rows]
    pad = 0.01
    return min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad


def path_of(pdf, frame, polygon):
    path = pdf.beginPath()
    for ring in polygon:
        for index, (lon, lat, *_rest) in enumerate(ring):
            x, y = frame(lon, lat)
            if index == 0:
                path.moveTo(x, y)
            else:
                path.lineTo(x, y)
        path.close()
    return path


def draw_places(pdf, frame, shapes, view, font_name):
    figures = {row["code"]: row for row in view.regions}
    labels = []
    for role in ("area", "child", "grandchild"):
        for feature in shapes["features"]:
            props = feature["properties"]
            if props["role"] != role:
                continue
            for polygon in polygons_of(feature["geometry"]):
                path = path_of(pdf, frame, polygon)
                if role == "child":
                    pdf.setFillColor(ramp(figures.get(props["name"], {}).get("rate")))
                    pdf.setStrokeColor(HexColor("#868e96"))
                    pdf.setLineWidth(0.6)
                    pdf.drawPath(path, stroke=1, fill=1, fillMode=0)
                elif role == "area":
                    pdf.setFillColor(HexColor("#f8f9fa"))
                    pdf.setStrokeColor(HexColor("#343a40"))
                    pdf.setLineWidth(2)
                    pdf.drawPath(path, stroke=1, fill=1)
                else:
                    pdf.setStrokeColor(HexColor("#adb5bd"))
                    pdf.setLineWidth(0.25)
                    pdf.drawPath(path, stroke=1, fill=0)
            if role == "child":
                ring = polygons_of(feature["geometry"])[0][0]
                cx = sum(p[0] for p in ring[:-1]) / max(len(ring) - 1, 1)
                cy = sum(p[1] for p in ring[:-1]) / max(len(ring) - 1, 1)
                labels.append((frame(cx, cy), props["label"], figures.get(props["name"])))
    # The area's outline again on top of the shaded places.
    for feature in shapes["features"]:
        if feature["properties"]["role"] == "area":
            for polygon in polygons_of(feature["geometry"]):
                pdf.setStrokeColor(HexColor("#343a40"))
                pdf.setLineWidth(2)
                pdf.drawPath(path_of(pdf, frame, polygon), stroke=1, fill=0)
    pdf.setFillColor(HexColor("#212529"))
    for (x, y), label, row in labels:
        pdf.setFont(font_name, 10)
        pdf.drawCentredString(x, y + 2, label)
        if row:
            pdf.setFont(font_name, 8)
            pdf.drawCentredString(x, y - 8, f"完成率 {percent(row['rate'])}")


def draw_points(pdf, frame, view):
    colours = [HexColor(colour) for *_rest, colour in STATE_GROUPS]
    rows = view.cases["rows"]
    if view.mode == "points":
        for _pk, lon, lat, group, flags in rows:
            x, y = frame(lon, lat)
            pdf.setFillColor(colours[group])
            pdf.setStrokeColor(white)
            pdf.setLineWidth(0.3)
            pdf.circle(x, y, 2.2, stroke=1, fill=1)
            if flags & 1:
                pdf.setStrokeColor(HexColor("#dc3545"))
                pdf.setLineWidth(0.8)
                pdf.circle(x, y, 3.6, stroke=1, fill=0)
        return
    largest = max((row[2] for row in rows), default=1)
    for row in rows:
        x, y = frame(row[0], row[1])
        closed = row[3 + 3]
        pdf.setFillColor(colours[3] if closed * 2 >= row[2] else colours[1])
        pdf.setStrokeColor(white)
        pdf.circle(x, y, 3 + 9 * math.sqrt(row[2] / largest), stroke=1, fill=1)


def nice_length(km):
    exponent = 10 ** math.floor(math.log10(km)) if km > 0 else 1
    for step in (5, 2, 1):
        if step * exponent <= km:
            return step * exponent
    return exponent


def draw_scale_bar(pdf, frame, map_box, font_name):
    points_per_km = frame.scale / KM_PER_DEGREE
    length_km = nice_length(map_box[2] / 5 / points_per_km)
    length = length_km * points_per_km
    x, y = map_box[0] + 10 * mm, map_box[1] + 8 * mm
    pdf.setStrokeColor(HexColor("#212529"))
    pdf.setFillColor(HexColor("#212529"))
    pdf.setLineWidth(1)
    pdf.rect(x, y, length / 2, 3, stroke=1, fill=1)
    pdf.setFillColor(white)
    pdf.rect(x + length / 2, y, length / 2, 3, stroke=1, fill=1)
    pdf.setFillColor(HexColor("#212529"))
    pdf.setFont(font_name, 8)
    pdf.drawCentredString(x, y + 6, "0")
    pdf.drawCentredString(x + length, y + 6, f"{length_km:g} 千米")
    pdf.drawString(x, y - 9, "比例尺")


def draw_north_arrow(pdf, x, y, font_name):
    pdf.setFillColor(HexColor("#212529"))
    pdf.setStrokeColor(HexColor("#212529"))
    path = pdf.beginPath()
    path.moveTo(x, y + 16 * mm)
    path.lineTo(x - 4 * mm, y)
    path.lineTo(x, y + 4 * mm)
    path.close()
    pdf.drawPath(path, stroke=1, fill=1)
    path = pdf.beginPath()
    path.moveTo(x, y + 16 * mm)
    path.lineTo(x + 4 * mm, y)
    path.lineTo(x, y + 4 * mm)
    path.close()
    pdf.setFillColor(white)
    pdf.drawPath(path, stroke=1, fill=1)
    pdf.setFillColor(HexColor("#212529"))
    pdf.setFont(font_name, 14)
    pdf.drawCentredString(x, y + 18 * mm, "北")


def draw_legend(pdf, x, y, view, font_name):
    pdf.setFont(font_name, 13)
    pdf.setFillColor(HexColor("#212529"))
    pdf.drawString(x, y, "图例")
    y -= 7 * mm
    pdf.setFont(font_name, 10)
    for _key, label, _states, colour in STATE_GROUPS:
        pdf.setFillColor(HexColor(colour))
        pdf.circle(x + 2 * mm, y + 1.2 * mm, 1.8 * mm, stroke=0, fill=1)
        pdf.setFillColor(HexColor("#212529"))
        pdf.drawString(x + 6 * mm, y, label)
        y -= 6 * mm
    pdf.setStrokeColor(HexColor("#dc3545"))
    pdf.setLineWidth(1)
    pdf.circle(x + 2 * mm, y + 1.2 * mm, 2.2 * mm, stroke=1, fill=0)
    pdf.drawString(x + 6 * mm, y, "逾期（红圈）")
    y -= 7 * mm
    pdf.drawString(x, y, "完成率：")
    for index, colour in enumerate(RAMP):
        pdf.setFillColor(HexColor(colour))
        pdf.rect(x + 16 * mm + index * 12 * mm, y - 1, 12 * mm, 4 * mm, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#212529"))
    pdf.setFont(font_name, 8)
    pdf.drawString(x + 16 * mm, y - 4 * mm, "0%")
    pdf.drawRightString(x + 64 * mm, y - 4 * mm, "100%")
    if view.mode == "bins":
        y -= 9 * mm
        pdf.setFont(font_name, 9)
        pdf.drawString(x, y, "企业较多，圆圈为网格汇总，大小表示企业数。")
    return y - 4 * mm


def draw_table(pdf, x, y, view, font_name):
    columns = [
        ("区域", 38 * mm),
        ("总数", 16 * mm),
        ("已销号", 16 * mm),
        ("完成率", 18 * mm),
        ("逾期", 14 * mm),
    ]
    rows = [
        [r["name"], str(r["total"]), str(r["closed"]), percent(r["rate"]), str(r["overdue"])]
        for r in view.regions
    ]
    rows.append(
        [
            "合计",
            str(view.totals["total"]),
            str(view.totals["closed"]),
            percent(view.totals["rate"]),
            str(view.totals["overdue"]),
        ]
    )
    line = 6 * mm if len(rows) <= 30 else max(3.2 * mm, (y - 20 * mm) / (len(rows) + 1))
    size = 10 if line >= 6 * mm else 7
    pdf.setFont(font_name, 13)
    pdf.setFillColor(HexColor("#212529"))
    pdf.drawString(x, y, "各区域完成情况")
    y -= 4 * mm
    total_width = sum(w for _, w in columns)
    pdf.setStrokeColor(HexColor("#495057"))
    pdf.setLineWidth(0.4)
    for index, row in enumerate([[c for c, _ in columns], *rows]):
        if y - line < 14 * mm:
            pdf.setFont(font_name, 8)
            pdf.drawString(x, y - line, f"…… 另有 {len(rows) - index + 1} 行，见系统。")
            break
        if index == 0 or index == len(rows):
            pdf.setFillColor(HexColor("#e9ecef"))
            pdf.rect(x, y - line, total_width, line, stroke=0, fill=1)
        pdf.setFillColor(HexColor("#212529"))
        pdf.setFont(font_name, size)
        cx = x
        for column, (text, (_label, w)) in enumerate(zip(row, columns, strict=True)):
            if column == 0:
                pdf.drawString(cx + 1.5 * mm, y - line + 1.8 * mm, text[:12])
            else:
                pdf.drawRightString(cx + w - 1.5 * mm, y - line + 1.8 * mm, text)
            cx += w
        pdf.line(x, y - line, x + total_width, y - line)
        y -= line
