"""The leadership, unit and public appraisal pages in Chromium, in Chinese and English: charts drawn by the
vendored ECharts under the site's CSP, figures linking to the demands behind them.

Screenshots land in var/screenshots/appraisal-*.png for a human to look at.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from massline.appraisal import services
from massline.web.testing import SCREENSHOTS

from .conftest import MONDAY, at

pytestmark = pytest.mark.e2e
playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture(autouse=True)
def plain_http_cookies(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def two_published_months(org, known_month, make_demand, supervisor):
    february = MONDAY - dt.timedelta(days=28)
    signed = {"dispatched_at": february, "due_sign_at": february + dt.timedelta(hours=2)}
    for index in range(6):
        make_demand(
            received=february,
            **signed,
            signed_at=february + dt.timedelta(hours=1 + index),
            replied_at=february + dt.timedelta(days=1),
            closed_at=february + dt.timedelta(days=2),
            status="closed",
            satisfaction=["satisfied", "basic", "unsatisfied"][index % 3],
            resolved=index % 3 != 2,
            via="phone",
        )
    make_demand(
        org.unit_b,
        received=february,
        **signed,
        signed_at=february,
        satisfaction="satisfied",
        resolved=True,
        replied_at=february,
        closed_at=february,
        status="closed",
        via="tracking",
    )
    services.appraisal_refresh(now=at(days=2))
    services.ruleset_create(
        valid_from=february.date(),
        weights=(30, 35, 35),
        basic_factor="0.9",
        visits="all",
        group_bounds="5,1",
        bottom_n=1,
        by=supervisor,
    )
    for month in (february.date(), MONDAY.date()):
        services.ranking_publish(ranking=services.ranking_compute(month=month, by=supervisor), by=supervisor)


def visitor(browser, base, locale, user=None):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    return context, page, problems


def test_leadership_unit_and_public_pages_in_both_languages(
    browser, live_server, supervisor, org, two_published_months
):
    context, page, problems = visitor(browser, live_server.url, "zh-CN", supervisor)
    page.goto(f"{live_server.url}/staff/appraisal/?month=2026-03")
    expect(page.get_by_role("heading", level=1)).to_contain_text("考核评价")
    expect(page.locator(".chart.chart-ready svg").first).to_be_visible()
    expect(page.locator(".kpis")).to_contain_text("响应率")
    expect(page.locator(".kpis")).to_contain_text("85.7 %")
    page.screenshot(path=str(SCREENSHOTS / "appraisal-leadership-zh.png"), full_page=True)
    page.locator(".kpis a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("指标背后的诉求")
    page.screenshot(path=str(SCREENSHOTS / "appraisal-demands-zh.png"), full_page=True)
    page.goto(f"{live_server.url}/staff/appraisal/units/{org.unit_a.pk}/?month=2026-03")
    expect(page.locator(".chart.chart-ready svg").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "appraisal-unit-zh.png"), full_page=True)
    assert problems == []
    context.close()

    context, page, problems = visitor(browser, live_server.url, "en-GB")
    page.goto(f"{live_server.url}/appraisal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How we are doing")
    expect(page.locator(".ranking").first).to_contain_text("Bureau A")
    expect(page.locator(".chart.chart-ready svg").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "appraisal-public-en.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "appraisal-public-phone.png"), full_page=True)
    page.locator(".ranking a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demands behind a figure")
    assert problems == []
    context.close()
