"""Property-based tests (hypothesis) over Open311's POST requests and every public form.

Each test sends forms built from a valid one with fields dropped, repeated or replaced by hostile
values (any unicode with control characters and NUL, very long strings, numbers out of range, values
of the wrong type, unknown fields) and checks what every public write must do: never a 500; a refused
form is a 4xx that says what is wrong, and leaves every counted table as it was; an
accepted one stores exactly one row. The forms are sent URL-encoded, so repeated keys and any
character reach the server as a hostile client would send them.

The example counts are modest (the whole module runs in well under a minute on SQLite); raise
HYPOTHESIS_EXAMPLES to search harder:
`HYPOTHESIS_EXAMPLES=500 pytest massline/web/tests/test_hostile_forms.py`.
"""

import os
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massline.audit.models import AuditEvent
from massline.cases.models import Case
from massline.cases.services import handling
from massline.consultations.models import Opinion, Statement, Vote
from massline.disclosure.models import DisclosureRequest
from massline.integrity import pow
from massline.integrity.models import Tip
from massline.open311.models import Submission
from massline.open311.tests.conftest import catalogue  # noqa: F401 (a fixture)
from massline.pledges import services as pledge_services
from massline.pledges.choices import Feasibility, NominatorKind, Phase, Theme
from massline.pledges.models import Ballot, Nomination, Project, Rating

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    # `make test` draws the same examples every run, so a green main stays green; a deeper search
    # (HYPOTHESIS_EXAMPLES=500) draws new ones, and each fault it finds gets a regression test here.
    derandomize="HYPOTHESIS_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values a hostile client sends: control characters and NUL, lone combining marks, right-to-left
# overrides, very long strings, numbers of every shape and size, other types' spellings.
CONTROL = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Mn"]), min_size=1, max_size=12)
LONG = st.builds(
    lambda c, n: c * n, st.sampled_from(["a", "界", "\x00", "<", "%", "\u202e"]), st.integers(300, 9000)
)
NUMBERS = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        ["-0", "1e309", "-1e309", "NaN", "inf", "91", "-90.0000001", "180.5", "-181", "0x10", "1_0"]
    ),
)
OTHER_TYPES = st.sampled_from(["", " ", "null", "None", "true", "[]", "{}", "[1, 2]", '{"a": 1}', "0", "-1"])
HOSTILE = st.one_of(st.text(max_size=40), CONTROL, LONG, NUMBERS, OTHER_TYPES)


@st.composite
def mangled(draw, valid, extra_names=()):
    """`valid` ({name: value}) with each field kept, dropped, replaced by a hostile value or repeated; and
    perhaps unknown fields. A list of (name, value) pairs, in order."""
    pairs = []
    for name, value in valid.items():
        what = draw(st.sampled_from(["keep", "keep", "drop", "hostile", "repeat"]))
        if what == "keep":
            pairs.append((name, value))
        elif what == "hostile":
            pairs.append((name, draw(HOSTILE)))
        elif what == "repeat":
            pairs.extend([(name, value), (name, draw(st.one_of(st.just(value), HOSTILE)))])
    for name in draw(st.lists(st.sampled_from([*valid, *extra_names, "x", "__proto__", "a[]"]), max_size=2)):
        pairs.append((name, draw(HOSTILE)))
    return pairs


def post(client, url, pairs, **headers):
    body = urlencode(pairs, doseq=False, encoding="utf-8", errors="surrogatepass")
    return client.post(url, body, content_type="application/x-www-form-urlencoded", headers=headers)


ERROR_MARKERS = ("errorlist", 'role="alert"', "form-errors", "notice-error", "message error")


def refusal_says_why(response):
    """A 4xx page naming the problem (a redirect is not a refusal: the rule is an HTTP 4xx)."""
    if 400 <= response.status_code < 500:
        return any(marker in response.content.decode("utf-8", "replace") for marker in ERROR_MARKERS)
    return False


def check(response, before, after, *, main=0):
    """`before`/`after`: counts of the form's tables (its main table first) and the audit events."""
    assert response.status_code < 500, response.content[:500]
    if after == before:
        assert refusal_says_why(response), (response.status_code, response.content[:800])
        return False
    assert after[main] == before[main] + 1, (before, after)
    assert all(a >= b for a, b in zip(after, before, strict=True)), (before, after)
    assert after[-1] > before[-1], "an accepted form leaves an audit event"
    return True


