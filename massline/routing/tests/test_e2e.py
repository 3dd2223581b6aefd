"""In Chromium against a live server: the operator sees category suggestions and an earlier demand about
the same problem while typing on the intake desk; the dispatcher sees the suggestions, the duplicate and the
suggested unit already chosen on the demand's page.

Run alone with `pytest -m e2e massline/routing/tests/test_e2e.py`; screenshots: var/screenshots/.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from massline.cases.tests.handling_fixtures import make_case
from massline.routing import services
from massline.routing.choices import Target
from massline.web.testing import SCREENSHOTS as SHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
playwright_sync = pytest.importorskip("playwright.sync_api")
HERE = {"lat": Decimal("28.200000"), "lon": Decimal("112.900000")}


@pytest.fixture(autouse=True)
def plain_http(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.MASSLINE_ROUTING_DUPLICATE_DAYS = 100_000  # the history lies in 2026; the browser runs now


def signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    return context, page, problems


def test_operator_and_dispatcher_see_suggestions_and_duplicates(browser, live_server, history):
    services.model_train(target=Target.CATEGORY)
    services.model_train(target=Target.UNIT)
    earlier = make_case(history, title="工地噪音吵得睡不着", **HERE)
    services.place_index_update()

    context, page, problems = signed_in(browser, live_server, history.dispatcher)
    page.goto(f"{live_server.url}/staff/intake/")
    # The coordinates are folded under the map picker; typing them still works.
    page.click(".map-coordinates summary")
    page.fill("#id_lat", "28.2")
    page.fill("#id_lon", "112.9")
    page.fill("#id_title", "工地噪音吵得睡不着觉")
    page.locator("[data-testid=intake-category-suggestions] li").first.wait_for()
    assert "噪音" in page.locator("[data-testid=intake-category-suggestions] li").first.inner_text()
    page.locator("[data-testid=intake-duplicates]").wait_for()
    assert earlier.tracking_code in page.locator("[data-testid=intake-duplicates]").inner_text()
    page.screenshot(path=SHOTS / "routing-intake-desk.png", full_page=True)

    case = make_case(
        history, title="工地噪音吵得睡不着觉", received_at=earlier.received_at + timedelta(hours=1), **HERE
    )
    page.goto(f"{live_server.url}/staff/cases/{case.pk}/")
    suggestions = page.locator("[data-testid=routing-suggestions]")
    assert "噪音" in suggestions.inner_text() and "%" in suggestions.inner_text()
    assert earlier.tracking_code in page.locator("[data-testid=possible-duplicates]").inner_text()
    assert page.locator("#id_dispatch-lead_unit").input_value() == str(history.org.unit_b.pk)
    page.screenshot(path=SHOTS / "routing-dispatcher-panel.png", full_page=True)
    assert problems == []
    context.close()
