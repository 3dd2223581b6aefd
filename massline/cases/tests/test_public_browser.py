"""In Chromium against a live server: a citizen submits on a phone and follows the demand; the map renders
under the CSP; an operator answers a question from the knowledge base on the intake desk.

Run alone with `pytest -m e2e massline/cases/tests/test_public_browser.py`; screenshots: var/screenshots/.
"""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from massline.cases.models import Case, KnowledgeArticle
from massline.org import services as org_services
from massline.org.choices import Role
from massline.web.testing import SCREENSHOTS as SHOTS

pytestmark = pytest.mark.e2e
playwright_sync = pytest.importorskip("playwright.sync_api")

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def plain_http(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def open_page(browser, *, locale, viewport, cookies=()):
    context = browser.new_context(locale=locale, viewport=viewport)
    context.set_default_timeout(10_000)
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    return context, page, problems


def test_a_citizen_submits_on_a_phone_and_follows_the_demand(browser, live_server, org):
    for region, lat, lon in ((org.township_1, "28.20", "112.90"), (org.township_2, "28.20", "113.10")):
        region.centre_lat, region.centre_lon = Decimal(lat), Decimal(lon)
        region.save()
    context, page, problems = open_page(browser, locale="zh-CN", viewport=PHONE)
    page.goto(f"{live_server.url}/demands/new/")
    page.screenshot(path=SHOTS / "cases-submit-phone.png", full_page=True)
    page.select_option("#id_type", "complaint")
    page.fill("#id_title", "路灯不亮")
    page.fill("#id_description", "学校门口的路灯坏了一周，住幸福路12号的居民晚上看不见路。")
    page.fill("#id_address", "一号镇幸福路12号")
    # Typing the coordinates still works: they are folded under the map picker.
    page.click(".map-coordinates summary")
    page.fill("#id_lat", "28.201")
    page.fill("#id_lon", "112.901")
    page.fill("#id_citizen_phone", "13800001111")
    page.check("#id_is_public")
    page.click("button[type=submit].button")
    page.wait_for_url(re.compile(r"/demands/received/"))
    code = page.locator(".tracking-code").inner_text().strip()
    case = Case.objects.get()
    assert code == case.tracking_code and case.region == org.township_1
    page.screenshot(path=SHOTS / "cases-received-phone.png", full_page=True)
    page.click("a.button")
    page.wait_for_url(re.compile(rf"/demands/track/{code}/"))
    assert "路灯不亮" in page.content()
    page.screenshot(path=SHOTS / "cases-track-phone.png", full_page=True)
    page.goto(f"{live_server.url}/demands/map/")
    page.wait_for_selector(".map-box.map-ready")
    assert page.locator(".map-box").get_attribute("data-points") == "1"
    assert "12号" not in page.content()
    page.screenshot(path=SHOTS / "cases-map-phone.png", full_page=True)
    page.goto(f"{live_server.url}/demands/public/")
    assert page.locator(".case-item").count() == 1 and "12号" not in page.content()
    page.screenshot(path=SHOTS / "cases-list-phone.png", full_page=True)
    page.goto(f"{live_server.url}/demands/units/")
    page.screenshot(path=SHOTS / "cases-units-phone.png", full_page=True)
    assert problems == []  # no CSP violation, no script error
    context.close()


def test_an_operator_answers_from_the_knowledge_base(browser, live_server, org):
    operator = org_services.official_create(
        username="operator",
        password="Persona-Lantern-2048",
        grants=[org_services.Grant(role=Role.OPERATOR, unit=org.centre)],
        by=None,
    )
    KnowledgeArticle.objects.create(
        question="社保卡丢了怎么补办？",
        answer="携带身份证到任一社保网点办理，当场可取。",
        keywords="社保卡 补办",
    )
    client = Client()
    client.force_login(operator)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }
    context, page, problems = open_page(
        browser, locale="en-GB", viewport=DESKTOP, cookies=[{**cookie, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/staff/intake/")
    assert page.evaluate("document.activeElement.id") == "id_citizen_phone"  # autofocus
    page.keyboard.type("13800001111")
    page.fill("#id_citizen_name", "张三")
    page.fill("#id_description", "来电人社保卡丢失，询问如何补办。")
    page.fill("#id_title", "社保卡丢了")
    page.locator("#kb-results .kb-hit").first.wait_for()
    page.screenshot(path=SHOTS / "cases-intake-desk.png", full_page=True)
    page.click("#kb-results button[name=answer_with]")
    page.wait_for_selector(".message.success")
    case = Case.objects.get()
    assert case.status == "replied" and case.channel == "phone"
    assert problems == []
    context.close()
