"""Support for browser tests: Debian's Chromium driven by Playwright, never a downloaded browser."""

import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.test import Client

CHROMIUM = os.environ.get("MASSLINE_CHROMIUM", "/usr/bin/chromium")
# The closed network refuses Chromium's background connections; these flags keep it from trying.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


@contextmanager
def chromium():
    """A headless Chromium for one test module. Playwright's sync API runs an event loop in this thread,
    so Django's async-safety check is lifted meanwhile (the test's database calls stay synchronous)."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Visitor:
    """One person in the browser: a context of their own (cookies, language, a desktop or a phone's
    screen) against the live server.

    Console errors and uncaught page errors are collected in `problems` for the test to assert empty;
    screenshots are named `<screenshot_prefix>-<name>.png` under SCREENSHOTS. Subclass per app to set the
    prefix (and a longer `timeout_ms` where a page does real work, like integrity's proof of work)."""

    screenshot_prefix = "e2e"
    timeout_ms = 10_000

    def __init__(self, browser, base, locale, *, phone=False):
        self.base = base
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        self.context = browser.new_context(locale=locale, viewport=viewport)
        self.context.set_default_timeout(self.timeout_ms)
        self.page = self.context.new_page()
        self.problems = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))

    def go(self, path):
        return self.page.goto(self.base + path)

    def sign_in_as(self, user):
        """Signed in without the login form (each app's own tests cover it): the session cookie of a
        test client's forced login, handed to this browser context."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base}])

    def shot(self, name):
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.screenshot_prefix}-{name}.png"), full_page=True)
