"""In Chromium against a live server: a citizen asks for a copy of their data with the code from the SMS
(a wrong code first), an administrator answers it from the queue, and the citizen opens the copy from the
link in the answer; a second citizen asks from a tracking page and is told, on the page, to choose.

Run alone with `pytest -m e2e massline/cases/tests/test_data_requests_browser.py`; screenshots:
var/screenshots/privacy-*.png.
"""

import re

import pytest

from massline.cases.choices import CaseStatus, DataRequestStatus
from massline.cases.models import Case, DataRequest
from massline.cases.services.intake import case_submit
from massline.outbox.models import Message
from massline.web.testing import Visitor

pytestmark = pytest.mark.e2e
pytest.importorskip("playwright.sync_api")


class Citizen(Visitor):
    screenshot_prefix = "privacy"


@pytest.fixture(autouse=True)
def plain_http(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def _demand(phone):
    case = case_submit(
        type="help",
        title="路灯不亮",
        description="小区门口的路灯坏了。",
        citizen_name="张三",
        citizen_phone=phone,
    )
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    return case


def _problems(visitor):
    """A refusal is an HTTP 400, which Chromium reports on the console; nothing else may be there."""
    return [p for p in visitor.problems if "status of 400" not in p]


def _last_text(key_part):
    return Message.objects.filter(key__contains=key_part).order_by("-pk").first().text


def test_a_citizen_gets_a_copy_of_their_data_and_an_official_answers_it(browser, live_server, admin_user):
    case = _demand("13800001234")
    citizen = Citizen(browser, live_server.url, "zh-CN", phone=True)
    citizen.go("/privacy/")
    citizen.shot("index-phone")
    citizen.page.fill("input[name=phone]", "138 0000 1234")
    citizen.page.click("button[type=submit].button")
    citizen.page.wait_for_url(re.compile(r"/privacy/code/"))
    assert "138****1234" in citizen.page.content() and "13800001234" not in citizen.page.content()
    citizen.page.fill("input[name=code]", "000000")
    citizen.page.check("input[name=kind][value=see]")
    citizen.page.click("button[type=submit].button")
    assert citizen.page.locator(".errorlist, [role=alert]").count() >= 1
    assert not DataRequest.objects.exists()
    citizen.shot("wrong-code-phone")
    code = re.search(r"\b(\d{6})\b", _last_text("phone-code:")).group(1)
    citizen.page.fill("input[name=code]", code)
    citizen.page.check("input[name=kind][value=see]")
    citizen.page.click("button[type=submit].button")
    request = DataRequest.objects.get()
    citizen.page.wait_for_url(re.compile(rf"/privacy/requests/{request.reference}/"))
    assert request.reference in citizen.page.content()
    citizen.shot("received-phone")

    official = Citizen(browser, live_server.url, "en")
    official.sign_in_as(admin_user)
    official.go("/staff/cases/data-requests/")
    official.page.click(f"text={request.reference}")
    assert "Data request" in official.page.content() and "13800001234" not in official.page.content()
    official.shot("staff-detail")
    official.page.check("input[name=decision][value=fulfil]")
    official.page.click("button[type=submit].button")
    official.page.wait_for_url(re.compile(r"/staff/cases/data-requests/"))
    request.refresh_from_db()
    assert request.status == DataRequestStatus.FULFILLED
    official.shot("staff-queue")

    link = re.search(r"/privacy/copy/[^/\s]+/", Message.objects.get(key__endswith=":fulfilled").text).group(0)
    citizen.go(link)
    page = citizen.page.content()
    assert case.tracking_code in page and "13800001234" in page  # the citizen's own copy, as held
    citizen.shot("copy-phone")
    assert _problems(citizen) == [] and _problems(official) == []


def test_a_request_from_a_tracking_page_without_a_choice_is_refused_on_the_page(browser, live_server):
    case = _demand("13800005678")
    citizen = Citizen(browser, live_server.url, "en")
    citizen.go(f"/demands/track/{case.tracking_code}/")
    form = citizen.page.locator("form[action$='/data/']").first
    # The browser would stop an empty required choice; a hostile client skips that, as this does.
    citizen.page.evaluate("f => f.noValidate = true", form.element_handle())
    form.locator("button[type=submit]").click()
    assert "Choose what you ask for" in citizen.page.content()
    assert not DataRequest.objects.exists()
    citizen.shot("tracking-refused")
    assert _problems(citizen) == []
