"""The privacy scan over the full demo: every app's demo loaded, a citizen's phone number, ID-card number,
e-mail address and house number written into every kind of public free text (demands, consultation
opinions, passages, statements, replies and answers, pledge nominations, disclosure requests and their
answers), then every public response crawled as an anonymous visitor: HTML pages (list and detail,
following every link on the site), the open API, Open311 in JSON and XML, CSV / JSON open data, and the
PDF and XLSX exports read as text. Any phone, ID-card, e-mail pattern or the house number is a leak.

The crawl must reach every URL pattern the access policy opens to anonymous visitors (GET), so a new
public page is scanned as soon as it has its rule and a link to it or a seed below.

Free text that the apps mask when they show it (not when they store it) is planted with an ORM update
of the demo's rows: what is tested is that what is stored never reaches a public answer unmasked.
Texts masked when written (demand summaries, timeline notes) are planted through their services.
"""

import io
import re
from collections import Counter, deque
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import openpyxl
import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from massline.cases.choices import CaseType, Channel
from massline.cases.models import Case, Category
from massline.cases.services import handling
from massline.cases.services.intake import case_submit
from massline.consultations import demo as consultations_demo
from massline.consultations import services as consultation_services
from massline.consultations.choices import OpinionStatus, StatementStatus
from massline.consultations.models import Answer, Opinion, Reply, Statement
from massline.disclosure.models import DisclosureRequest
from massline.lib.access_policy import policy_table
from massline.open311 import services as open311_services
from massline.org.demo import DemoReport
from massline.org.management.commands.demo import demo_loaders
from massline.org.models import Unit
from massline.pledges.models import Nomination, Programme

from .test_privacy_scan import EMAIL, ID_CARD, PHONE

pytestmark = pytest.mark.django_db

# What a citizen writes into a free-text field when they want to be called back.
SECRET = (
    "请打我电话 13912345678 或 +86 137 1122 3344，邮箱 leak.me@example.net，"
    "身份证 110101199003074514，家住和平路88号7栋3单元902室。"
)
SECRET_EN = "Call me on +86 136 5566 7788 or write to leak.en@example.com, 88 Peace Road, Apt 902."
SERVICE_SEEDS = 3
HOUSE = ("88号7栋", "902室", "88 Peace Road", "Apt 902")
# Exact coordinates planted on every demand and opinion: a public answer may show them rounded to
# org.maps.PUBLIC_DECIMALS (28.123, 112.655: about 110 m), never with a fourth decimal.
EXACT_LAT, EXACT_LON = Decimal("28.123456"), Decimal("112.654987")
EXACT_PLACE = re.compile(r"28\.123\d|112\.65[45]\d")

# Public URL names the crawl may not reach with a 200, and why (each is a visitor's own page).
NOT_CRAWLED = {
    "integrity:receipt": "shows only the reporter's own tip, after they typed their receipt code",
    "cases_public:received": "the acknowledgement right after one's own submission (session-bound)",
    "disclosure:track": "the applicant's own request, opened with its tracking code",
    "disclosure:document": "a document sent to the applicant, on their own tracking page",
    "consultations:attachment": "a file the unit published (the demo has none); no citizen writes in it",
    "pledges:photo": "an image; its metadata is stripped when uploaded (massline.lib.uploads)",
    "cases_privacy:export": "the copy of a citizen's own data they asked for, behind a secret link sent to "
    "their phone: it must show the data as held",
    "cases_privacy:request": "a citizen's own data request by its reference (the demo holds none); "
    "test_privacy_scan.py reads it with a planted request",
}
# Pages of one URL pattern fetched at most (demands are hundreds; the planted ones are seeded).
PER_PATTERN = 12
# One path, two operations: the resolver names the POST one, a GET is the list.
GET_NAMES = {"api:demand_create": "api:demand_list"}
SKIP_PREFIXES = ("/static/", "/admin/", "/staff/", "/i18n/", "/accounts/logout", "/logout")


