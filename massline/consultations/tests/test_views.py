"""Pages: persona access on every staff page and endpoint, public flows, bad input, report exports."""

import base64
import io
import re
import zlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from massline.consultations import services
from massline.consultations.choices import ConsultationStatus, Decision, OpinionStatus
from massline.consultations.models import Consultation, Opinion, Vote
from massline.lib.testing import sample_pdf

from .conftest import close_now

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions below read English messages; the Chinese pages are checked on their own."""
    settings.LANGUAGE_CODE = "en"


# Who sees a unit A consultation on the workbench, and who may change it.
MANAGERS = ("officer_a", "unit_head_a", "admin_user")
READERS = ("supervisor", "inspector")  # officials whose scope covers unit A, without a unit role there
NOT_IN_SCOPE = ("officer_b",)


def staff_pages(pk, opinion_pk, statement_pk):
    return {
        "detail": ("get", reverse("consultations_staff:detail", args=[pk])),
        "answers": ("get", reverse("consultations_staff:answers", args=[pk])),
        "publish": ("post", reverse("consultations_staff:publish", args=[pk])),
        "close": ("post", reverse("consultations_staff:close", args=[pk])),
        "section_add": ("post", reverse("consultations_staff:section_add", args=[pk])),
        "attachment_add": ("post", reverse("consultations_staff:attachment_add", args=[pk])),
        "statement_add": ("post", reverse("consultations_staff:statement_add", args=[pk])),
        "statement_moderate": (
            "post",
            reverse("consultations_staff:statement_moderate", args=[pk, statement_pk]),
        ),
        "poll_add": ("post", reverse("consultations_staff:poll_add", args=[pk])),
        "opinion_moderate": ("post", reverse("consultations_staff:opinion_moderate", args=[pk, opinion_pk])),
        "reply": ("post", reverse("consultations_staff:reply", args=[pk, opinion_pk])),
        "groups_compute": ("post", reverse("consultations_staff:groups_compute", args=[pk])),
        "answer": ("post", reverse("consultations_staff:answer", args=[pk])),
        "answer_bulk": ("post", reverse("consultations_staff:answer_bulk", args=[pk])),
        "template_add": ("post", reverse("consultations_staff:template_add", args=[pk])),
        "report_publish": ("post", reverse("consultations_staff:report_publish", args=[pk])),
    }


@pytest.fixture
def opinion(open_consultation, participant):
    return services.opinion_submit(
        consultation=open_consultation, participant=participant, body="Keep the trees"
    )


@pytest.mark.parametrize(
    "persona",
    [
        "anonymous",
        "citizen",
        "outsider",
        "officer_a",
        "officer_b",
        "unit_head_a",
        "supervisor",
        "inspector",
        "admin_user",
    ],
)
def test_every_staff_page_answers_each_persona_by_scope(client_for, persona, open_consultation, opinion):
    client = client_for(persona)
    statement = open_consultation.statements.first()
    for name, (method, url) in staff_pages(open_consultation.pk, opinion.pk, statement.pk).items():
        response = getattr(client, method)(url, {})
        code = response.status_code
        if persona == "anonymous":
            assert code == 302 and "login" in response["Location"], name
        elif persona in ("citizen", "outsider"):
            assert code == 403, name
        elif persona in NOT_IN_SCOPE:
            assert code == 404, name
        elif persona in READERS:
            assert code == (200 if name == "detail" else 403), (name, code)
        else:
            assert code in (200, 302, 400), (name, code)
    # Nothing changed for those who may not act.
    open_consultation.refresh_from_db()
    if persona not in MANAGERS:
        assert open_consultation.status == ConsultationStatus.OPEN
        assert not open_consultation.sections.filter(title="").exists()


def test_the_staff_list_shows_only_consultations_in_scope(client_for, open_consultation):
    assert (
        open_consultation.title
        in client_for("officer_a").get(reverse("consultations_staff:list")).content.decode()
    )
    assert (
        open_consultation.title
        not in client_for("officer_b").get(reverse("consultations_staff:list")).content.decode()
    )


def test_a_handler_creates_and_publishes_a_draft_and_errors_keep_input(client_for, org):
    client = client_for("officer_a")
    data = {
        "title": "Night market",
        "unit": org.unit_a.pk,
        "summary": "Open a night market.",
        "participation": "anonymous",
        "min_open_days": 10,
        "section_title": "Place",
        "section_body": "On Riverside Road.",
    }
    refused = client.post(reverse("consultations_staff:create"), data)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "30" in page and "Night market" in page  # the rule is named and the input kept
    data["min_open_days"] = 30
    response = client.post(reverse("consultations_staff:create"), data)
    consultation = Consultation.objects.get(title="Night market")
    assert response.status_code == 302
    closes = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        reverse("consultations_staff:publish", args=[consultation.pk]), {"publish-closes_at": closes}
    )
    assert refused.status_code == 400 and "30" in refused.content.decode()
    closes = (timezone.localtime() + timedelta(days=31)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("consultations_staff:publish", args=[consultation.pk]), {"publish-closes_at": closes})
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN


def test_a_draft_is_visible_only_with_its_preview_link(client, draft):
    url = reverse("consultations:detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert client.get(url + "?preview=wrong").status_code == 404
    assert client.get(url + f"?preview={draft.preview_token}").status_code == 200
    assert draft.title not in client.get(reverse("consultations:list")).content.decode()


def test_a_visitor_comments_and_script_is_shown_as_text(client, open_consultation):
    url = reverse("consultations:opinion_submit", args=[open_consultation.pk])
    response = client.post(url, {"body": "<script>alert('x')</script> more benches", "section": ""})
    assert response.status_code == 302
    page = client.get(reverse("consultations:detail", args=[open_consultation.pk])).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; more benches" in page
    assert "<script>alert" not in page


def test_a_huge_opinion_is_refused_on_the_page_and_kept_in_the_form(client, open_consultation):
    url = reverse("consultations:opinion_submit", args=[open_consultation.pk])
    response = client.post(url, {"body": "长" * 100_000})
    assert response.status_code == 400
    page = response.content.decode()
    assert "100000" in page and "5000" in page
    assert "长" * 1000 in page
    assert not Opinion.objects.exists()


def test_voting_with_htmx_shows_the_next_statement_and_refuses_a_double_vote(client, open_consultation):
    url = reverse("consultations:vote", args=[open_consultation.pk])
    first = client.get(url).content.decode()
    shown = int(re.search(r'name="statement" value="(\d+)"', first).group(1))
    response = client.post(url, {"statement": shown, "stance": 1}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    following = int(re.search(r'name="statement" value="(\d+)"', response.content.decode()).group(1))
    assert following != shown
    again = client.post(url, {"statement": shown, "stance": -1}, HTTP_HX_REQUEST="true")
    assert again.status_code == 400 and "already voted" in again.content.decode()
    client.post(url, {"statement": following, "stance": 0}, HTTP_HX_REQUEST="true")
    assert "every statement" in client.get(url).content.decode()
    assert Vote.objects.count() == 2


def test_after_closing_the_page_refuses_opinions_and_votes(client, open_consultation, officer_a):
    statement = open_consultation.statements.first()
    close_now(open_consultation, officer_a)
    response = client.post(
        reverse("consultations:opinion_submit", args=[open_consultation.pk]), {"body": "late"}
    )
    assert response.status_code == 400 and "closed" in response.content.decode()
    client.post(
        reverse("consultations:vote", args=[open_consultation.pk]), {"statement": statement.pk, "stance": 1}
    )
    assert not Opinion.objects.exists() and not Vote.objects.exists()


def test_flags_and_likes_from_the_page(client_for, open_consultation, opinion):
    client = client_for("citizen")
    client.post(reverse("consultations:opinion_like", args=[opinion.pk]))
    client.post(reverse("consultations:opinion_flag", args=[opinion.pk]), {"reason": "off topic"})
    assert opinion.likes.count() == 1 and opinion.flags.count() == 1


def test_moderation_shows_the_reason_publicly(client_for, client, open_consultation, opinion):
    url = reverse("consultations_staff:opinion_moderate", args=[open_consultation.pk, opinion.pk])
    refused = client_for("officer_a").post(
        url, {f"moderate-{opinion.pk}-verdict": "hide", f"moderate-{opinion.pk}-reason": ""}
    )
    assert refused.status_code == 400
    client_for("officer_a").post(
        url, {f"moderate-{opinion.pk}-verdict": "hide", f"moderate-{opinion.pk}-reason": "Personal attack"}
    )
    page = client.get(reverse("consultations:detail", args=[open_consultation.pk])).content.decode()
    assert "Personal attack" in page and "Keep the trees" not in page


def _answered(consultation, officer, make_participant):
    bodies = ["=cmd|' /C calc'!A0", "+1+1", "Plain opinion"]
    opinions = [
        services.opinion_submit(consultation=consultation, participant=make_participant(consultation), body=b)
        for b in bodies
    ]
    close_now(consultation, officer)
    services.answer_set(
        consultation=consultation,
        opinions=opinions,
        by=officer,
        decision=Decision.PARTLY_ADOPTED,
        reason="-2+3 reasons",
    )
    return services.report_publish(consultation=consultation, by=officer, decision="@SUM(1) adopted")


def test_the_report_page_refuses_until_published_then_lists_every_answer(
    client, client_for, open_consultation, officer_a, make_participant
):
    assert client.get(reverse("consultations:report", args=[open_consultation.pk])).status_code == 404
    _answered(open_consultation, officer_a, make_participant)
    page = client.get(reverse("consultations:report", args=[open_consultation.pk])).content.decode()
    assert "Plain opinion" in page and "Partly adopted" in page


def test_report_publishing_with_unanswered_opinions_is_refused_on_the_page(
    client_for, open_consultation, officer_a, opinion
):
    close_now(open_consultation, officer_a)
    response = client_for("officer_a").post(
        reverse("consultations_staff:report_publish", args=[open_consultation.pk]),
        {"report-decision": "Go ahead"},
    )
    assert response.status_code == 400 and "no answer yet" in response.content.decode()
    open_consultation.refresh_from_db()
    assert open_consultation.status == ConsultationStatus.CLOSED


def test_bulk_answers_from_a_template_on_the_page(client_for, open_consultation, officer_a, opinion):
    close_now(open_consultation, officer_a)
    client = client_for("officer_a")
    client.post(
        reverse("consultations_staff:template_add", args=[open_consultation.pk]),
        {
            "template-title": "Covered",
            "template-decision": "adopted",
            "template-reason": "Article 2 covers it.",
        },
    )
    template = open_consultation.unit.consultation_answer_templates.get()
    client.post(
        reverse("consultations_staff:answer_bulk", args=[open_consultation.pk]),
        {"bulk-template": template.pk, "opinion": [opinion.pk]},
    )
    opinion.refresh_from_db()
    assert opinion.answer.decision == "adopted" and opinion.answer.reason == "Article 2 covers it."


def test_xlsx_export_neutralises_formulas_and_names_no_author(
    client, open_consultation, officer_a, make_participant, citizen
):
    _answered(open_consultation, officer_a, make_participant)
    response = client.get(reverse("consultations:report_xlsx", args=[open_consultation.pk]))
    book = load_workbook(io.BytesIO(response.content))
    cells = [
        c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert (
        "'=cmd|' /C calc'!A0" in cells
        and "'+1+1" in cells
        and "'-2+3 reasons" in cells
        and "'@SUM(1) adopted" in cells
    )
    assert not [c for c in cells if c[:1] in "=+-@"]
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)
    assert citizen.username not in " ".join(cells)


def test_pdf_export_is_a_pdf_with_the_report_text(client, open_consultation, officer_a, make_participant):
    _answered(open_consultation, officer_a, make_participant)
    response = client.get(reverse("consultations:report_pdf", args=[open_consultation.pk]))
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
    text = b""
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        chunk = match.group(1).strip()
        if chunk.endswith(b"~>"):  # reportlab's ASCII85 + Flate streams
            chunk = base64.a85decode(chunk[:-2])
        try:
            text += zlib.decompress(chunk)
        except zlib.error:
            text += chunk
    # The CID font writes text as UCS-2 code units, the high byte of ASCII escaped as \\000.
    assert "".join(f"\\000{ch}" for ch in "Plain opinion").encode() in text


def test_the_groups_page_draws_an_svg_map_without_inline_styles(client, open_consultation, make_participant):
    statements = list(open_consultation.statements.all())
    for i in range(8):
        p = make_participant(open_consultation)
        for s in statements:
            services.vote_cast(statement=s, participant=p, stance=1 if i % 2 else -1)
    services.groups_compute(consultation=open_consultation)
    page = client.get(reverse("consultations:groups", args=[open_consultation.pk])).content.decode()
    assert page.count("<circle") == 8 and "<svg" in page
    assert "style=" not in page


def test_the_public_list_and_detail_render_in_both_languages(client, open_consultation):
    for language, word in (("en", "Opinions"), ("zh-hans", "意见")):
        client.cookies["django_language"] = language
        page = client.get(
            reverse("consultations:detail", args=[open_consultation.pk]), HTTP_ACCEPT_LANGUAGE=language
        )
        assert word in page.content.decode()
    assert client.get(reverse("consultations:list")).status_code == 200


def test_opinions_pending_review_are_hidden_on_the_page(client, open_consultation, opinion):
    Opinion.objects.filter(pk=opinion.pk).update(status=OpinionStatus.PENDING_REVIEW)
    page = client.get(reverse("consultations:detail", args=[open_consultation.pk])).content.decode()
    assert "Keep the trees" not in page


def test_public_writes_are_rate_limited_per_address(client, settings, open_consultation):
    settings.MASSLINE_CONSULTATION_WRITE_RATE = 2
    url = reverse("consultations:opinion_submit", args=[open_consultation.pk])
    codes = [client.post(url, {"body": f"opinion {i}"}).status_code for i in range(3)]
    assert codes == [302, 302, 429]
    assert Opinion.objects.count() == 2


def test_attachments_are_uploaded_by_the_unit_and_served_with_the_page_rule(
    client_for, client, settings, tmp_path, draft
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    url = reverse("consultations_staff:attachment_add", args=[draft.pk])
    staff = client_for("officer_a")
    refused = staff.post(
        url, {"attachment-title": "Script", "attachment-file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert refused.status_code == 400 and ".pdf" in refused.content.decode()
    staff.post(
        url,
        {
            "attachment-title": "Full draft",
            "attachment-file": SimpleUploadedFile("draft.pdf", sample_pdf("Jane Drafter")),
        },
    )
    attachment = draft.attachments.get()
    download = reverse("consultations:attachment", args=[draft.pk, attachment.pk])
    assert client.get(download).status_code == 404  # a draft's files need its preview link
    response = client.get(download + f"?preview={draft.preview_token}")
    served = b"".join(response.streaming_content)
    # Served as rewritten when uploaded: the pages, not the author in the document's information.
    assert response.status_code == 200 and served.startswith(b"%PDF") and b"Jane Drafter" not in served


def test_the_public_list_shows_an_opinions_place_rounded_never_exact(client, open_consultation, participant):
    """An opinion's place is often its author's house: the public page rounds it to 3 decimals (about
    110 m), as the demands' public map does, and never prints the exact coordinates."""
    services.opinion_submit(
        consultation=open_consultation,
        participant=participant,
        body="The crossing here is dangerous.",
        latitude="28.123456",
        longitude="112.654987",
    )
    page = client.get(reverse("consultations:detail", args=[open_consultation.pk])).content.decode()
    assert "28.123, 112.655" in page
    assert not re.search(r"28\.123\d|112\.65\d\d", page)
