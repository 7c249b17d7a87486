"""打印挂图: the current view as an A3 landscape PDF with the title, date, legend, the table of
places (总数, 已销号, 完成率, 逾期), north arrow and scale bar — opened and read back."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from rectification.models import CaseState
from tests.factories.maps import located_case, with_boundaries

pytestmark = pytest.mark.django_db

A3_LANDSCAPE = (1190.55, 841.89)  # points


@pytest.fixture
def wall(area, client_for):
    with_boundaries(area)
    located_case(area, "township_a1")
    located_case(area, "township_a1", state=CaseState.CLOSED, offset=0.3)
    located_case(area, "township_a2")

    def fetch(user="county", **params):
        response = client_for(area["users"][user]).get(reverse("maps:wall"), params)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        return response.content

    return fetch


def text_and_page(content):
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    return page.extract_text(), (float(page.mediabox.width), float(page.mediabox.height))


def test_county_wall_map_is_an_a3_landscape_pdf_with_title_table_and_scale(wall):
    content = wall()
    assert 2_000 < len(content) < 2_000_000  # ~5 KB with STSong-Light, ~70 KB embedding wqy
    text, size = text_and_page(content)
    assert size == pytest.approx(A3_LANDSCAPE, abs=0.5)
    squashed = text.replace(" ", "").replace("\n", "")
    assert "甲县“散乱污”企业整治挂图" in squashed
    today = timezone.localdate()
    assert f"制图日期：{today.year}年{today.month}月{today.day}日" in squashed
    for words in ("图例", "未认定", "整治中", "待验收", "已销号", "各区域完成情况", "北", "千米"):
        assert words in squashed, words
    assert "甲一镇2150.0%0" in squashed  # 甲一镇: 总数 2, 已销号 1, 完成率 50.0%, 逾期 0
    assert "合计3133.3%0" in squashed


def test_clerk_wall_map_holds_only_the_own_township(wall):
    text, _size = text_and_page(wall(user="clerk"))
    squashed = text.replace(" ", "").replace("\n", "")
    assert "甲一镇“散乱污”企业整治挂图" in squashed
    assert "甲二乡" not in squashed


def test_the_wall_follows_the_filters(wall):
    text, _size = text_and_page(wall(state="closed"))
    assert "合计1" in text.replace(" ", "").replace("\n", "")


def test_the_wall_prints_the_current_view_and_stays_in_the_area(wall):
    # Zoomed on 甲二乡 (and beyond the county): the sheet is still the county's, limited to it.
    text, size = text_and_page(wall(bbox="125.0,44.0,127.0,45.0"))
    squashed = text.replace(" ", "").replace("\n", "")
    assert size == pytest.approx(A3_LANDSCAPE, abs=0.5)
    assert "甲县“散乱污”企业整治挂图" in squashed and "乙一镇" not in squashed


def test_a_bad_filter_shows_the_map_page_with_the_reason_and_no_pdf(area, client_for):
    response = client_for(area["users"]["county"]).get(reverse("maps:wall"), {"state": "x"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "状态" in response.content.decode()
