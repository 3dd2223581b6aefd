"""Public pages: the submit form (idempotent, rate-limited, refusing bad input), tracking and rating by code,
the public list, detail and map with masked text only, and each unit's figures."""

import json
import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from massline.cases.choices import CaseStatus, CaseType, EventKind, Satisfaction
from massline.cases.models import Case, CaseEvent, Category, KnowledgeArticle
from massline.cases.selectors_public import unit_figures
from massline.cases.services.intake import case_answer_directly, case_submit
from massline.org import services as org_services
from massline.org.choices import Role

SH = ZoneInfo("Asia/Shanghai")
SUBMIT = reverse("cases_public:submit")
# What a citizen may write in a demand and no public page may show.
SECRETS = ("13812345678", "secret.person@example.org", "幸福路12号", "501室", "No. 7 Elm", "王小明")
PLANTED = (
    "我是王小明，住幸福路12号3栋501室，电话13812345678，邮箱secret.person@example.org。"
    "Also No. 7 Elm Street floods."
)


@pytest.fixture
def lights(db):
    roads = Category.objects.create(code="roads", name="道路", name_en="Roads")
    return Category.objects.create(code="lights", name="路灯", name_en="Street lights", parent=roads)


@pytest.fixture
def operator(org):
    return org_services.official_create(
        username="operator",
        password="Persona-Lantern-2048",
        grants=[org_services.Grant(role=Role.OPERATOR, unit=org.centre)],
        by=None,
    )


def form_data(client, **changes):
    page = client.get(SUBMIT)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    data = {
        "type": CaseType.COMPLAINT,
        "category": "",
        "title": "路灯不亮",
        "description": "学校门口路灯坏了一周。",
        "address": "",
        "lat": "",
        "lon": "",
        "citizen_name": "",
        "citizen_phone": "",
        "citizen_email": "",
        "idempotency_key": key,
    }
    data.update(changes)
    return data


def test_an_anonymous_citizen_submits_and_gets_a_tracking_code(client, lights):
    page = client.get(SUBMIT)
    assert page.status_code == 200
    assert 'name="idempotency_key"' in page.content.decode()
    assert "<optgroup" in page.content.decode()  # the topic picker shows two levels
    response = client.post(SUBMIT, form_data(client, category="lights", is_public="on"))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases_public:received", args=[case.tracking_code])
    confirmation = client.get(response["Location"])
    assert case.tracking_code in confirmation.content.decode()
    assert case.category == lights and case.is_public and case.citizen is None


def test_each_rendering_of_the_form_has_its_own_key(client, db):
    keys = {
        re.search(r'idempotency_key" value="(\w+)"', client.get(SUBMIT).content.decode()).group(1)
        for _ in "ab"
    }
    assert len(keys) == 2


