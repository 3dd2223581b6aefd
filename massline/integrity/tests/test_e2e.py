"""Tip-offs in Chromium against a live server: an anonymous report (English), the receipt flow (Chinese
and English), an inspector reading and answering (Chinese), the two-inspector identity reveal (a Chinese
and an English inspector) and recusal (a stationed inspector sees nothing).

Screenshots land in var/screenshots/integrity-*.png for a human to look at.
"""

import pytest
from django.conf import settings

from massline.integrity import services
from massline.integrity.models import Tip
from massline.org.choices import Role
from massline.org.testing import PERSONA_PASSWORD
from massline.web.testing import Visitor as BrowserVisitor

pytestmark = pytest.mark.e2e

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture(autouse=True)
def plain_http_cookies(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


class Visitor(BrowserVisitor):
    screenshot_prefix = "integrity"
    timeout_ms = 15_000

    def wait_for_pow(self):
        expect(self.page.locator("form[data-pow-ready=true]")).to_have_count(1)


def test_tip_offs_end_to_end_in_both_languages(
    browser, live_server, keyed, second_inspector, org, make_official
):
    inspector = keyed[0]
    colleague = second_inspector[0]
    stationed = make_official(
        "stationed", Role.DISCIPLINE_INSPECTOR, region=org.county, display_name="驻局纪检"
    )
    services.inspector_key_setup(user=stationed, password=PERSONA_PASSWORD, home_unit=org.unit_a)

    # An anonymous reporter, in English, with their identity sealed separately.
    reporter = Visitor(browser, live_server.url, "en-GB")
    reporter.go("/integrity/")
    page = reporter.page
    page.get_by_label("Unit concerned").select_option(label="Bureau A")
    page.get_by_label("Official's name (if you know it)").fill("Director Zhang")
    page.get_by_label("What happened").fill("Banquets paid with public funds at the Lotus restaurant.")
    page.get_by_label("I want to give my identity (sealed separately)").check()
    page.get_by_label("Your name").fill("Li Whistle")
    page.get_by_label("Your phone").fill("13912345678")
    reporter.wait_for_pow()
    reporter.shot("submit-en")
    page.get_by_role("button", name="Send the tip-off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your tip-off was received")
    receipt = page.locator("[data-receipt]").inner_text()
    assert len(receipt.replace(" ", "")) == 16
    reporter.shot("receipt-en")
    assert not [c for c in reporter.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    tip = Tip.objects.get()

    # The inspector, in Chinese, unlocks the key, reads and answers.
    staff = Visitor(browser, live_server.url, "zh-CN")
    staff.sign_in_as(inspector)
    staff.go("/staff/integrity/")
    staff.page.get_by_label("您的密码").fill(PERSONA_PASSWORD)
    staff.page.get_by_role("button", name="解锁密钥").click()
    expect(staff.page.locator(".messages")).to_contain_text("您的密钥已在本次会话中解锁")
    staff.shot("staff-list-zh")
    staff.page.get_by_role("link", name=tip.reference).click()
    expect(staff.page.locator(".integrity-text")).to_contain_text("Lotus restaurant")
    staff.page.get_by_label("给举报人的留言").fill("请问宴请的具体日期？")
    staff.page.get_by_role("button", name="发送给举报人").click()
    expect(staff.page.locator(".messages")).to_contain_text("留言已发送给举报人")
    staff.shot("staff-detail-zh")

    # The reporter comes back, in Chinese this time, with the receipt code; a wrong code first.
    back = Visitor(browser, live_server.url, "zh-CN")
    back.go("/integrity/receipt/")
    back.page.get_by_label("查询码（16 位数字）").fill("1111 2222 3333 4444")
    back.wait_for_pow()
    back.page.get_by_role("button", name="打开").click()
    expect(back.page.locator(".form-errors")).to_contain_text("该查询码无法打开任何举报")
    back.shot("receipt-wrong-zh")
    back.problems.clear()  # the 400 of the wrong code was asked for
    back.page.get_by_label("查询码（16 位数字）").fill(receipt)
    back.wait_for_pow()
    back.page.get_by_role("button", name="打开").click()
    expect(back.page.locator(".integrity-messages")).to_contain_text("请问宴请的具体日期？")
    back.page.get_by_label("您的留言").fill("2026年5月3日晚。")
    back.page.get_by_role("button", name="发送", exact=True).click()
    expect(back.page.locator(".messages")).to_contain_text("留言已发送")
    back.shot("reporter-zh")

    # Recusal: the inspector stationed in Bureau A does not see the tip.
    recused = Visitor(browser, live_server.url, "zh-CN")
    recused.sign_in_as(stationed)
    recused.go("/staff/integrity/")
    expect(recused.page.locator("main")).to_contain_text("暂无您可查看的举报")
    assert recused.go(f"/staff/integrity/{tip.reference}/").status == 404
    recused.problems.clear()  # the 404 above was asked for
    recused.shot("recused-zh")

    # Two inspectors reveal the identity: asked in Chinese, approved in English.
    staff.go(f"/staff/integrity/{tip.reference}/")
    staff.page.get_by_label("需要查看身份的理由").fill("举报人可能遭受打击报复，需要联系保护。")
    staff.page.get_by_role("button", name="申请查看身份信息").click()
    expect(staff.page.locator(".messages")).to_contain_text("等待另一名纪检人员批准")
    assert staff.go(f"/staff/integrity/{tip.reference}/identity/").status == 403
    staff.problems.clear()  # the 403 above was asked for
    second = Visitor(browser, live_server.url, "en-GB")
    second.sign_in_as(colleague)
    second.go("/staff/integrity/")
    second.page.get_by_label("Your password").fill(PERSONA_PASSWORD)
    second.page.get_by_role("button", name="Unlock my key").click()
    second.go(f"/staff/integrity/{tip.reference}/")
    expect(second.page.locator("main")).to_contain_text("asks to read the identity")
    second.shot("reveal-approve-en")
    second.page.get_by_role("button", name="Approve", exact=True).click()
    expect(second.page.locator(".messages")).to_contain_text("Approved")
    staff.go(f"/staff/integrity/{tip.reference}/")
    staff.page.get_by_role("link", name="查看身份信息").click()
    expect(staff.page.locator("[data-identity-name]")).to_have_text("Li Whistle")
    staff.shot("identity-zh")

    for visitor in (reporter, staff, back, recused, second):
        assert not visitor.problems, visitor.problems
