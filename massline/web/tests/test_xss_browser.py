"""Stored XSS, checked in Chromium: script payloads written through the public forms (a demand's title,
description and place, an opinion, a disclosure request, a pledge nomination) and by staff (a progress
note, a reply), then every page showing them opened in the browser.

On each page: `window.__xss` is never set, no dialog opens, the DOM holds no element the payload would
have made (an `<img src=x>`, an `<svg onload>`, a `javascript:` link), and the payload is visible as
text. The CSP alone would stop the inline handlers from running; the DOM check does not rely on it.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from massline.cases.models import Case
from massline.cases.services import handling
from massline.consultations.models import Opinion
from massline.disclosure.models import DisclosureRequest
from massline.pledges import services as pledge_services
from massline.pledges.choices import Phase, Theme
from massline.web.testing import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
SVG = '"><svg onload=window.__xss=1>'
LINK = "javascript:window.__xss=1"
PAYLOAD = f"{SCRIPT} {IMG} {SVG} {LINK}"
# What a payload would have created had it been rendered as markup.
INJECTED = ", ".join(
    [
        'img[src="x"]',
        "svg[onload]",
        "[onerror]",
        "[onload]",
        'a[href^="javascript:" i]',
        'script:not([src]):not([type="application/json"])',  # json_script blocks are data
    ]
)


@pytest.fixture(autouse=True)
def plain_http_cookies(settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def _errors(response):
    import re

    return re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', response.content.decode(), re.S)


def _planted(world):
    """Every kind of free text, through the public forms (a client of the live server's database) and
    the staff services."""
    officer = world.users["officer_a"]
    client = Client()
    consultation = world.samples["consultation"]["pk"]
    response = client.post(
        reverse("consultations:opinion_submit", args=[consultation]),
        {"body": PAYLOAD, "passage": SVG, "latitude": "28.2", "longitude": "112.9"},
    )
    assert response.status_code == 302 and Opinion.objects.filter(body=PAYLOAD).exists()
    response = client.post(
        reverse("disclosure:submit"),
        {
            "unit": world.org.unit_a.pk,
            "description": PAYLOAD,
            "delivery": "electronic",
            "applicant_kind": "person",
            "applicant_name": SVG,
            "id_document": "110101199001011234",
            "address": IMG,
        },
    )
    assert response.status_code == 302, _errors(response)
    disclosure = DisclosureRequest.objects.get(description=PAYLOAD)
    year = timezone.localdate().year + 1
    from massline.pledges.tests.conftest import windows

    programme = pledge_services.programme_create(
        by=officer,
        region=world.org.county,
        unit=world.org.unit_a,
        year=year,
        title="Next year",
        budget=1000,
        windows=windows(year),
    )
    while programme.phase != Phase.NOMINATION:
        pledge_services.phase_advance(programme=programme, by=officer)
    resident = Client()
    resident.force_login(world.users["citizen"].__class__.objects.get(username="pledges_resident"))
    response = resident.post(
        reverse("pledges:nominate", args=[programme.pk]),
        {"theme": Theme.WATER, "title": SVG, "description": PAYLOAD},
    )
    assert response.status_code == 302, response.content[:2000]
    return {"consultation": consultation, "disclosure": disclosure, "programme": programme}


def _demand_through_the_form(page, base):
    page.goto(base + reverse("cases_public:submit"))
    page.select_option("select[name=type]", "complaint")
    page.fill("input[name=title]", SVG + " " + LINK)
    page.fill("textarea[name=description]", PAYLOAD)
    # The map picker hides the coordinates in a <details> until asked: fill them as the picker does.
    page.eval_on_selector("input[name=lat]", "e => e.value = '28.2012'")
    page.eval_on_selector("input[name=lon]", "e => e.value = '112.9534'")
    page.fill("input[name=address]", IMG)
    page.check("input[name=is_public]")
    page.click("form:has(textarea[name=description]) button[type=submit]")
    page.wait_for_url("**/received/**")
    return Case.objects.get(description=PAYLOAD)


def _check(page, base, path, *, expect, name, hover=None):
    fired = []
    page.once("dialog", lambda d: (fired.append(d.message), d.dismiss()))
    response = page.goto(base + path)
    assert response.status < 400, (path, response.status)
    if hover:
        page.hover(hover)
        page.wait_for_selector(".leaflet-tooltip")
    page.screenshot(path=str(SCREENSHOTS / f"fuzz-xss-{name}.png"), full_page=True)
    assert page.evaluate("typeof window.__xss") == "undefined", path
    assert not fired, (path, fired)
    injected = page.eval_on_selector_all(INJECTED, "nodes => nodes.map(n => n.outerHTML.slice(0, 120))")
    assert injected == [], (path, injected)
    text = page.inner_text("body")
    for piece in expect:
        assert piece in text, (path, piece)


def test_no_payload_runs_or_becomes_markup_on_any_page(world, browser, live_server):
    base = live_server.url
    planted = _planted(world)
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        case = _demand_through_the_form(page, base)
        officer, dispatcher = world.users["officer_a"], world.users["dispatcher"]
        if case.status == "received":
            handling.case_dispatch(case=case, lead_unit=world.org.unit_a, by=dispatcher)
        handling.case_sign(case=case, unit=world.org.unit_a, by=officer)
        handling.case_note(case=case, by=officer, note=PAYLOAD)
        handling.case_reply(case=case, text=PAYLOAD, by=officer)

        public = [
            (reverse("cases_public:list"), [SVG], "list"),
            (reverse("cases_public:detail", args=[case.pk]), [SCRIPT, SVG], "detail"),
            (reverse("cases_public:track", args=[case.tracking_code]), [SCRIPT, IMG, SVG], "track"),
            (
                reverse("consultations:detail", args=[planted["consultation"]]),
                [SCRIPT, IMG, SVG],
                "consultation",
            ),
            (reverse("disclosure:register"), [], "register"),
            (
                reverse("disclosure:register_detail", args=[planted["disclosure"].tracking_code]),
                [SCRIPT, IMG, SVG],
                "register-detail",
            ),
            (reverse("pledges:detail", args=[planted["programme"].pk]), [SVG], "programme"),
            (reverse("appraisal:index"), [], "appraisal"),
        ]
        for path, expect, name in public:
            _check(page, base, path, expect=expect, name=name)
        # The map's tooltips are built in JavaScript (web/maps.js): hover the demand's point.
        _check(page, base, reverse("cases_public:map"), expect=[SVG], name="map", hover=".map-point")

        client = Client()
        client.force_login(officer)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
        for path, expect, name in [
            (reverse("cases_staff:unit_queue"), [], "unit-queue"),
            (reverse("cases_staff:detail", args=[case.pk]), [SCRIPT, IMG, SVG], "staff-detail"),
            (
                reverse("consultations_staff:detail", args=[planted["consultation"]]),
                [SCRIPT, IMG],
                "staff-consultation",
            ),
            (
                reverse("disclosure_staff:detail", args=[planted["disclosure"].pk]),
                [SCRIPT, IMG],
                "staff-disclosure",
            ),
        ]:
            _check(page, base, path, expect=expect, name=name)
    finally:
        context.close()