def _plant_demands():
    category = Category.objects.filter(is_active=True, default_unit__isnull=False).first()
    dispatcher = get_user_model().objects.filter(is_superuser=True).first()
    cases = []
    for channel, text in ((Channel.WEB, SECRET), (Channel.API, SECRET_EN)):
        case = case_submit(
            type=CaseType.COMPLAINT,
            title="路灯坏了 13912345678",
            description=text,
            category=category,
            channel=channel,
            address="和平路88号7栋3单元902室",
            citizen_name="欧阳明月",
            citizen_phone="13912345678",
            citizen_email="leak.me@example.net",
            is_public=True,
        )
        case = Case.objects.get(pk=case.pk)
        if case.status == "received":
            handling.case_dispatch(case=case, lead_unit=category.default_unit, by=dispatcher)
        handling.case_sign(case=Case.objects.get(pk=case.pk), unit=category.default_unit, by=dispatcher)
        handling.case_reply(
            case=Case.objects.get(pk=case.pk), text=f"已回电 13912345678。{SECRET}", by=dispatcher
        )
        cases.append(case)
    return cases


def _answered_consultation(author, unit):
    """A consultation taken to its published adoption report, so the report and its exports exist."""
    now = timezone.now()
    consultation = consultation_services.consultation_create(
        by=author,
        unit=unit,
        title="隐私扫描：已答复的征求意见",
        summary="用于检查采纳情况报告。",
        sections=consultations_demo.SECTIONS[:1],
    )
    consultation = consultation_services.consultation_publish(
        consultation=consultation,
        by=author,
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=30),
    )
    participant = consultation_services.participant_get_or_create(
        consultation=consultation, anonymous_key="scan"
    )
    opinion = consultation_services.opinion_submit(
        consultation=consultation, participant=participant, body=SECRET
    )
    consultation_services.consultation_close(consultation=consultation, by=author, reason="隐私扫描")
    consultation_services.answer_set(
        consultation=consultation,
        opinions=[opinion],
        by=author,
        decision="adopted",
        reason=f"已电话 13912345678 联系。{SECRET_EN}",
    )
    consultation_services.report_publish(consultation=consultation, by=author, decision="采纳。")
    return consultation


def _plant_free_text():
    author = get_user_model().objects.get(username=consultations_demo.AUTHOR)
    unit = Unit.objects.get(code=consultations_demo.UNIT_CODE)
    answered = _answered_consultation(author, unit)
    Opinion.objects.update(body=SECRET, passage=SECRET_EN, latitude=EXACT_LAT, longitude=EXACT_LON)
    Case.objects.update(lat=EXACT_LAT, lon=EXACT_LON)
    opinion = Opinion.objects.filter(status=OpinionStatus.VISIBLE).exclude(consultation=answered).first()
    consultation_services.reply_post(opinion=opinion, by=author, body=f"我们会打 13912345678。{SECRET_EN}")
    Reply.objects.update(body=SECRET)
    Answer.objects.update(reason=SECRET_EN + SECRET)
    Statement.objects.filter(status=StatementStatus.ACCEPTED).update(text=SECRET)
    assert Nomination.objects.update(title="路灯 13912345678", description=SECRET + SECRET_EN)
    assert DisclosureRequest.objects.update(description=SECRET + SECRET_EN)
    DisclosureRequest.objects.exclude(answer_type="").update(answer_text=SECRET)
    return answered


def _seeds(cases, api_key):
    """Where the crawl starts: every anonymous GET page of the policy that takes no argument, the planted
    objects' own pages, the open API and Open311."""
    urls = ["/"]
    for name, (rule, _module) in policy_table().items():
        if rule.method == "GET" and "anonymous" in rule.allow and not rule.kwargs and not name.endswith(":"):
            if name != "admin:*":
                urls.append(reverse(name))
    for case in cases:
        urls += [
            f"/demands/public/{case.pk}/",
            f"/demands/track/{case.tracking_code}/",
            f"/api/v1/demands/{case.pk}",
            f"/api/v1/demands/{case.pk}/timeline",
            f"/open311/v2/requests/{case.public_id}.json?extensions=true",
            f"/open311/v2/requests/{case.public_id}.xml?extensions=true",
        ]
    urls += [
        reverse("pledges:nominate", kwargs={"pk": pk})
        for pk in Programme.objects.values_list("pk", flat=True)
    ]
    for code in Category.objects.filter(is_active=True).values_list("code", flat=True)[:SERVICE_SEEDS]:
        urls.append(reverse("open311:service", kwargs={"code": code, "fmt": "json"}))
    urls += [
        "/api/v1/demands?limit=50",
        "/api/v1/statistics",
        "/open311/v2/discovery.json",
        "/open311/v2/services.json",
        "/open311/v2/services.xml",
        "/open311/v2/requests.json?extensions=true",
        "/open311/v2/requests.xml?extensions=true",
        f"/open311/v2/servicerequestupdates.json?api_key={api_key}",
        f"/open311/v2/servicerequestupdates.xml?api_key={api_key}",
    ]
    return urls


