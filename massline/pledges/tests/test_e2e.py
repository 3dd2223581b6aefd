"""A whole year in Chromium against a live server: the organising unit (in Chinese) opens the year, residents
(in English) nominate, the unit screens, residents vote, paper ballots are merged, the results published,
the project delivered with a photo and a milestone, and the people rate it at the year's end.

Screenshots land in var/screenshots/pledges-*.png for a human to look at.
"""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from massline.pledges.choices import Phase
from massline.pledges.models import Nominator, Programme, Project, Rating
from massline.web.testing import Visitor as BrowserVisitor

pytestmark = pytest.mark.e2e

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture(autouse=True)
def plain_http_cookies(settings, tmp_path):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.MEDIA_ROOT = str(tmp_path)


class Visitor(BrowserVisitor):
    screenshot_prefix = "pledges"
    timeout_ms = 15_000


def _png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (40, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_whole_year_runs_end_to_end_in_both_languages(
    browser, live_server, officer_a, resident, make_resident
):
    year = (timezone.localdate() + timedelta(days=7)).year
    staff = Visitor(browser, live_server.url, "zh-CN")
    staff.sign_in_as(officer_a)
    page = staff.page

    # The organising unit sets up the year (Chinese).
    staff.go("/staff/pledges/new/")
    page.locator("#id_title").fill("一号镇民生实事")
    page.locator("#id_year").fill(str(year))
    page.locator("#id_budget").fill("1000000")
    page.locator("#id_region").select_option(label="一号镇")
    page.locator("#id_max_choices").fill("2")
    for phase, (start, end) in {
        "nomination": ("01-05", "01-31"),
        "screening": ("02-01", "02-28"),
        "vote": ("03-01", "03-20"),
        "delivery": ("03-21", "12-15"),
        "rating": ("12-16", "12-31"),
    }.items():
        page.locator(f"#id_{phase}_start").fill(f"{year}-{start}")
        page.locator(f"#id_{phase}_end").fill(f"{year}-{end}")
    page.get_by_role("button", name="保存计划").click()
    staff.shot("staff-created-zh")
    expect(page.get_by_role("heading", level=1)).to_have_text("一号镇民生实事")
    page.get_by_role("button", name="结束本阶段，进入下一阶段").click()
    expect(page.locator(".programme-meta")).to_contain_text("征集")
    programme = Programme.objects.get(title="一号镇民生实事")

    # A resident nominates on a phone (English): first without a theme, refused, then with one.
    citizen = Visitor(browser, live_server.url, "en-GB", phone=True)
    citizen.sign_in_as(resident)
    citizen.go("/")
    citizen.page.get_by_role("link", name="Vote on the year's practical projects").click()
    expect(citizen.page.get_by_role("heading", level=1)).to_have_text("一号镇民生实事")
    citizen.page.get_by_role("link", name="Nominate a project").click()
    citizen.page.get_by_label("Project in a few words").fill("Tap water for Village One")
    citizen.page.get_by_label("What should be done, and where").fill("Lay a water main to the upper hamlet.")
    citizen.page.get_by_role("button", name="Send my nomination").click()
    expect(citizen.page.get_by_role("alert")).to_contain_text("Choose the theme of your nomination")
    expect(citizen.page.get_by_label("Project in a few words")).to_have_value("Tap water for Village One")
    citizen.shot("nominate-refused-phone-en")
    citizen.page.get_by_label("Drinking water").check()
    citizen.page.get_by_role("button", name="Send my nomination").click()
    expect(citizen.page.locator(".messages")).to_contain_text("your nomination is no. 1")
    code = Nominator.objects.get(user=resident).tracking_code
    expect(citizen.page.locator(".messages")).to_contain_text(code)
    citizen.shot("nominated-phone-en")

    # The unit records a deputy's nomination, screens both: one accepted, one rejected with its reason.
    staff.go(f"/staff/pledges/{programme.pk}/")
    page.locator("summary", has_text="录入工作人员或人大代表的提名").click()
    page.locator("#id_nominate-kind").select_option("deputy")
    page.locator("#id_nominate-deputy_name").fill("张代表")
    page.locator("input[name=nominate-theme][value=other]").check()
    page.locator("#id_nominate-title").fill("镇区修建高尔夫球场")
    page.locator("#id_nominate-description").fill("在镇区建一个高尔夫球场。")
    page.get_by_role("button", name="录入提名").click()
    expect(page.locator(".messages")).to_contain_text("提名已记录")
    page.get_by_role("button", name="结束本阶段，进入下一阶段").click()
    expect(page.locator(".programme-meta")).to_contain_text("筛选")
    water, golf = programme.nominations.order_by("number")
    row = page.locator(f"#nomination-{water.pk}")
    row.locator("summary", has_text="筛选").click()
    row.locator(f"#id_screen-{water.pk}-feasibility").select_option("feasible")
    row.locator(f"#id_screen-{water.pk}-cost").fill("600000")
    row.locator(f"#id_screen-{water.pk}-owner_unit").select_option(label="甲局")
    row.get_by_role("button", name="记录筛选结论").click()
    expect(page.locator(".messages")).to_contain_text("筛选结论已记录")
    row = page.locator(f"#nomination-{golf.pk}")
    row.locator("summary", has_text="筛选").click()
    row.locator(f"#id_screen-{golf.pk}-decision").select_option("reject")
    row.get_by_role("button", name="记录筛选结论").click()
    expect(page.locator(".messages .error")).to_contain_text("请先填写不予采纳的理由")
    row = page.locator(f"#nomination-{golf.pk}")
    row.locator("summary", has_text="筛选").click()
    row.locator(f"#id_screen-{golf.pk}-decision").select_option("reject")
    row.locator(f"#id_screen-{golf.pk}-reason").fill("不属于民生实事范围。")
    row.get_by_role("button", name="记录筛选结论").click()
    expect(page.locator(".messages")).to_contain_text("筛选结论已记录")
    page.get_by_role("button", name="结束本阶段，进入下一阶段").click()
    expect(page.locator(".programme-meta")).to_contain_text("票决")
    staff.shot("staff-vote-zh")

    # Residents vote (English); a second ballot is refused; paper ballots are merged; results published.
    citizen.go(f"/pledges/{programme.pk}/")
    expect(citizen.page.locator(".nominations-table")).to_contain_text("不属于民生实事范围。")
    citizen.page.get_by_label("1. Tap water for Village One", exact=False).check()
    citizen.page.get_by_role("button", name="Send my ballot").click()
    expect(citizen.page.locator(".messages")).to_contain_text("your ballot is counted")
    citizen.shot("voted-phone-en")
    second = make_resident()
    other = Visitor(browser, live_server.url, "en-GB")
    other.sign_in_as(second)
    other.go(f"/pledges/{programme.pk}/")
    other.page.get_by_role("button", name="Send my ballot").click()
    expect(other.page.get_by_role("alert")).to_contain_text("Tick at least one project")
    staff.go(f"/staff/pledges/{programme.pk}/")
    page.locator("summary", has_text="录入纸质选票").click()
    page.locator(".ballot input[name=candidate]").first.check()
    page.locator("#id_paper-copies").fill("41")
    page.get_by_role("button", name="录入纸质选票").click()
    expect(page.locator(".messages")).to_contain_text("纸质选票已录入")
    expect(page.locator(".count-table")).to_contain_text("42")
    page.get_by_role("button", name="公布结果").click()
    expect(page.locator(".messages")).to_contain_text("结果已公布")
    page.get_by_role("button", name="结束本阶段，进入下一阶段").click()
    expect(page.locator(".programme-meta")).to_contain_text("实施")
    project = Project.objects.get(programme=programme)

    # The resident follows the project; the unit posts an update with a photo and a milestone.
    citizen.go(f"/pledges/{programme.pk}/")
    expect(citizen.page.locator(".results-table")).to_contain_text("42")
    citizen.page.get_by_role("link", name="Tap water for Village One").click()
    citizen.page.get_by_role("button", name="Follow this project").click()
    expect(citizen.page.locator(".messages")).to_contain_text("You follow this project")
    staff.go(f"/staff/pledges/projects/{project.pk}/")
    page.locator("#id_update-text").fill("管网铺设完成一半。")
    page.locator("#id_update-status").select_option("under_way")
    page.locator("#id_update-spent").fill("250000")
    page.locator("#id_update-photo").set_input_files(
        files=[{"name": "site.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_role("button", name="发布进展").click()
    expect(page.locator(".messages")).to_contain_text("进展已发布")
    due = min(
        timezone.localdate() + timedelta(days=7), timezone.localdate().replace(year=year, month=12, day=31)
    )
    page.locator("#id_milestone-title").fill("主管网通水")
    page.locator("#id_milestone-due_on").fill(f"{year + 1}-01-10")
    page.get_by_role("button", name="添加节点").click()
    expect(page.locator(".messages .error")).to_contain_text(f"{year}年度计划的节点须在{year}年内")
    page.locator("#id_milestone-title").fill("主管网通水")
    page.locator("#id_milestone-due_on").fill(due.isoformat())
    page.get_by_role("button", name="添加节点").click()
    expect(page.locator(".messages")).to_contain_text("节点已添加")
    staff.shot("staff-project-zh")
    citizen.go(f"/pledges/projects/{project.pk}/")
    expect(citizen.page.locator(".progress")).to_contain_text("50%")
    expect(citizen.page.locator("img.project-photo")).to_be_visible()
    citizen.shot("project-phone-en")

    # The year ends: the project is done; the resident rates it, and so does someone with a tracking code.
    page.locator("#id_update-text").fill("通水验收完成。")
    page.locator("#id_update-status").select_option("done")
    page.get_by_role("button", name="发布进展").click()
    staff.go(f"/staff/pledges/{programme.pk}/")
    page.get_by_role("button", name="结束本阶段，进入下一阶段").click()
    expect(page.locator(".programme-meta")).to_contain_text("年终评议")
    citizen.go(f"/pledges/projects/{project.pk}/")
    citizen.page.get_by_label("Satisfied", exact=True).check()
    citizen.page.get_by_role("button", name="Send my rating").click()
    expect(citizen.page.locator(".messages")).to_contain_text("your rating is counted")
    citizen.page.get_by_label("Basically satisfied").check()
    citizen.page.get_by_role("button", name="Send my rating").click()
    expect(citizen.page.get_by_role("alert")).to_contain_text("already rated")
    anonymous = Visitor(browser, live_server.url, "zh-CN")
    anonymous.go(f"/pledges/projects/{project.pk}/")
    anonymous.page.get_by_label("基本满意").check()
    anonymous.page.get_by_label("查询码（未登录时填写）").fill(code)
    anonymous.page.get_by_role("button", name="提交评价").click()
    expect(anonymous.page.locator(".messages")).to_contain_text("您的评议已计入")
    assert Rating.objects.filter(project=project).count() == 2
    anonymous.shot("project-rated-zh")

    # The annual report shows the page's figures, and its PDF opens.
    anonymous.go(f"/pledges/{programme.pk}/report/")
    table = anonymous.page.locator(".report-table")
    expect(table).to_contain_text("Tap water for Village One")
    expect(table).to_contain_text("100")
    expect(table).to_contain_text("600000")
    expect(table).to_contain_text("250000")
    expect(table).to_contain_text("100%")
    anonymous.shot("report-zh")
    pdf = anonymous.page.request.get(f"{live_server.url}/pledges/{programme.pk}/report.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    programme.refresh_from_db()
    assert programme.phase == Phase.RATING

    # Appraisal carries the rating as the unit's figure for its pledges: 2 of 2 ratings satisfied or
    # basically satisfied, 100.0 % with the Wilson 95 % interval [34.2 %, 100.0 %]; one project, delivered.
    staff.go(f"/staff/appraisal/units/{project.owner_unit_id}/?month={year}-12")
    figure = page.locator("[data-testid=further-pledges]")
    expect(figure).to_contain_text(f"群众评议民生实事（{year}年）")
    expect(figure.locator("tbody tr").first).to_contain_text("100.0 %")
    expect(figure.locator("tbody tr").first).to_contain_text("34.2 %")
    staff.shot("appraisal-unit-zh")
    citizen.go(f"/appraisal/?month={year}-12")
    expect(citizen.page.locator("[data-testid=further-pledges]")).to_contain_text(
        f"Practical projects rated by the people, {year}"
    )
    citizen.shot("appraisal-public-phone-en")
    # No script error or CSP violation; only the refusals the test caused on purpose (HTTP 400).
    for visitor in (staff, citizen, other, anonymous):
        assert [p for p in visitor.problems if "status of 400" not in p] == []