def counts(*models):
    return tuple(m.objects.count() for m in models) + (AuditEvent.objects.count(),)


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    """Rate limits count every example; the tests are about what a form does, not about its limit."""
    for name in (
        "MASSLINE_PUBLIC_SUBMIT_RATE",
        "MASSLINE_PUBLIC_RATING_RATE",
        "MASSLINE_CONSULTATION_WRITE_RATE",
        "MASSLINE_CONSULTATION_VOTE_RATE",
        "MASSLINE_DISCLOSURE_SUBMIT_RATE",
        "MASSLINE_INTEGRITY_SUBMIT_RATE",
        "MASSLINE_PLEDGE_WRITE_RATE",
    ):
        setattr(settings, name, 1_000_000)
    settings.MASSLINE_INTEGRITY_POW_BITS = 1


# --- Open311 -------------------------------------------------------------------------------------


def open311_valid(world311):
    return {
        "api_key": world311.api_key,
        "service_code": "potholes",
        "lat": "28.2012",
        "long": "112.9534",
        "address_string": "人民路口",
        "description": "A deep pothole.",
        "email": "reporter@example.org",
        "first_name": "Ming",
        "phone": "13800001111",
        "attribute[depth]": "12",
        "attribute[surface]": "asphalt",
        "attribute[hazards][]": "water",
        "attribute[noticed]": "2024-05-01T08:00:00+08:00",
        "media_url": "https://example.org/p.jpg",
    }


@FUZZ
@given(data=st.data())
def test_open311_post_requests(client, catalogue, data):  # noqa: F811 (the fixture)
    pairs = data.draw(
        mangled(
            open311_valid(catalogue),
            extra_names=["attribute[depth", "attribute[]", "attribute[x][]", "jurisdiction_id"],
        )
    )
    before = counts(Submission, Case)
    response = post(client, "/open311/v2/requests.json", pairs)
    after = counts(Submission, Case)
    assert response.status_code < 500, response.content[:500]
    if after == before:
        assert 400 <= response.status_code < 500
        errors = response.json()
        assert errors and all(error["description"] for error in errors), errors
    else:
        assert response.status_code == 201
        assert (after[0] - before[0], after[1] - before[1]) == (1, 1)


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
)
def test_open311_post_raw_bodies(client, catalogue, body):  # noqa: F811 (the fixture)
    """Bytes that are not a form at all: broken UTF-8, stray % escapes, NUL, `&&&=`."""
    prefix = urlencode({"api_key": catalogue.api_key, "service_code": "noise"}).encode() + b"&"
    before = counts(Submission, Case)
    response = client.post(
        "/open311/v2/requests.xml", prefix + body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500, response.content[:500]
    if counts(Submission, Case) == before:
        assert 400 <= response.status_code < 500 and b"<description>" in response.content
    else:
        assert response.status_code == 201


# --- The public forms ----------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_public_demand_form(world, data):
    valid = {
        "type": "complaint",
        "category": "lights",
        "title": "路灯不亮",
        "description": "小区门口的路灯坏了三天。",
        "address": "人民路",
        "lat": "28.2012",
        "lon": "112.9534",
        "citizen_name": "李明",
        "citizen_phone": "13800001111",
        "citizen_email": "li@example.org",
        "is_public": "on",
    }
    pairs = data.draw(mangled(valid, extra_names=["idempotency_key"]))
    client = Client()
    before = counts(Case)
    response = post(client, reverse("cases_public:submit"), pairs)
    check(response, before, counts(Case))


@pytest.fixture
def replied_code(world):
    case = Case.objects.get(pk=world.samples["case_a"]["pk"])
    handling.case_reply(case=case, text="已修复。", by=world.users["officer_a"])
    return case.tracking_code


@FUZZ
@given(data=st.data())
def test_tracking_rating_form(world, replied_code, data):
    valid = {"resolved": "yes", "satisfaction": "satisfied", "comment": "很快。"}
    pairs = data.draw(mangled(valid))
    case = Case.objects.get(tracking_code=replied_code)
    rated_before = case.satisfaction
    before = counts(Case)  # a rating changes the demand: counted by its audit event
    response = post(Client(), reverse("cases_public:rate", args=[replied_code]), pairs)
    assert response.status_code < 500, response.content[:500]
    case.refresh_from_db()
    if counts(Case) == before:
        assert case.satisfaction == rated_before
        assert refusal_says_why(response), (response.status_code, response.content[:800])
    else:
        assert counts(Case)[-1] > before[-1] and case.satisfaction in ("satisfied", "basic", "unsatisfied")


@FUZZ
@given(data=st.data())
def test_consultation_opinion_form(world, data):
    consultation = world.samples["consultation"]["pk"]
    section = Opinion.objects.get(pk=world.samples["opinion"]["opinion_id"]).consultation.sections.first()
    valid = {
        "body": "多种些树。",
        "section": str(section.pk),
        "passage": "Keep the old camphor trees.",
        "latitude": "28.2012",
        "longitude": "112.9534",
    }
    pairs = data.draw(mangled(valid))
    before = counts(Opinion)
    response = post(Client(), reverse("consultations:opinion_submit", args=[consultation]), pairs)
    check(response, before, counts(Opinion))


@FUZZ
@given(data=st.data())
def test_consultation_statement_vote(world, data):
    consultation = world.samples["consultation"]["pk"]
    statement = world.samples["statement"]["statement_id"]
    pairs = data.draw(mangled({"statement": str(statement), "stance": "1"}))
    before = counts(Vote)
    response = post(Client(), reverse("consultations:vote", args=[consultation]), pairs)
    after = counts(Vote)
    assert response.status_code < 500, response.content[:500]
    assert after[0] - before[0] in (0, 1)
    if after == before:
        assert refusal_says_why(response), (response.status_code, response.content[:800])


@FUZZ
@given(data=st.data())
def test_consultation_statement_proposal(world, data):
    consultation = world.samples["consultation"]["pk"]
    pairs = data.draw(mangled({"text": "公园需要更多长椅。"}))
    before = counts(Statement)
    response = post(Client(), reverse("consultations:statement_propose", args=[consultation]), pairs)
    check(response, before, counts(Statement))


@FUZZ
@given(data=st.data())
def test_disclosure_request_form(world, data):
    valid = {
        "unit": str(world.org.unit_a.pk),
        "description": "2025年道路养护资金预算。",
        "delivery": "electronic",
        "applicant_kind": "person",
        "applicant_name": "张三",
        "id_document": "110101199001011234",
        "phone": "13911112222",
        "email": "z@example.org",
        "address": "人民路",
    }
    pairs = data.draw(mangled(valid))
    before = counts(DisclosureRequest)
    response = post(Client(), reverse("disclosure:submit"), pairs)
    check(response, before, counts(DisclosureRequest))


@FUZZ
@given(data=st.data())
def test_integrity_report_form(world, data):
    challenge = pow.challenge_new()
    valid = {
        "unit": str(world.org.unit_a.pk),
        "official": "王某",
        "position": "科长",
        "what": "收受红包。",
        "when": "去年",
        "where": "办公室",
        "identify": "on",
        "name": "举报人",
        "phone": "13800002222",
        "email": "r@example.org",
        "id_number": "110101199001011234",
        "pow_challenge": challenge,
        "pow_solution": pow.solve(challenge, 1),
    }
    pairs = data.draw(mangled(valid))
    before = counts(Tip)
    response = post(Client(), reverse("integrity:submit"), pairs)
    assert response.status_code < 500, response.content[:500]
    after = counts(Tip)
    if after == before:
        assert refusal_says_why(response), (response.status_code, response.content[:800])
    else:
        # The receipt is shown on the answer page itself (no redirect: nothing about the tip in a URL).
        assert response.status_code == 200 and after[0] == before[0] + 1


# --- Pledges (a verified resident, signed in) ----------------------------------------------------


@pytest.fixture
def resident_client(world):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="pledges_resident"))
    return client