def _text_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
        )
    if kind.startswith("image/"):
        return ""
    return content.decode("utf-8", "replace")


HREF = re.compile(r"""(?:href|src|hx-get)=["']([^"'#]+)""")


def _crawl(client, seeds):
    """Breadth-first over every same-site link; {url: text} of the 200 answers, and the URL names reached."""
    queue, seen, per_pattern = deque(seeds), set(), Counter()
    pages, reached, statuses = {}, set(), {}
    while queue:
        url = queue.popleft()
        if url in seen or (url.startswith(SKIP_PREFIXES) and url != reverse("web:login")):
            continue
        seen.add(url)
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        if per_pattern[match.view_name] >= PER_PATTERN and url not in seeds:
            continue
        view_name = GET_NAMES.get(match.view_name, match.view_name)
        per_pattern[match.view_name] += 1
        response = client.get(url)
        if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
            # A page that sends the visitor on (the current programme, a closed form) shows nothing.
            reached.add(view_name)
            queue.append(response["Location"])
            continue
        if response.status_code != 200:
            statuses[view_name] = response.status_code
            continue
        reached.add(view_name)
        text = _text_of(response)
        pages[url] = text
        if response.get("Content-Type", "").startswith("text/html"):
            for link in HREF.findall(text):
                target = urljoin(url, link.replace("&amp;", "&"))
                parts = urlsplit(target)
                if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages, reached, statuses


def test_no_public_response_of_the_full_demo_shows_personal_data(settings):
    settings.MASSLINE_API_RATE_LIMIT = 0
    report = DemoReport()
    for _label, load in demo_loaders():
        load(report)
    cases = _plant_demands()
    answered = _plant_free_text()
    _key, api_key = open311_services.apikey_create(name="privacy-scan-demo")
    seeds = _seeds(cases, api_key) + [
        f"/consultations/{answered.pk}/report/",
        f"/consultations/{answered.pk}/report.pdf",
        f"/consultations/{answered.pk}/report.xlsx",
    ]
    pages, reached, statuses = _crawl(Client(), seeds)

    # Units' office phones are published on purpose (the public directory); nobody's own number is.
    office = {p for p in Unit.objects.values_list("public_phone", flat=True) if p}
    leaks = []
    for url, body in pages.items():
        for label, pattern in (("phone", PHONE), ("ID number", ID_CARD), ("e-mail", EMAIL)):
            leaks += [(url, label, m.group(0)) for m in pattern.finditer(body) if m.group(0) not in office]
        leaks += [(url, "house number", h) for h in HOUSE if h in body]
        leaks += [(url, "exact coordinates", m.group(0)) for m in EXACT_PLACE.finditer(body)]
    assert not leaks, "\n".join(map(str, sorted(set(leaks))[:80]))

    public = {
        name
        for name, (rule, _module) in policy_table().items()
        if rule.method == "GET" and "anonymous" in rule.allow and not name.endswith(":") and name != "admin:*"
    }
    missing = public - reached - set(NOT_CRAWLED)
    assert not missing, f"public pages the scan never reached: {sorted(missing)} {statuses}"
    # The planted texts were shown (masked): a scan of pages that hide them proves nothing.
    shown = "\n".join(pages.values())
    assert "28.123" in shown and "112.655" in shown  # the places were shown, rounded
    assert shown.count("[电话/phone]") >= 20 and "[邮箱/e-mail]" in shown and "[身份证号/ID number]" in shown
    assert any(u.endswith("report.pdf") for u in pages) and any(u.endswith("report.xlsx") for u in pages)
