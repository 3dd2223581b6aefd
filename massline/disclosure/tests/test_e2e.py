"""A request in Chromium against a live server: recorded from a letter, clarified, a third party consulted,
extended by the unit head and partly disclosed — handlers in Chinese, the unit head and the applicant in
English — with every due date shown equal to the one computed by hand (see test_clock.py for the sums).

The office records when each letter arrived, so the dates are fixed in 2026 across National Day.
Screenshots land in var/screenshots/disclosure-*.png for a human to look at.
"""

import pytest
from django.utils import timezone

from massline.disclosure.choices import Remedy, RequestStatus
from massline.disclosure.models import DisclosureRequest
from massline.web.testing import Visitor as BrowserVisitor

pytestmark = pytest.mark.e2e

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture(autouse=True)
def plain_http_cookies(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


class Visitor(BrowserVisitor):
    screenshot_prefix = "disclosure"

    def step(self, step, fields):
        for name, value in fields.items():
            self.page.locator(f"#id_{step}-{name}").fill(value)
        self.page.locator(f"#step-{step} button[type=submit]").click()


def test_a_request_runs_through_every_clock_step_in_both_languages(
    browser, live_server, officer_a, unit_head_a, org
):
    handler = Visitor(browser, live_server.url, "zh-CN")
    handler.sign_in_as(officer_a)
    page = handler.page

    # A letter received Thu 24 Sep 2026, recorded by the handler (Chinese).
    handler.go("/staff/disclosure/new/")
    page.locator("#id_unit").select_option(str(org.unit_a.pk))
    page.locator("#id_description").fill("2025年道路养护资金的预算和决算。")
    page.locator("#id_applicant_name").fill("张三")
    page.locator("#id_id_document").fill("110101199001011234")
    page.locator("#id_phone").fill("13911112222")
    page.locator("#id_received_at").fill("2026-09-24T10:00")
    page.get_by_role("button", name="登记申请").click()
    expect(page.get_by_test_id("answer-due")).to_have_text("2026-10-29 17:30")
    expect(page.locator(".messages")).to_contain_text("已登记")
    code = DisclosureRequest.objects.get().tracking_code

    # Clarification asked Tue 29 Sep 15:00: the corrected request is due Wed 14 Oct.
    handler.step("clarify", {"note": "请说明是哪条道路。", "at": "2026-09-29T15:00"})
    expect(page.get_by_test_id("correct-by")).to_have_text("2026-10-14 17:30")
    expect(page.get_by_test_id("status")).to_have_text("等待申请人补正")
    handler.shot("clarification-zh")
    expect(page.locator("#step-clarify")).to_have_count(0)  # once only

    # The corrected letter arrives Fri 9 Oct: 20 working days afresh, due Thu 5 Nov.
    handler.step("correct", {"text": "滨江路。", "at": "2026-10-09T11:00"})
    expect(page.get_by_test_id("answer-due")).to_have_text("2026-11-05 17:30")

    # Third party consulted Mon 12 Oct 10:00 (its view due Mon 2 Nov), answers Mon 19 Oct 10:00.
    handler.step("consult", {"third_party": "某路桥工程有限公司", "at": "2026-10-12T10:00"})
    expect(page.get_by_test_id("third-party-by")).to_have_text("2026-11-02 17:30")
    expect(page.get_by_test_id("answer-due")).to_have_text("计时暂停")
    handler.shot("consultation-zh")
    handler.step("consult_end", {"view": "单价属于商业秘密。", "at": "2026-10-19T10:00"})
    expect(page.get_by_test_id("answer-due")).to_have_text("2026-11-12 17:30")

    # The unit head approves the extension on Mon 26 Oct (English): due Thu 10 Dec.
    head = Visitor(browser, live_server.url, "en-GB")
    head.sign_in_as(unit_head_a)
    head.go(page.url.replace(live_server.url, ""))
    head.step("extend", {"reason": "Many contracts to review.", "at": "2026-10-26T09:30"})
    expect(head.page.get_by_test_id("answer-due")).to_have_text("2026-12-10 17:30")
    expect(head.page.locator(".messages")).to_contain_text("Extension approved")
    expect(head.page.locator("#step-extend")).to_have_count(0)  # one extension only
    head.shot("extended-en")

    # A partial answer without its legal ground is refused, then sent (Chinese).
    page.reload()
    page.locator("#id_answer-answer_type").select_option("partly_disclosed")
    handler.step("answer", {"text": "公开预算和决算总额；单价不予公开。", "at": "2026-11-20T16:00"})
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#step-answer")).to_contain_text("请从列表中选择不予公开的法律依据")
    assert DisclosureRequest.objects.get().status == RequestStatus.RECEIVED
    handler.problems.clear()  # the refusal is a 400 on purpose, which Chromium logs
    page.locator("#id_answer-answer_type").select_option("partly_disclosed")
    page.locator("#id_answer-legal_ground").select_option("third_party")
    handler.step("answer", {"text": "公开预算和决算总额；单价不予公开。", "at": "2026-11-20T16:00"})
    expect(page.locator(".answer")).to_contain_text("部分公开")
    handler.shot("answered-zh")
    assert handler.problems == []

    # The applicant follows the request in English, sees the same dates and the remedies.
    applicant = Visitor(browser, live_server.url, "en-GB")
    applicant.go("/disclosure/track/")
    applicant.page.get_by_label("Tracking code").fill(code)
    applicant.page.get_by_role("button", name="Show").click()
    expect(applicant.page.get_by_test_id("answer-due")).to_have_text("2026-12-10 17:30")
    expect(applicant.page.get_by_test_id("correct-by")).to_have_text("2026-10-14 17:30")
    expect(applicant.page.get_by_test_id("third-party-by")).to_have_text("2026-11-02 17:30")
    expect(applicant.page.locator(".remedies")).to_contain_text("administrative reconsideration")
    applicant.page.get_by_label("Why the answer does not satisfy you").fill(
        "The unit prices are public money."
    )
    applicant.page.get_by_label("Remedy you are seeking").select_option(Remedy.RECONSIDERATION)
    applicant.page.get_by_role("button", name="Mark the answer unsatisfactory").click()
    expect(applicant.page.locator(".messages")).to_contain_text("marked unsatisfactory")
    applicant.shot("track-en")
    assert (
        "13911112222" not in applicant.page.content() and "110101199001011234" not in applicant.page.content()
    )

    # The public register shows it with a masked name.
    applicant.go("/disclosure/")
    applicant.page.get_by_label("Search").fill("道路养护")
    applicant.page.get_by_role("button", name="Search").click()
    applicant.page.get_by_role("link", name=code).click()
    expect(applicant.page.locator("main")).to_contain_text("张*")
    applicant.shot("register-en")
    assert applicant.problems == []


def test_a_citizen_files_a_request_in_english(browser, live_server, org):
    citizen = Visitor(browser, live_server.url, "en-GB")
    citizen.go("/disclosure/request/")
    citizen.page.get_by_role("button", name="Send the request").click()
    expect(citizen.page.get_by_role("alert")).to_be_visible()
    expect(citizen.page.locator("form.form")).to_contain_text("Choose the agency")
    citizen.problems.clear()  # the refusal is a 400 on purpose, which Chromium logs
    citizen.page.get_by_label("Agency asked").select_option(str(org.unit_a.pk))
    citizen.page.get_by_label("Information you are asking for").fill("Minutes of the 2026 bridge tender.")
    citizen.page.get_by_label("Name (or organisation's name)").fill("Li Ming")
    citizen.page.get_by_label("Identity document number (or organisation code)").fill("X123")
    citizen.page.get_by_label("E-mail").fill("li@example.org")
    citizen.page.get_by_role("button", name="Send the request").click()
    expect(citizen.page.locator(".messages")).to_contain_text("Keep your tracking code")
    item = DisclosureRequest.objects.get()
    expect(citizen.page.locator(".tracking-code")).to_have_text(item.tracking_code)
    expect(citizen.page.get_by_test_id("answer-due")).to_have_text(
        f"{timezone.localtime(item.clock.due_at):%Y-%m-%d %H:%M}"
    )
    citizen.shot("submitted-en")
    assert citizen.problems == []


def test_an_overdue_request_climbs_the_ladder_and_the_supervisor_decides_in_both_languages(
    browser, live_server, officer_a, supervisor, org
):
    from massline.cases.models import AccountabilityRecord
    from massline.disclosure import services

    from .conftest import local

    # Received Wed 2 Sep 2026 10:00, due Wed 30 Sep 17:30; the worker's rounds climb a rung a working day
    # (1-7 October off) up to Sat 10 Oct 17:31, a make-up working day.
    request = services.request_submit(
        unit=org.unit_a,
        description="2025年道路养护资金的预算和决算。",
        applicant_name="张三",
        id_document="110101199001011234",
        phone="13911112222",
        received_at=local(2026, 9, 2, 10),
    )
    assert services.disclosure_tick(now=local(2026, 9, 30, 17, 31))["overdue"] == 1
    for day in (8, 9, 10):
        assert services.disclosure_tick(now=local(2026, 10, day, 17, 31))["escalated"] == 1
    boss = Visitor(browser, live_server.url, "zh-CN")
    boss.sign_in_as(supervisor)
    page = boss.page
    boss.go("/staff/disclosure/")
    page.get_by_test_id("listed-link").click()
    expect(page.locator("table")).to_contain_text(request.tracking_code)
    expect(page.locator("table")).to_contain_text("待督办人员作出问责决定")
    boss.shot("supervision-list-zh")
    page.get_by_role("link", name=request.tracking_code).click()
    expect(page.get_by_test_id("ladder")).to_contain_text("2026-10-08 17:31")
    expect(page.get_by_test_id("answer-due")).to_have_text("2026-09-30 17:30")
    page.locator("#id_accountability-decision").select_option("criticised")
    page.locator("#step-accountability button[type=submit]").click()
    expect(page.locator("#step-accountability")).to_contain_text("请填写决定理由")
    boss.problems.clear()  # the refusal is a 400 on purpose, which Chromium logs
    page.locator("#id_accountability-decision").select_option("criticised")
    page.locator("#id_accountability-note").fill("超期八个工作日且未申请延期。")
    page.locator("#step-accountability button[type=submit]").click()
    expect(page.get_by_test_id("accountability")).to_contain_text("超期八个工作日且未申请延期。")
    boss.shot("accountability-zh")
    assert AccountabilityRecord.objects.get().unit == org.unit_a

    # The handler reads the outcome in English.
    handler = Visitor(browser, live_server.url, "en-GB")
    handler.sign_in_as(officer_a)
    handler.go(f"/staff/disclosure/{request.pk}/")
    expect(handler.page.get_by_test_id("ladder")).to_contain_text("Listed for the supervisor")
    expect(handler.page.get_by_test_id("accountability")).to_contain_text("Criticism")
    handler.shot("ladder-en")
    assert boss.problems == [] and handler.problems == []
