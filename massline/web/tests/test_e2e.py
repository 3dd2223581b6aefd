"""End to end, in Debian's Chromium (headless) against a live server: login, language switch, refusals.

Run alone with `pytest -m e2e massline/web`. Screenshots land in var/screenshots/ for a human to look at.
Playwright's sync API runs an event loop in this thread, so Django's async-safety check is turned off
for this module only (DJANGO_ALLOW_ASYNC_UNSAFE): the database calls here are ordinary synchronous ones.
"""

import re

import pytest
from django.conf import settings
from django.test import Client

from massline.org.testing import PERSONA_PASSWORD as PASSWORD
from massline.web.testing import SCREENSHOTS

pytestmark = pytest.mark.e2e

playwright_sync = pytest.importorskip("playwright.sync_api")

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
# Fail fast: a local page that takes longer than this is broken, not slow.
TIMEOUT_MS = 10_000


@pytest.fixture(autouse=True)
def plain_http_cookies(settings):
    # The live server speaks plain HTTP; production's secure-only cookies would never come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


class Session:
    """A browser context (its own cookies) in a given language, recording console errors and CSP reports."""

    def __init__(self, browser, live_server, locale, viewport):
        self.base = live_server.url
        self.context = browser.new_context(locale=locale, viewport=viewport)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.problems = []
        self.page.on(
            "console", lambda m: m.type == "error" and self.problems.append(f"{m.text} ({m.location['url']})")
        )
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))

    def go(self, path):
        return self.page.goto(self.base + path)

    def sign_in_as(self, user):
        """Put a session cookie for `user` in the browser (the login form has its own test)."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base}])

    def screenshot(self, name):
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def assert_clean(self, expected=()):
        """No script error, failed load or CSP violation (Chromium logs them all as console errors).

        `expected` lists substrings of errors the test caused on purpose (a page answered 403).
        """
        assert [p for p in self.problems if not any(e in p for e in expected)] == []


@pytest.fixture
def session(browser, live_server):
    sessions = []

    def make(locale="zh-CN", viewport=DESKTOP):
        sessions.append(Session(browser, live_server, locale, viewport))
        return sessions[-1]

    yield make
    for made in sessions:
        made.context.close()


def test_an_officer_logs_in_through_the_form_and_sees_their_unit(session, officer_a):
    browser = session()
    page = browser.page
    browser.go("/staff/")
    assert re.search(r"/staff/login/\?next=/staff/$", page.url)
    page.get_by_label("用户名").fill("officer_a")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/staff/$"))
    playwright_sync.expect(page.get_by_role("heading", level=1)).to_have_text("您好，王芳")
    playwright_sync.expect(page.locator("table")).to_contain_text("甲局")
    playwright_sync.expect(page.locator(".current-user")).to_contain_text("王芳")
    # The stylesheet is served and applied (not blocked by the CSP): the workbench header is dark.
    header = page.locator(".staff-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(31, 42, 55)"
    # htmx loaded from the vendored file and did not inject inline styles.
    assert page.evaluate("() => typeof htmx === 'object' && htmx.version.startsWith('2.')")
    browser.screenshot("staff-home-zh")
    page.set_viewport_size(PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    browser.screenshot("staff-home-phone-zh")
    browser.assert_clean()


def test_the_officer_switches_the_language_to_english_and_back(session, officer_a):
    browser = session()
    browser.sign_in_as(officer_a)
    page = browser.page
    browser.go("/staff/")
    playwright_sync.expect(page.get_by_role("heading", level=1)).to_have_text("您好，王芳")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(r"/staff/$"))
    playwright_sync.expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, 王芳")
    playwright_sync.expect(page.locator("table")).to_contain_text("Bureau A")
    assert page.locator("html").get_attribute("lang") == "en"
    playwright_sync.expect(page.get_by_role("button", name="English")).to_have_attribute(
        "aria-pressed", "true"
    )
    browser.screenshot("staff-home-en")

    # The choice sticks: the public site is in English too, although the browser asks for Chinese.
    browser.go("/")
    playwright_sync.expect(page.get_by_role("heading", name="What you can do")).to_be_visible()

    page.get_by_role("button", name="简体中文").click()
    page.wait_for_url(re.compile(r"/$"))
    playwright_sync.expect(page.get_by_role("heading", name="您可以")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    browser.assert_clean()


def test_an_outsider_is_refused_and_an_anonymous_visitor_is_sent_to_login(session, outsider):
    refused = session(locale="en-GB")
    refused.sign_in_as(outsider)
    response = refused.go("/staff/")
    assert response.status == 403
    playwright_sync.expect(refused.page.get_by_role("heading", level=1)).to_have_text("Access refused")
    playwright_sync.expect(refused.page.locator("main")).to_contain_text("This workbench is for officials")
    assert refused.page.locator(".staff-header").count() == 0
    refused.screenshot("outsider-refused-en")

    anonymous = session(locale="en-GB")
    anonymous.go("/staff/")
    assert re.search(r"/staff/login/\?next=/staff/$", anonymous.page.url)
    playwright_sync.expect(anonymous.page.get_by_role("heading", level=1)).to_have_text("Staff sign-in")
    refused.assert_clean(expected=[f"status of 403 (Forbidden) ({refused.base}/staff/)"])
    anonymous.assert_clean()


def test_a_bad_login_shows_a_translated_error_keeps_the_user_name_and_locks_out_at_last(session, officer_a):
    browser = session()
    page = browser.page
    browser.go("/staff/login/")
    page.get_by_label("用户名").fill("officer_a")
    page.get_by_label("密码").fill("not the password")
    page.get_by_role("button", name="登录").click()
    playwright_sync.expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    playwright_sync.expect(page.get_by_label("用户名")).to_have_value("officer_a")
    playwright_sync.expect(page.get_by_label("密码")).to_have_value("")
    browser.screenshot("login-error-zh")

    for _attempt in range(4):
        page.get_by_label("密码").fill("still not the password")
        page.get_by_role("button", name="登录").click()
    playwright_sync.expect(page.get_by_role("heading", level=1)).to_have_text("登录已锁定")
    playwright_sync.expect(page.get_by_role("alert")).to_contain_text("请在 30 分钟后重试。")
    browser.screenshot("lockout-zh")


def test_the_public_home_works_on_a_phone_and_by_keyboard(session):
    browser = session(viewport=PHONE)
    page = browser.page
    browser.go("/")
    playwright_sync.expect(page.get_by_role("heading", name="您可以")).to_be_visible()
    # Nothing overflows sideways on a narrow screen.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    browser.screenshot("public-home-phone-zh")
    # The first Tab reaches the skip link, which then becomes visible.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    playwright_sync.expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0
    browser.screenshot("public-home-phone-skip-link-zh")
    browser.assert_clean()