def _programme(world, title, years_ahead):
    from massline.pledges.tests.conftest import windows

    # The world has this year's programme of the county: a later year's is another programme.
    year = timezone.localdate().year + years_ahead
    return pledge_services.programme_create(
        by=world.users["officer_a"],
        region=world.org.county,
        unit=world.org.unit_a,
        year=year,
        title=title,
        budget=1_000_000,
        windows=windows(year),
        max_choices=2,
    )


def _advance(programme, phase, by):
    while programme.phase != phase:
        pledge_services.phase_advance(programme=programme, by=by)


@pytest.fixture
def nomination_programme(world):
    programme = _programme(world, "Nominations open", 1)
    _advance(programme, Phase.NOMINATION, world.users["officer_a"])
    return programme


@FUZZ
@given(data=st.data())
def test_pledge_nomination_form(world, resident_client, nomination_programme, data):
    programme = nomination_programme
    valid = {"theme": Theme.WATER, "title": "村村通自来水", "description": "为二号村铺设自来水管网。"}
    pairs = data.draw(mangled(valid))
    before = counts(Nomination)
    response = post(resident_client, reverse("pledges:nominate", args=[programme.pk]), pairs)
    check(response, before, counts(Nomination))


@pytest.fixture
def vote_programme(world):
    officer = world.users["officer_a"]
    programme = _programme(world, "Vote open", 2)
    _advance(programme, Phase.NOMINATION, officer)
    nominations = [
        pledge_services.nomination_submit(
            programme=programme,
            theme=Theme.WATER,
            title=title,
            description="…",
            by=officer,
            kind=NominatorKind.DEPUTY,
            deputy_name="张代表",
        ).nomination
        for title in ("甲", "乙", "丙")
    ]
    _advance(programme, Phase.SCREENING, officer)
    for nomination in nominations:
        pledge_services.nomination_screen(
            nomination=nomination,
            by=officer,
            accept=True,
            feasibility=Feasibility.FEASIBLE,
            cost=1000,
            owner_unit=world.org.unit_a,
        )
    _advance(programme, Phase.VOTE, officer)
    return programme, [n.pk for n in nominations]


