"""The whole life of demands in Chromium against a live server: a citizen submits on the public form and
gets a code; the dispatcher dispatches; the unit signs, returns one with a reason, handles another, asks
for an extension (the dispatcher approves), replies; the citizen rates unsatisfied on the tracking page
and it reopens; a demand left alone goes overdue and escalates when the worker runs (a future `now`).

Run alone with `pytest -m e2e massline/cases/tests/test_e2e_life.py`;
screenshots land in var/screenshots/cases-life-*.png.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from massline.cases.choices import AssignmentStatus, CaseStatus, EscalationLevel, ExtensionStatus
from massline.cases.models import AccountabilityRecord, Assignment, Case, Extension
from massline.cases.services import handling as h
from massline.cases.services.clock import clock_tick
from massline.web.testing import SCREENSHOTS as SHOTS

from . import handling_fixtures
from .handling_fixtures import make_case

world = handling_fixtures.world

pytestmark = pytest.mark.e2e
playwright_sync = pytest.importorskip("playwright.sync_api")

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def plain_http(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


class Desk:
    """One person's browser tab: signed in as `user` (None: an anonymous citizen), recording script errors."""

    def __init__(self, browser, live_server, user=None, *, locale="en-GB", viewport=DESKTOP):
        self.base = live_server.url
        self.context = browser.new_context(locale=locale, viewport=viewport)
        self.context.set_default_timeout(10_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            value = client.cookies[settings.SESSION_COOKIE_NAME].value
            self.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": self.base}]
            )
        self.page = self.context.new_page()
        self.problems = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))

    def go(self, path):
        self.page.goto(self.base + path)

    def shot(self, name):
        self.page.screenshot(path=SHOTS / f"cases-{name}.png", full_page=True)

    def act(self, action, fill=None, choose=None):
        """Open the action's panel on the demand page, fill it in, submit (htmx swaps the panel)."""
        page = self.page
        form = page.locator(f"form[action$='/{action}/']")
        details = page.locator(f"details:has(form[action$='/{action}/'])")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        for name, value in (fill or {}).items():
            form.locator(f"[name='{action}-{name}']").fill(value)
        for name, value in (choose or {}).items():
            target = form.locator(f"[name='{action}-{name}']")
            if target.first.get_attribute("type") == "radio":
                form.locator(f"[name='{action}-{name}'][value='{value}']").check()
            else:
                target.select_option(str(value))
        with page.expect_response(re.compile(rf"/{action}/$")) as response:
            form.locator("button[type=submit]").click()
        assert response.value.status == 200, (
            action,
            response.value.status,
            re.findall(r"errorlist[^<]*<li>([^<]*)", response.value.text()),
            re.findall(r"message error\">([^<]*)", response.value.text()),
        )
        page.locator("#case-panel .message.success").wait_for()

    def close(self):
        assert self.problems == []
        self.context.close()


def submit_as_citizen(desk, title):
    desk.go("/demands/new/")
    page = desk.page
    page.select_option("#id_type", "complaint")
    page.fill("#id_title", title)
    page.fill("#id_description", f"{title}：已经一个星期了，晚上出行很不方便。")
    page.fill("#id_address", "一号镇幸福路")
    page.fill("#id_citizen_phone", "13800001111")
    page.click("button[type=submit].button")
    page.wait_for_url(re.compile(r"/demands/received/"))
    return page.locator(".tracking-code").inner_text().strip()


