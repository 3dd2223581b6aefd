"""A whole consultation in Chromium against a live server: publish, comment, vote, moderate, close, answer
every opinion, publish the report — the staff in Chinese, citizens in English.

Screenshots land in var/screenshots/consultation-*.png for a human to look at.
"""

import pytest

from massline.consultations.choices import ConsultationStatus
from massline.consultations.models import Consultation
from massline.web.testing import Visitor as BrowserVisitor

pytestmark = pytest.mark.e2e

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture(autouse=True)
def plain_http_cookies(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


class Visitor(BrowserVisitor):
    screenshot_prefix = "consultation"


def test_a_consultation_runs_end_to_end_in_both_languages(browser, live_server, officer_a, org):
    staff = Visitor(browser, live_server.url, "zh-CN")
    staff.sign_in_as(officer_a)
    page = staff.page

    # The unit drafts and publishes (Chinese).
    staff.go("/staff/consultations/new/")
    page.locator("#id_title").fill("滨江公园改造方案")
    page.locator("#id_summary").fill("公园改造草案，请提意见。")
    page.get_by_label("第一章节：标题").fill("树木")
    page.get_by_label("第一章节：草案正文").fill("保留古樟树，增加座椅。")
    expect(page.get_by_label("最短征求意见天数")).to_have_value("30")
    page.get_by_role("button", name="保存草案").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("滨江公园改造方案")
    for text in ("公园需要更多座椅。", "停车位应保持不变。"):
        page.locator("#id_statement-text").fill(text)
        page.get_by_role("button", name="添加观点").click()
        expect(page.locator(".messages")).to_contain_text("观点已添加")
    page.get_by_role("button", name="立即发布").click()
    expect(page.locator(".consultation-meta")).to_contain_text("正在征求意见")
    staff.shot("staff-published-zh")
    consultation = Consultation.objects.get(title="滨江公园改造方案")

    # Two citizens comment and vote (English).
    for body in ("Keep the old camphor trees, please.", "<script>alert('x')</script> Spam link"):
        citizen = Visitor(browser, live_server.url, "en-GB")
        citizen.go(f"/consultations/{consultation.pk}/")
        citizen.page.get_by_label("Your opinion").fill(body)
        citizen.page.get_by_role("button", name="Publish my opinion").click()
        expect(citizen.page.locator(".messages")).to_contain_text("your opinion is published")
        first = citizen.page.locator("#vote blockquote").inner_text()
        citizen.page.get_by_role("button", name="Agree", exact=True).click()
        expect(citizen.page.locator("#vote blockquote")).not_to_have_text(
            first
        )  # htmx swapped in the next one
        citizen.page.get_by_role("button", name="Disagree").click()
        expect(citizen.page.locator("#vote")).to_contain_text("You have voted on every statement")
        assert citizen.problems == []
    expect(citizen.page.locator(".opinion-list")).to_contain_text("<script>alert('x')</script> Spam link")
    citizen.shot("public-voted-en")

    # The unit moderates the spam with a public reason, replies to the other, then closes early.
    staff.go(f"/staff/consultations/{consultation.pk}/")
    spam = page.locator("article.staff-opinion", has_text="Spam link")
    spam.locator("summary", has_text="审核").click()
    spam.get_by_label("处理决定").select_option("hide")
    spam.get_by_label("理由（向公众公开）").fill("广告信息")
    spam.get_by_role("button", name="记录处理决定").click()
    expect(page.locator(".messages")).to_contain_text("处理决定已记录")
    kept = page.locator("article.staff-opinion", has_text="camphor")
    kept.locator("summary", has_text="公开回复").click()
    kept.get_by_role("textbox", name="公开回复").fill("谢谢，古樟树将全部保留。")
    kept.get_by_role("button", name="发布回复").click()
    page.get_by_role("button", name="截止征求意见").click()
    expect(page.get_by_role("alert")).to_contain_text("请填写理由")  # early closing needs a reason
    page.get_by_label("提前截止的理由（截止日期前关闭时必填）").fill("市政府常务会议提前审议。")
    page.get_by_role("button", name="截止征求意见").click()
    expect(page.locator(".consultation-meta")).to_contain_text("已截止")
    staff.shot("staff-closed-zh")
    page.get_by_role("button", name="立即重新计算意见群组").click()
    expect(page.locator(".messages")).to_contain_text("意见群组已重新计算")

    # Answer every opinion from a template, refuse the report first, then publish it.
    page.get_by_role("link", name="答复意见").click()
    page.locator("#id_report-decision").fill("方案通过。")
    page.get_by_role("button", name="发布报告").click()
    expect(page.get_by_role("alert")).to_contain_text("还有 1 条意见没有答复")
    expect(page.locator("#id_report-decision")).to_have_value("方案通过。")  # input kept
    page.locator("#id_template-title").fill("采纳：保留树木")
    page.locator("#id_template-decision").select_option("adopted")
    page.locator("#id_template-reason").fill("草案第一章已写明保留全部古樟树。")
    page.get_by_role("button", name="保存模板").click()
    for box in page.locator("input[name=opinion]").all():
        box.check()
    page.get_by_label("答复模板").select_option(label="采纳：保留树木")
    page.get_by_role("button", name="按模板起草答复").click()
    expect(page.locator(".lead")).to_contain_text("还有 0 条意见没有答复")
    page.locator("#id_report-decision").fill("方案经修改后通过：保留古樟树，增设座椅。")
    staff.shot("staff-answers-zh")
    page.get_by_role("button", name="发布报告").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("意见采纳情况报告")
    staff.shot("report-zh")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ANSWERED

    # A citizen reads the report in English; the moderated opinion shows its reason only.
    reader = Visitor(browser, live_server.url, "en-GB")
    reader.go(f"/consultations/{consultation.pk}/report/")
    table = reader.page.locator(".report-table")
    expect(table).to_contain_text("Keep the old camphor trees")
    expect(table).to_contain_text("Adopted")
    expect(table).to_contain_text("Moderated: 广告信息")
    expect(table).not_to_contain_text("Spam link")
    reader.shot("report-en")
    pdf = reader.page.request.get(f"{live_server.url}/consultations/{consultation.pk}/report.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    reader.go(f"/consultations/{consultation.pk}/groups/")
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("Opinion groups")
    expect(reader.page.locator("figure.opinion-map circle")).to_have_count(2)  # one dot per participant
    reader.shot("groups-en")
    # No script error or CSP violation; only the two refusals the test caused on purpose (HTTP 400).
    refusals = [p for p in staff.problems if "status of 400" in p]
    assert len(refusals) == 2 and [p for p in staff.problems if p not in refusals] == []
    assert reader.problems == []
