"""The maps in Chromium, with the tile server unreachable (as in every test run: no network): the public
map draws the areas and the points on a plain background with a note, in both languages; a citizen
marks the place of a demand by clicking the map and the stored coordinates are those of the click.

Run alone with `pytest -m e2e massline/cases/tests/test_map_browser.py`; screenshots: var/screenshots/.
"""

import json
import math
import re
from decimal import Decimal

import pytest

from massline.cases.choices import CaseType
from massline.cases.models import Case
from massline.cases.services.intake import case_submit, region_places_forget
from massline.org import geojson_io
from massline.web.testing import SCREENSHOTS as SHOTS

pytestmark = pytest.mark.e2e
pytest.importorskip("playwright.sync_api")

DESKTOP = {"width": 1280, "height": 900}
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.fixture(autouse=True)
def plain_http(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.MASSLINE_MAP_TILE_URL = TILE_URL
    settings.MASSLINE_MAP_TILE_ATTRIBUTION = "© OpenStreetMap contributors"


@pytest.fixture
def bounded(org):
    """The test county with centres and the demo's made-up boundaries (county, townships, villages)."""
    for region, lat, lon in (
        (org.county, "28.20", "113.00"),
        (org.township_1, "28.20", "112.90"),
        (org.village_1, "28.21", "112.91"),
        (org.township_2, "28.20", "113.10"),
        (org.village_2, "28.19", "113.11"),
    ):
        region.centre_lat, region.centre_lon = Decimal(lat), Decimal(lon)
        region.save()
    geojson_io.boundaries_import(data=json.dumps(geojson_io.demo_boundaries(org.county)).encode(), by=None)
    region_places_forget()
    return org


def mercator(lat):
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def inverse_mercator(y):
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def open_page(browser, live_server, *, locale):
    context = browser.new_context(locale=locale, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    requested, problems = [], []

    # Nothing leaves the test server: the tile server is unreachable, as without a network.
    def route(r):
        if r.request.url.startswith(live_server.url):
            r.continue_()
        else:
            requested.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    return context, page, requested, problems


@pytest.mark.parametrize(
    ("locale", "note"), [("zh-CN", "底图无法加载"), ("en-GB", "The background map could not be loaded")]
)
def test_the_public_map_draws_areas_and_points_without_tiles(browser, live_server, bounded, locale, note):
    for n, (lat, lon) in enumerate(
        [("28.2012", "112.9031"), ("28.1990", "113.1012"), ("28.2105", "112.9102")]
    ):
        case_submit(type=CaseType.HELP, title=f"路灯{n}", description="d", lat=lat, lon=lon, is_public=True)
    context, page, requested, problems = open_page(browser, live_server, locale=locale)
    page.goto(f"{live_server.url}/demands/map/")
    page.wait_for_selector(".map-box.map-ready[data-tiles=none]")
    box = page.locator(".map-box")
    assert box.get_attribute("data-areas") == "2" and box.get_attribute("data-points") == "3"
    assert page.locator(".map-box path.map-area").count() == 2
    assert page.locator(".map-box path.map-point").count() == 3
    assert note in page.locator(".map-note").inner_text()
    assert page.locator(".map-box img.leaflet-tile").count() == 0  # no broken tiles left behind
    assert page.locator(".map-legend-box .map-legend-row").count() >= 2
    # One probe of the tile server, nothing more.
    assert len(requested) == 1 and requested[0].startswith("https://tile.openstreetmap.org/")
    page.locator(".map-box path.map-point").first.hover()
    assert page.locator(".leaflet-tooltip").filter(has_text="路灯").count() >= 1
    page.screenshot(path=SHOTS / f"map-public-{locale}.png", full_page=True)
    assert [p for p in problems if "Failed to load resource" not in p] == []
    context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-GB"])
def test_a_citizen_marks_the_place_by_clicking_the_map(browser, live_server, bounded, locale):
    context, page, _requested, problems = open_page(browser, live_server, locale=locale)
    page.goto(f"{live_server.url}/demands/new/")
    page.wait_for_selector(".map-picker-box.map-ready")
    assert not page.locator("#id_lat").is_visible()  # folded away under "type the coordinates"
    page.select_option("#id_type", "complaint")
    page.fill("#id_title", "路灯不亮")
    page.fill("#id_description", "学校门口的路灯坏了一周。")
    box = page.locator(".map-picker-box")
    box.scroll_into_view_if_needed()
    bounds = box.bounding_box()
    x, y = bounds["x"] + bounds["width"] * 0.4, bounds["y"] + bounds["height"] * 0.55
    # Where that pixel lies, from the visible box alone (Web Mercator: linear in longitude and in
    # the Mercator ordinate): the expected coordinates of the click, computed without Leaflet.
    south, west, north, east = map(float, box.get_attribute("data-bounds").split(","))
    expected_lon = west + (east - west) * 0.4
    top, bottom = mercator(north), mercator(south)
    expected_lat = inverse_mercator(top + (bottom - top) * 0.55)
    page.mouse.click(x, y)
    page.wait_for_selector(".map-picker-box[data-picked]")
    lat, lon = float(page.input_value("#id_lat")), float(page.input_value("#id_lon"))
    assert page.input_value("#id_lat") in page.locator(".map-picker-status").inner_text()
    page.screenshot(path=SHOTS / f"map-picker-{locale}.png", full_page=True)
    page.click("button[type=submit].button")
    page.wait_for_url(re.compile(r"/demands/received/"))
    case = Case.objects.get()
    assert abs(float(case.lat) - lat) < 1e-6 and abs(float(case.lon) - lon) < 1e-6
    # The stored place is the clicked one (to about 100 m: a few pixels at this zoom), inside the county.
    assert abs(lat - expected_lat) < 0.001 and abs(lon - expected_lon) < 0.001
    assert case.region is not None and case.region.path.startswith(bounded.county.path)
    assert [p for p in problems if "Failed to load resource" not in p] == []
    context.close()