def test_the_life_of_demands_in_the_browser(browser, live_server, world, settings):
    org = world.org
    # 1. A citizen submits two demands on the public form (phone-sized) and gets their codes.
    citizen = Desk(browser, live_server, locale="zh-CN", viewport=PHONE)
    code_a = submit_as_citizen(citizen, "路灯不亮")
    citizen.shot("life-01-received")
    code_b = submit_as_citizen(citizen, "井盖缺失")
    case_a, case_b = Case.objects.get(tracking_code=code_a), Case.objects.get(tracking_code=code_b)
    assert case_a.status == case_b.status == CaseStatus.RECEIVED

    # 2. The dispatcher finds both in the queue and dispatches them to unit A (htmx re-renders the panel).
    dispatcher = Desk(browser, live_server, world.dispatcher)
    dispatcher.go("/staff/cases/")
    assert code_a in dispatcher.page.content() and code_b in dispatcher.page.content()
    dispatcher.shot("life-02-dispatch-queue")
    for code in (code_a, code_b):
        dispatcher.page.click(f"a:has-text('{code}')")
        dispatcher.act("dispatch", choose={"lead_unit": org.unit_a.pk}, fill={"note": "请甲局处理"})
        dispatcher.go("/staff/cases/")
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.DISPATCHED and case_a.lead_unit == org.unit_a

    # 3. Officer A signs both; returns B with a reason; handles A: contact, extension request.
    officer = Desk(browser, live_server, world.officer_a)
    officer.go("/staff/cases/unit/")
    officer.shot("life-03-unit-queue")
    officer.page.click(f"a:has-text('{code_b}')")
    officer.act("sign")
    officer.act("return", choose={"reason": "not_our_area"}, fill={"note": "井盖属于二号镇辖区"})
    officer.shot("life-04-returned")
    assert Case.objects.get(pk=case_b.pk).status == CaseStatus.ARBITRATION
    officer.go("/staff/cases/unit/")
    officer.page.click(f"a:has-text('{code_a}')")
    officer.act("sign")
    officer.act("contact", fill={"note": "电话联系市民，约定明天查看"})
    officer.act("extension_request", fill={"amount": "2", "reason": "需供电公司更换线路"})
    assert Extension.objects.get(case=case_a).status == ExtensionStatus.REQUESTED

    # 4. The dispatcher re-dispatches B to unit B and approves A's extension.
    dispatcher.go("/staff/cases/")
    dispatcher.page.click(f"a:has-text('{code_b}')")
    dispatcher.act(
        "arbitrate", choose={"decision": "redispatch", "lead_unit": org.unit_b.pk}, fill={"note": "属二号镇"}
    )
    assert Case.objects.get(pk=case_b.pk).lead_unit == org.unit_b
    dispatcher.go(f"/staff/cases/{case_a.pk}/")
    dispatcher.act("extension_decide", choose={"approve": "yes"}, fill={"note": "同意"})
    case_a.refresh_from_db()
    assert case_a.extension_count == 1

    # 5. Officer A replies.
    officer.go(f"/staff/cases/{case_a.pk}/")
    officer.act("reply", fill={"text": "已联系供电公司更换线路，路灯恢复照明。"})
    officer.shot("life-05-replied")
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.REPLIED

    # 6. The citizen rates it unsatisfied on the tracking page: it reopens to unit A.
    citizen.go(f"/demands/track/{code_a}/")
    assert "路灯恢复照明" in citizen.page.content()
    citizen.page.check("input[name=resolved][value=no]")
    citizen.page.check("input[name=satisfaction][value=unsatisfied]")
    citizen.page.fill("textarea[name=comment]", "只亮了一晚又坏了")
    citizen.page.locator("form:has(input[name=satisfaction]) button[type=submit]").click()
    citizen.page.wait_for_load_state()
    citizen.shot("life-06-rated")
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.IN_PROGRESS and case_a.reopen_count == 1
    assert Assignment.objects.filter(case=case_a, unit=org.unit_a, status=AssignmentStatus.SIGNED).exists()

    # 7. A demand left alone goes overdue and climbs the ladder when the worker runs.
    forgotten = make_case(world, title="垃圾清运不及时", received_at=timezone.now())
    h.case_dispatch(case=forgotten, lead_unit=org.unit_a, by=world.dispatcher)
    later = timezone.now() + timedelta(days=30)
    for _ in range(3):
        clock_tick(now=later)
    forgotten.refresh_from_db()
    assert forgotten.is_overdue and forgotten.escalation_level == EscalationLevel.ACCOUNTABLE
    assert AccountabilityRecord.objects.filter(case=forgotten, unit=org.unit_a).exists()
    supervisor = Desk(browser, live_server, world.supervisor)
    supervisor.go("/staff/cases/supervision/")
    assert forgotten.tracking_code in supervisor.page.content()
    supervisor.shot("life-07-supervision")
    officer.go(f"/staff/cases/{forgotten.pk}/")
    officer.shot("life-08-escalated-detail")
    officer.go("/staff/cases/notifications/")
    assert forgotten.tracking_code in officer.page.content()

    for desk in (citizen, dispatcher, officer, supervisor):
        desk.close()
