"""In Chromium: 一张图 as a township clerk (own township only, on a phone), the county office and
the city office (on a laptop): the boundaries and points are drawn, layers switch on and off, a
click on a point opens its card and the card its case, and 打印挂图 downloads the A3 PDF.

With QINGLING_SCREENSHOTS=<folder> each view is also saved there as a PNG (390 and 1366 px)."""

import os
from pathlib import Path

import pytest

from rectification.models import CaseState
from tests.browser.conftest import new_page, sign_in
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.inspections import TipFactory
from tests.factories.maps import located_case, with_boundaries

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("QINGLING_SCREENSHOTS", "")


@pytest.fixture
def mapped(area):
    with_boundaries(area)
    cases = {
        "a1_open": located_case(area, "township_a1", offset=0.5),
        "a1_closed": located_case(area, "township_a1", state=CaseState.CLOSED, offset=0.2),
        "a2_open": located_case(area, "township_a2", offset=0.5, is_relapse=True),
        "b1_open": located_case(area, "township_b1", offset=0.5),
    }
    TipFactory(
        county=area["county_a"],
        township=area["township_a1"],
        enterprise=cases["a1_open"].enterprise,
    )
    return cases


def open_map(browser, live_server, username, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = sign_in(new_page(context), live_server, username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#map-canvas canvas")
    page.wait_for_function("document.querySelectorAll('#map-regions tbody tr').length > 0")
    return context, page


def series_names(page):
    return page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('map-canvas'))"
        ".getOption().series.map(function (s) { return s.name + ':' + (s.data || []).length; })"
    )


def click_point(page, case):
    """Click the canvas where the case's enterprise is drawn."""
    x, y = page.evaluate(
        "([lon, lat]) => echarts.getInstanceByDom(document.getElementById('map-canvas'))"
        ".convertToPixel({geoIndex: 0}, [lon, lat])",
        [float(case.enterprise.longitude), float(case.enterprise.latitude)],
    )
    box = page.locator("#map-canvas").bounding_box()
    # The point must be inside the viewport for the mouse to reach it: on a phone, ticking a
    # layer toggle below the map scrolls the page, and the point may be above the fold.
    height = page.viewport_size["height"]
    if not 20 <= box["y"] + y <= height - 20:
        page.evaluate("(dy) => window.scrollBy(0, dy)", box["y"] + y - height / 2)
        box = page.locator("#map-canvas").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def shoot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_clerk_maps_own_township_switches_layers_opens_a_case_and_prints(
    browser, live_server, mapped
):
    context, page = open_map(browser, live_server, "clerk_a1", 390)
    try:
        assert page.inner_text("#map-area") == "甲一镇"
        assert page.locator("#map-regions tbody tr").all_inner_texts()[0].split()[0] == "甲一村"
        assert "共显示 2 个企业点位" in page.inner_text("#map-mode")
        names = series_names(page)
        assert "整治中:1" in names and "已销号:1" in names and not any("举报" in n for n in names)
        page.check("#map-toggle-tips")
        assert "举报:1" in series_names(page)
        page.uncheck("#map-toggle-state-closed")
        assert "已销号:0" in series_names(page)
        shoot(page, "clerk_390")
        page.uncheck("#map-toggle-tips")  # the tip sits on its enterprise's point
        click_point(page, mapped["a1_open"])
        page.wait_for_selector("#map-card:not(.d-none)")
        assert page.inner_text("#map-card-title") == mapped["a1_open"].enterprise.name
        assert "甲一镇" in page.inner_text("#map-card-rows")
        shoot(page, "clerk_390_card")
        page.click("#map-card-link")
        page.wait_for_url(f"**/cases/{mapped['a1_open'].pk}/")
        page.go_back()
        page.wait_for_selector("#map-canvas canvas")
        with page.expect_download() as download:
            page.click("#map-print")
        path = download.value.path()
        assert Path(path).read_bytes()[:5] == b"%PDF-"
        assert download.value.suggested_filename.endswith("挂图.pdf")
    finally:
        context.close()


def test_county_office_sees_its_townships_and_follows_one_to_the_case_list(
    browser, live_server, mapped
):
    context, page = open_map(browser, live_server, "county_a", 1366)
    try:
        assert page.inner_text("#map-area") == "甲县"
        rows = page.locator("#map-regions tbody tr").all_inner_texts()
        assert [row.split()[0] for row in rows] == ["甲一镇", "甲二乡"]
        assert "共显示 3 个企业点位" in page.inner_text("#map-mode")
        page.check("#map-toggle-relapse")
        assert "反弹:1" in series_names(page)
        shoot(page, "county_1366")
        page.click("#map-regions a >> text=甲二乡")
        page.wait_for_selector("#case-table")
        assert page.locator("#case-table tbody tr").count() == 1
    finally:
        context.close()
    context, page = open_map(browser, live_server, "county_a", 390)
    try:
        shoot(page, "county_390")
    finally:
        context.close()


def test_city_office_sees_both_counties_binned(browser, live_server, mapped):
    context, page = open_map(browser, live_server, "city", 1366)
    try:
        assert page.inner_text("#map-area") == "测试市"
        rows = page.locator("#map-regions tbody tr").all_inner_texts()
        assert [row.split()[0] for row in rows] == ["甲县", "乙县"]
        assert "按网格汇总" in page.inner_text("#map-mode")
        assert "总数 4 件" in page.inner_text("#map-totals")
        shoot(page, "city_1366")
    finally:
        context.close()


def test_a_configured_tile_source_is_drawn_under_the_boundaries(
    browser, live_server, mapped, settings
):
    settings.QINGLING_MAP_TILES_URL = "/static/maps/no-such-tile.png?z={z}&x={x}&y={y}"
    context, page = open_map(browser, live_server, "county_a", 1366)
    try:
        page.wait_for_selector(".map-tiles img", state="attached")
        sources = page.eval_on_selector_all(".map-tiles img", "els => els.map(e => e.src)")
        assert sources and all("z=" in src and "&x=" in src for src in sources)
    finally:
        context.close()


def test_without_boundaries_the_points_are_drawn_and_the_page_says_so(browser, live_server, area):
    located_case(area, "township_a1")
    context, page = open_map(browser, live_server, "county_a", 390)
    try:
        page.wait_for_function("document.getElementById('map-status').textContent.length > 0")
        assert "尚未上传边界" in page.inner_text("#map-status")
        assert "整治中:1" in series_names(page)
    finally:
        context.close()