@FUZZ
@given(data=st.data())
def test_pledge_vote_form(world, resident_client, vote_programme, data):
    programme, candidates = vote_programme
    candidate = st.one_of(st.sampled_from([str(pk) for pk in candidates]), HOSTILE)
    pairs = data.draw(
        st.lists(st.tuples(st.sampled_from(["candidate", "candidate", "x"]), candidate), max_size=5)
    )
    before = counts(Ballot)
    response = post(resident_client, reverse("pledges:vote", args=[programme.pk]), pairs)
    after = counts(Ballot)
    assert response.status_code < 500, response.content[:500]
    if after == before:
        assert refusal_says_why(response), (response.status_code, response.content[:800])
    else:
        assert after[0] == before[0] + 1
        Ballot.objects.filter(programme=programme).delete()  # the next example votes afresh


@FUZZ
@given(data=st.data())
def test_pledge_rating_form(world, resident_client, data):
    project = Project.objects.get(pk=world.samples["project"]["pk"])
    _advance(project.programme, Phase.RATING, world.users["officer_a"])
    pairs = data.draw(mangled({"satisfaction": "satisfied", "tracking_code": ""}))
    before = counts(Rating)
    response = post(resident_client, reverse("pledges:rate", args=[project.pk]), pairs)
    check(response, before, counts(Rating))


def test_the_window_of_a_rating_is_open(world, resident_client):
    """The rating test above rates in the programme's rating phase (else every example is refused)."""
    project = Project.objects.get(pk=world.samples["project"]["pk"])
    _advance(project.programme, Phase.RATING, world.users["officer_a"])
    response = post(
        resident_client, reverse("pledges:rate", args=[project.pk]), [("satisfaction", "satisfied")]
    )
    assert response.status_code == 302 and Rating.objects.filter(project=project).count() == 1


def test_an_empty_post_is_refused_with_the_missing_fields(world, resident_client, nomination_programme):
    """Found by the tests above: `Form(request.POST or None)` left the form unbound on a POST without
    fields, so the nomination and disclosure forms answered 400 with no message and the integrity
    forms 200 as if nothing were sent. Bound (massline.lib.forms.bound_data), each names what is missing."""
    for client, url in (
        (resident_client, reverse("pledges:nominate", args=[nomination_programme.pk])),
        (Client(), reverse("disclosure:submit")),
        (Client(), reverse("integrity:submit")),
        (Client(), reverse("integrity:receipt")),
    ):
        before = counts(Nomination, DisclosureRequest, Tip)
        response = client.post(url, {})
        assert response.status_code == 400, url
        assert "errorlist" in response.content.decode(), url
        assert counts(Nomination, DisclosureRequest, Tip) == before


def test_a_ballot_naming_a_key_beyond_the_database_integer_is_refused(world, resident_client, vote_programme):
    """Found by test_pledge_vote_form: 2**63 overflowed SQLite's integer (a 500) instead of a refusal."""
    programme, _candidates = vote_programme
    before = counts(Ballot)
    url = reverse("pledges:vote", args=[programme.pk])
    response = post(resident_client, url, [("candidate", str(2**63))])
    assert response.status_code < 500
    assert counts(Ballot) == before
    assert refusal_says_why(response), (response.status_code, response.content[:800])


@pytest.mark.parametrize("longitude", ["NAN", "-inf", "Infinity", "sNaN"])
def test_an_opinion_placed_at_a_non_number_is_refused(world, longitude):
    """Found by test_consultation_opinion_form: NaN passed quantize() and its comparison raised (a 500)."""
    consultation = world.samples["consultation"]["pk"]
    pairs = [("body", "多种些树。"), ("latitude", "28.2012"), ("longitude", longitude)]
    before = counts(Opinion)
    response = post(Client(), reverse("consultations:opinion_submit", args=[consultation]), pairs)
    check(response, before, counts(Opinion))
    assert counts(Opinion) == before