def test_a_double_click_creates_one_demand(client, db):
    data = form_data(client, citizen_phone="13800001111")
    first = client.post(SUBMIT, data)
    second = client.post(SUBMIT, data)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required"),
        ({"lat": "95", "lon": "112"}, "between -90 and 90"),
        ({"citizen_phone": "call me"}, "does not look like a phone number"),
        ({"type": "petition"}, "Select a valid choice"),
        ({"category": "no-such-topic"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_shown_back_and_nothing_is_saved(client, db, changes, message):
    response = client.post(SUBMIT, form_data(client, **changes), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_a_fake_pdf_is_refused(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
    response = client.post(SUBMIT, {**form_data(client), "attachments": [fake]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "content was checked" in response.content.decode()
    assert not Case.objects.exists()


def test_six_attachments_are_refused(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    files = [SimpleUploadedFile(f"p{i}.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10) for i in range(6)]
    response = client.post(SUBMIT, {**form_data(client), "attachments": files}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "at most 5" in response.content.decode()
    assert not Case.objects.exists()


def test_a_five_megabyte_description_is_refused_with_a_client_error(client, db):
    response = client.post(SUBMIT, form_data(client, description="长" * 5_000_000))
    assert 400 <= response.status_code < 500
    assert not Case.objects.exists()


def test_submissions_are_rate_limited_per_address(client, db, settings):
    settings.MASSLINE_PUBLIC_SUBMIT_RATE = 2
    for _ in range(2):
        assert client.post(SUBMIT, form_data(client)).status_code == 302
    refused = client.post(SUBMIT, form_data(client), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert "try again in an hour" in refused.content.decode()
    assert Case.objects.count() == 2
    other = client.post(SUBMIT, form_data(client), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_html_in_a_demand_is_shown_escaped(client, db):
    client.post(SUBMIT, form_data(client, title="<script>alert(1)</script>", is_public="on"))
    case = Case.objects.get()
    for url in (reverse("cases_public:track", args=[case.tracking_code]), reverse("cases_public:list")):
        body = client.get(url).content.decode()
        assert "<script>alert(1)" not in body
        assert "&lt;script&gt;alert(1)" in body


# Tracking and rating ---------------------------------------------------------------------------------


def test_an_unknown_code_gives_a_translated_404(client, db):
    response = client.get(reverse("cases_public:track", args=["NOSUCHCODE"]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert "NOSUCHCODE" in response.content.decode()
    english = client.get(reverse("cases_public:track", args=["NOSUCHCODE"]), HTTP_ACCEPT_LANGUAGE="en")
    assert "No demand has the tracking code" in english.content.decode()


def test_the_lookup_form_leads_to_the_tracking_page(client, db):
    case = case_submit(type=CaseType.HELP, title="t", description="d")
    response = client.get(reverse("cases_public:track_lookup"), {"code": case.tracking_code.lower()})
    assert response["Location"] == reverse("cases_public:track", args=[case.tracking_code])


def test_the_tracking_page_shows_the_public_timeline_only(client, db):
    case = case_submit(type=CaseType.HELP, title="t", description=PLANTED, citizen_name="王小明")
    CaseEvent.objects.create(
        case=case, kind=EventKind.NOTE, at=case.received_at, internal_note="内部意见：勿外传"
    )
    body = client.get(
        reverse("cases_public:track", args=[case.tracking_code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content
    body = body.decode()
    assert "Received" in body and case.tracking_code in body
    assert "内部意见" not in body and "Progress note" not in body
    for secret in SECRETS:
        assert secret not in body


def test_the_citizen_rates_a_replied_demand_on_the_tracking_page(client, operator):
    article = KnowledgeArticle.objects.create(question="q", answer="请到社保网点补办，电话13999999999。")
    case = case_submit(type=CaseType.CONSULTATION, title="社保卡", description="怎么补办")
    case_answer_directly(case=case, article=article, by=operator)
    url = reverse("cases_public:track", args=[case.tracking_code])
    page = client.get(url).content.decode()
    assert "请到社保网点补办" in page and "13999999999" not in page  # the reply, masked
    assert reverse("cases_public:rate", args=[case.tracking_code]) in page
    response = client.post(
        reverse("cases_public:rate", args=[case.tracking_code]),
        {"resolved": "yes", "satisfaction": Satisfaction.BASIC, "comment": "快"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.satisfaction, case.resolved) == (CaseStatus.CLOSED, Satisfaction.BASIC, True)
    assert case.events.filter(kind=EventKind.RATED, data__via="tracking").exists()
    # Rated once: no form any more, and a second rating is refused without changing anything.
    assert reverse("cases_public:rate", args=[case.tracking_code]) not in client.get(url).content.decode()
    client.post(
        reverse("cases_public:rate", args=[case.tracking_code]),
        {"resolved": "no", "satisfaction": "unsatisfied"},
    )
    case.refresh_from_db()
    assert case.satisfaction == Satisfaction.BASIC


def test_an_incomplete_rating_is_shown_back(client, operator):
    article = KnowledgeArticle.objects.create(question="q", answer="a")
    case = case_submit(type=CaseType.CONSULTATION, title="t", description="d")
    case_answer_directly(case=case, article=article, by=operator)
    response = client.post(reverse("cases_public:rate", args=[case.tracking_code]), {"resolved": "yes"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED


def test_a_demand_not_yet_answered_shows_no_rating_form(client, db):
    case = case_submit(type=CaseType.HELP, title="t", description="d")
    page = client.get(reverse("cases_public:track", args=[case.tracking_code])).content.decode()
    assert reverse("cases_public:rate", args=[case.tracking_code]) not in page


# The public list, detail and map -------------------------------------------------------------------


@pytest.fixture
def placed(org):
    for region, lat, lon in (
        (org.county, "28.20", "113.00"),
        (org.township_1, "28.20", "112.90"),
        (org.village_1, "28.21", "112.91"),
        (org.township_2, "28.20", "113.10"),
    ):
        region.centre_lat, region.centre_lon = Decimal(lat), Decimal(lon)
        region.save()
    return org


def test_public_pages_show_public_demands_masked(client, placed, lights):
    public = case_submit(
        type=CaseType.COMPLAINT,
        title="王小明家门口漏水 13812345678",
        description=PLANTED,
        citizen_name="王小明",
        citizen_phone="13812345678",
        address="幸福路12号3栋501室",
        lat="28.211",
        lon="112.911",
        category=lights,
        is_public=True,
    )
    private = case_submit(type=CaseType.COMPLAINT, title="不公开的诉求", description="私事", is_public=False)
    pages = {
        "list": client.get(reverse("cases_public:list")),
        "detail": client.get(reverse("cases_public:detail", args=[public.pk])),
        "map": client.get(reverse("cases_public:map")),
        "track": client.get(reverse("cases_public:track", args=[public.tracking_code])),
    }
    for name, response in pages.items():
        body = response.content.decode()
        assert response.status_code == 200, name
        for secret in SECRETS:
            assert secret not in body, (name, secret)
        assert "不公开的诉求" not in body, name
        if name != "track":
            assert public.tracking_code not in body, name  # the code is the citizen's key to rate
    assert "漏水" in pages["list"].content.decode()
    assert "幸福路" in pages["detail"].content.decode()
    assert client.get(reverse("cases_public:detail", args=[private.pk])).status_code == 404


def _map_data(body):
    start = body.index('<script id="public-map-data" type="application/json">') + len(
        '<script id="public-map-data" type="application/json">'
    )
    return json.loads(body[start : body.index("</script>", start)])


def test_the_map_colours_areas_and_rounds_points_without_inline_styles_or_scripts(client, placed):
    township_1 = [[112.8, 28.1], [113.0, 28.1], [113.0, 28.3], [112.8, 28.3], [112.8, 28.1]]
    township_2 = [[113.0, 28.1], [113.2, 28.1], [113.2, 28.3], [113.0, 28.3], [113.0, 28.1]]
    for region, ring in ((placed.township_1, township_1), (placed.township_2, township_2)):
        region.boundary = {"type": "Polygon", "coordinates": [ring]}
        region.save()
    case_submit(
        type=CaseType.HELP, title="坑洼", description="d", lat="28.211234", lon="112.911987", is_public=True
    )
    case_submit(type=CaseType.HELP, title="无坐标", description="d", region=placed.village_2, is_public=True)
    case_submit(type=CaseType.HELP, title="不公开", description="d", lat="28.2", lon="113.1", is_public=False)
    body = client.get(reverse("cases_public:map"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    data = _map_data(body)
    # Township one holds the placed demand (its region comes from the boundary), township two the other.
    areas = {f["properties"]["code"]: f["properties"] for f in data["areas"]["features"]}
    assert {code: a["shown"] for code, a in areas.items()} == {"c0-t1": "1 demand", "c0-t2": "1 demand"}
    assert areas["c0-t1"]["url"] == "/demands/map/?region=c0-t1"
    assert [p["lat"] for p in data["points"]] == [28.211] and [p["lon"] for p in data["points"]] == [112.912]
    assert data["points"][0]["status"] == "received" and data["points"][0]["statusLabel"] == "Received"
    assert "28.211234" not in body and "112.911987" not in body
    assert "1 demand has no coordinates" in body
    assert 'data-map="public-map-data"' in body and '<script id="map-config" type="application/json">' in body
    assert "style=" not in body and "<script>" not in body
    # Within township one, its village is the area (it has no boundary, so none is coloured).
    inner = _map_data(client.get(reverse("cases_public:map") + "?region=c0-t1").content.decode())
    assert [f["properties"]["code"] for f in inner["areas"]["features"]] == ["c0-t1"]


def test_the_public_list_filters_and_paginates(client, placed, lights):
    other = Category.objects.create(code="water", name="供水")
    at = datetime(2026, 3, 2, 9, tzinfo=SH)
    for n in range(27):
        case_submit(
            type=CaseType.HELP,
            title=f"路灯 {n}",
            description="d",
            category=lights,
            region=placed.village_1,
            is_public=True,
            received_at=at,
        )
    case_submit(
        type=CaseType.HELP,
        title="停水了",
        description="d",
        category=other,
        region=placed.township_2,
        is_public=True,
    )
    listing = reverse("cases_public:list")
    assert client.get(listing, {"category": "water"}).content.decode().count('class="case-item"') == 1
    assert client.get(listing, {"category": "roads"}).content.decode().count('class="case-item"') == 25
    page2 = client.get(listing, {"category": "roads", "page": 2}).content.decode()
    assert page2.count('class="case-item"') == 2
    assert client.get(listing, {"region": placed.township_1.code}).context["page"].paginator.count == 27
    assert client.get(listing, {"status": "closed"}).context["page"].paginator.count == 0
    assert client.get(listing, {"status": "bogus", "category": "nope"}).context["page"].paginator.count == 28


def test_the_public_list_needs_few_queries(client, placed, lights, django_assert_max_num_queries):
    for n in range(25):
        case_submit(type=CaseType.HELP, title=f"t{n}", description="d", category=lights, is_public=True)
    with django_assert_max_num_queries(8):
        client.get(reverse("cases_public:list"))


# How we are doing -----------------------------------------------------------------------------------


def test_unit_figures_on_a_known_set(org, client, django_assert_num_queries):
    at = datetime(2026, 3, 2, 9, tzinfo=SH)

    def case(unit, status, satisfaction="", was_late=False, excluded=False):
        return Case.objects.create(
            type=CaseType.HELP,
            title="t",
            description="d",
            received_at=at,
            lead_unit=unit,
            status=status,
            satisfaction=satisfaction,
            was_late=was_late,
            excluded_from_appraisal=excluded,
        )

    case(org.unit_a, CaseStatus.CLOSED, Satisfaction.SATISFIED)
    case(org.unit_a, CaseStatus.CLOSED, Satisfaction.BASIC, was_late=True)
    case(org.unit_a, CaseStatus.CLOSED, Satisfaction.UNSATISFIED)
    case(org.unit_a, CaseStatus.CLOSED, Satisfaction.NOT_RATED)
    case(org.unit_a, CaseStatus.REPLIED)
    case(org.unit_a, CaseStatus.IN_PROGRESS)
    case(org.unit_a, CaseStatus.CLOSED, Satisfaction.UNSATISFIED, excluded=True)
    case(org.unit_b, CaseStatus.DISPATCHED)
    with django_assert_num_queries(2):
        figures = {f.unit.code: f for f in unit_figures()}
    a, b = figures["unit-a"], figures["unit-b"]
    assert (a.received, a.answered, a.closed, a.on_time, a.rated, a.satisfied, a.not_rated) == (
        7,
        5,
        4,
        4,
        3,
        2,
        1,
    )
    assert a.on_time_share == 4 / 5
    assert a.satisfaction_share == 2 / 3
    assert a.not_rated_share == 1 / 4
    assert (b.received, b.on_time_share, b.satisfaction_share) == (1, None, None)
    # The public page of these figures is appraisal's now; the old address leads there.
    response = client.get(reverse("cases_public:units"))
    assert response.status_code == 301 and response["Location"] == reverse("appraisal:index")


def test_a_forged_key_never_reveals_another_channels_demand(client, db):
    api_case = case_submit(type=CaseType.HELP, title="t", description="d", idempotency_key="1")
    hex_key = "0" * 32
    desk_case = case_submit(type=CaseType.HELP, title="t", description="d", idempotency_key=hex_key)
    for forged in ("1", hex_key):
        response = client.post(SUBMIT, form_data(client, idempotency_key=forged))
        assert response.status_code == 302
        assert api_case.tracking_code not in response["Location"]
        assert desk_case.tracking_code not in response["Location"]
    assert Case.objects.count() == 4
    assert Case.objects.filter(idempotency_key=f"web:{hex_key}").exists()


def test_demand_counts_by_category_count_a_years_demands_with_their_lineage(org, lights):
    from massline.cases.selectors_public import demand_counts_by_category

    def submit(year, region=org.village_1, category=lights):
        return case_submit(
            type=CaseType.COMPLAINT,
            title="路灯不亮",
            description="路灯坏了。",
            category=category,
            region=region,
            received_at=datetime(year, 6, 1, 10, tzinfo=SH),
        )

    submit(2026)
    submit(2026)
    submit(2026, region=org.village_2)
    submit(2025)
    [row] = demand_counts_by_category(year=2026)
    assert (row["category"], row["count"]) == (lights.pk, 3)
    assert row["lineage"] == ["路灯", "Street lights", "道路", "Roads"]
    [row] = demand_counts_by_category(year=2026, region=org.township_1)
    assert row["count"] == 2
    assert demand_counts_by_category(year=2024) == []
