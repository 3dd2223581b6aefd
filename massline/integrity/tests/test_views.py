"""The integrity pages: every URL for every persona, the anonymous flows and their refusals."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from massline.integrity import services
from massline.integrity.models import InspectorKey, Tip
from massline.org.choices import Role
from massline.org.testing import PERSONA_PASSWORD, PERSONAS

from . import samples
from .conftest import solved_pow

STAFF_GET = ["index", "key_setup", "key_recover", "detail", "identity", "attachment", "attachment_original"]
STAFF_POST = ["key_unlock", "key_lock", "message", "status", "conclude", "reveal_request", "reveal_decide"]


def _staff_url(name, tip):
    kwargs = {}
    if name not in ("index", "key_setup", "key_recover", "key_unlock", "key_lock"):
        kwargs["reference"] = tip.reference
    if name in ("attachment", "attachment_original"):
        kwargs["attachment_id"] = tip.attachments.first().pk
    if name == "reveal_decide":
        kwargs["reveal_id"] = 1
    return reverse(f"integrity_staff:{name}", kwargs=kwargs)


@pytest.fixture
def tip(keyed, submit):
    tip, _receipt = submit(uploads=[("a.png", samples.png())])
    return tip


def _unlock(client):
    client.post(reverse("integrity_staff:key_unlock"), {"password": PERSONA_PASSWORD})


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "inspector"])
def test_nobody_but_an_inspector_opens_a_staff_page(persona, client_for, tip):
    client = client_for(persona)
    for name in STAFF_GET + STAFF_POST:
        url = _staff_url(name, tip)
        response = client.post(url) if name in STAFF_POST else client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and "/login" in response["Location"], (
                name,
                response.status_code,
            )
        else:
            assert response.status_code == 403, (persona, name, response.status_code)
            assert "用公款" not in response.content.decode()


def test_the_inspector_opens_every_staff_page(client_for, tip):
    client = client_for("inspector")
    _unlock(client)
    expected = {"identity": 403, "key_setup": 200}
    for name in STAFF_GET:
        response = client.get(_staff_url(name, tip))
        assert response.status_code == expected.get(name, 200), (name, response.status_code)
    assert "用公款吃喝" in client.get(_staff_url("detail", tip)).content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_opens_the_public_pages(persona, client_for, org):
    client = client_for(persona)
    for name in ("submit", "receipt"):
        assert client.get(reverse(f"integrity:{name}")).status_code == 200
    for name in ("reporter_reply", "reporter_evidence"):
        url = reverse(f"integrity:{name}")
        assert client.get(url).status_code == 405
        assert client.post(url, {"text": "x"}).status_code == 400  # no page token: nobody's tip


def test_the_admin_site_lists_a_discipline_record_without_a_demand(client_for, keyed, submit, unit_head_a):
    from massline.integrity.choices import Sanction, TipStatus

    inspector, private, _ = keyed
    tip, _receipt = submit()
    for status in (TipStatus.PRELIMINARY, TipStatus.CASE_OPENED):
        services.tip_status_set(tip=tip, user=inspector, status=status)
    services.tip_conclude(
        tip=tip, user=inspector, private_key=private, substantiated=True, sanction=Sanction.WARNING,
        official=unit_head_a, final_answer="Warned.", record_note="Warning.",
    )  # fmt: skip
    response = client_for("admin_user").get(
        reverse("admin:cases_accountabilityrecord_changelist"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200 and "Discipline case on a tip-off" in response.content.decode()
    assert "用公款" not in response.content.decode()


def test_an_inspector_outside_the_jurisdiction_or_recused_gets_404(client_for, tip, org, make_official):
    outside = make_official("inspector_t2", Role.DISCIPLINE_INSPECTOR, region=org.township_2)
    stationed = make_official("stationed", Role.DISCIPLINE_INSPECTOR, region=org.county)
    for user in (outside, stationed):
        services.inspector_key_setup(
            user=user, password=PERSONA_PASSWORD, home_unit=org.unit_a if user == stationed else None
        )
        client = client_for(user)
        _unlock(client)
        assert client.get(_staff_url("detail", tip)).status_code == 404
        assert tip.reference not in client.get(_staff_url("index", tip)).content.decode()


def test_a_locked_key_sends_the_inspector_to_unlock(client_for, tip):
    response = client_for("inspector").get(_staff_url("detail", tip))
    assert response.status_code == 302 and response["Location"] == reverse("integrity_staff:index")


def test_key_setup_shows_the_recovery_key_once(client_for, inspector, org):
    client = client_for("inspector")
    assert (
        "Set up my key"
        in client.get(reverse("integrity_staff:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    response = client.post(reverse("integrity_staff:key_setup"), {"password": "wrong"})
    assert response.status_code == 400 and not InspectorKey.objects.exists()
    response = client.post(reverse("integrity_staff:key_setup"), {"password": PERSONA_PASSWORD})
    assert response.status_code == 200
    recovery = response.context["recovery_key"]
    assert recovery in response.content.decode()
    again = client.get(reverse("integrity_staff:key_setup"))
    assert recovery not in again.content.decode()
    assert recovery.encode() not in b"".join(
        bytes(v) for v in InspectorKey.objects.values_list("wrapped_private", "recovery_wrapped")[0]
    )


class TestAnonymousFlow:
    def _submit(self, client, org, **extra):
        data = {
            "unit": org.unit_a.pk,
            "official": "张局长",
            "what": "用公款吃喝",
            "when": "五月",
            **solved_pow(),
            **extra,
        }
        return client.post(reverse("integrity:submit"), data, HTTP_ACCEPT_LANGUAGE="en")

    def test_submit_then_come_back_with_the_receipt(self, client, keyed, org):
        response = self._submit(client, org, files=[SimpleUploadedFile("p.jpg", samples.jpeg_with_exif())])
        assert response.status_code == 200
        receipt = response.context["receipt"]
        assert "sessionid" not in response.cookies
        assert Tip.objects.get().attachments.count() == 1
        page = client.post(reverse("integrity:receipt"), {"receipt": receipt, **solved_pow()})
        assert page.status_code == 200 and "用公款吃喝" in page.content.decode()
        token = page.context["token"]
        reply = client.post(reverse("integrity:reporter_reply"), {"token": token, "text": "More: 发票"})
        assert reply.status_code == 200 and "More: 发票" in reply.content.decode()
        evidence = client.post(
            reverse("integrity:reporter_evidence"),
            {"token": token, "files": [SimpleUploadedFile("memo.pdf", samples.pdf_with_author())]},
        )
        assert evidence.status_code == 200 and Tip.objects.get().attachments.count() == 2
        assert "sessionid" not in client.cookies

    def test_a_wrong_receipt_gets_the_same_answer_as_a_malformed_one(self, client, keyed, submit):
        submit()
        answers = set()
        for code in ("0000000000000000", "12", "9999 9999 9999 9999"):
            response = client.post(reverse("integrity:receipt"), {"receipt": code, **solved_pow()})
            assert response.status_code == 400
            answers.add(str(response.context["form"].non_field_errors()))
        assert len(answers) == 1

    def test_an_expired_page_token_is_refused(self, client, keyed):
        response = client.post(reverse("integrity:reporter_reply"), {"token": "forged", "text": "x"})
        assert response.status_code == 400

    def test_an_empty_report_is_refused(self, client, keyed, org):
        response = self._submit(client, org, what="")
        assert response.status_code == 400 and "what happened" in response.content.decode()
        assert not Tip.objects.exists()

    def test_a_missing_proof_of_work_is_refused(self, client, keyed, org):
        response = self._submit(client, org, pow_solution="")
        assert response.status_code == 400 and not Tip.objects.exists()

    def test_a_disguised_file_is_refused(self, client, keyed, org):
        response = self._submit(client, org, files=[SimpleUploadedFile("report.pdf", samples.png())])
        assert response.status_code == 400 and "does not match" in response.content.decode()
        assert not Tip.objects.exists()

    def test_an_oversize_request_is_refused_before_it_is_read(self, client, keyed, org, settings):
        settings.MASSLINE_INTEGRITY_ATTACHMENT_MAX_BYTES = 1024
        settings.MASSLINE_INTEGRITY_ATTACHMENT_MAX_COUNT = 1
        big = SimpleUploadedFile("big.png", samples.png() + b"\0" * (3 * 1024 * 1024))
        response = self._submit(client, org, files=[big])
        assert response.status_code == 413 and not Tip.objects.exists()

    def test_a_flood_from_one_address_is_refused(self, client, keyed, org, settings):
        settings.MASSLINE_INTEGRITY_SUBMIT_RATE = 2
        codes = [self._submit(client, org).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert Tip.objects.count() == 2

    def test_nothing_the_reporter_wrote_reaches_the_logs(self, client, keyed, org, caplog):
        with caplog.at_level(logging.DEBUG):
            self._submit(client, org, files=[SimpleUploadedFile("x.jpg", b"\xff\xd8\xff\xe0 secret-garbage")])
            self._submit(client, org, what="用公款吃喝 again")
            client.post(reverse("integrity:receipt"), {"receipt": "1234123412341234", **solved_pow()})
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert "用公款" not in logged and "secret-garbage" not in logged and "1234123412341234" not in logged


def test_the_inspector_handles_a_tip_through_the_pages(
    client_for, keyed, second_inspector, submit, unit_head_a
):
    tip, receipt = submit(identity=services.Identity(name="Whistle Blower", phone="13912345678"))
    client = client_for("inspector")
    _unlock(client)
    detail = reverse("integrity_staff:detail", args=[tip.reference])
    assert (
        client.post(
            reverse("integrity_staff:message", args=[tip.reference]), {"text": "Tell us more"}
        ).status_code
        == 302
    )
    for status in ("preliminary", "case_opened"):
        assert (
            client.post(
                reverse("integrity_staff:status", args=[tip.reference]), {"status": status}
            ).status_code
            == 302
        )
    bad = client.post(
        reverse("integrity_staff:conclude", args=[tip.reference]),
        {"substantiated": "1", "sanction": "warning", "final_answer": ""},
    )
    assert bad.status_code == 400
    assert (
        client.post(
            reverse("integrity_staff:reveal_request", args=[tip.reference]), {"reason": "protect"}
        ).status_code
        == 302
    )
    assert client.get(reverse("integrity_staff:identity", args=[tip.reference])).status_code == 403
    colleague = client_for(second_inspector[0])
    _unlock(colleague)
    reveal = tip.reveals.get()
    assert (
        colleague.post(
            reverse("integrity_staff:reveal_decide", args=[tip.reference, reveal.pk]), {"approve": "1"}
        ).status_code
        == 302
    )
    assert (
        "Whistle Blower"
        in client.get(reverse("integrity_staff:identity", args=[tip.reference])).content.decode()
    )
    done = client.post(
        reverse("integrity_staff:conclude", args=[tip.reference]),
        {
            "substantiated": "1",
            "sanction": "warning",
            "official": unit_head_a.pk,
            "record_note": "Warning.",
            "final_answer": "Warned.",
        },
    )
    assert done.status_code == 302
    assert "Warned." in client.get(detail).content.decode()
