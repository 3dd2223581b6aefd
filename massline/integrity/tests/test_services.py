"""The integrity services: keys, submission, reading, recusal, identity reveal, handling, purge, watch."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from massline.audit.models import AuditEvent
from massline.cases.choices import AccountabilityKind, CaseType
from massline.cases.models import AccountabilityRecord
from massline.cases.services.intake import case_submit
from massline.integrity import access, crypto, files, pow, services, worker
from massline.integrity.choices import NoticeKind, Sanction, TipStatus
from massline.integrity.models import InspectorNotice, RetaliationFlag, Tip
from massline.lib.errors import DomainError, NotFound, PermissionDenied
from massline.org.choices import Role
from massline.org.testing import PERSONA_PASSWORD
from massline.outbox.testing import deliver_queued

from . import samples

SECRETS = [
    "用公款吃喝",
    "Lotus restaurant",
    "张局长",
    "莲花酒楼",
    "Whistle Blower",
    "13912345678",
    "blower@example.org",
    "110101199001011234",
    "Please tell us more",
    "Secret Photographer",
    "Secret Author",
    "PhoneModel-X9",
    "Reporter at risk",
]


def _identity():
    return services.Identity(
        name="Whistle Blower",
        phone="139 1234 5678",
        email="blower@example.org",
        id_number="110101199001011234",
    )


def _raw_database_text():
    """Every row of every table as the database stores it (what a dump or a backup holds)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value).decode("utf-8", "replace"))
                    else:
                        chunks.append(str(value))
    return "\n".join(chunks)


class TestKeys:
    def test_only_inspectors_set_up_a_key(self, admin_user, supervisor):
        for user in (admin_user, supervisor):
            with pytest.raises(PermissionDenied):
                services.inspector_key_setup(user=user, password=PERSONA_PASSWORD)

    def test_a_wrong_password_is_refused(self, inspector):
        with pytest.raises(DomainError, match="not your password"):
            services.inspector_key_setup(user=inspector, password="wrong")

    def test_the_private_key_opens_only_with_the_password(self, keyed):
        inspector, private, _recovery = keyed
        key = inspector.integrity_key
        assert bytes(key.public_key) != private
        assert private not in bytes(key.wrapped_private)
        with pytest.raises(DomainError):
            services.inspector_key_unlock(user=inspector, password="Not-The-Password-1")

    def test_the_recovery_key_rewraps_after_a_password_change(self, keyed):
        inspector, private, recovery = keyed
        inspector.set_password("A-New-Password-77")
        inspector.save()
        with pytest.raises(DomainError, match="recovery key"):
            services.inspector_key_unlock(user=inspector, password="A-New-Password-77")
        with pytest.raises(DomainError, match="does not open"):
            services.inspector_key_recover(
                user=inspector, recovery_key="AAAA-BBBB", password="A-New-Password-77"
            )
        again = services.inspector_key_recover(
            user=inspector, recovery_key=recovery.lower(), password="A-New-Password-77"
        )
        assert again == private
        assert services.inspector_key_unlock(user=inspector, password="A-New-Password-77") == private


class TestSubmission:
    def test_a_tip_is_readable_by_the_inspector_and_by_the_receipt(self, keyed, submit):
        inspector, private, _ = keyed
        tip, receipt = submit()
        assert len(receipt) == 16 and receipt.isdigit()
        view = services.tip_open(tip=tip, user=inspector, private_key=private)
        assert view.content["what"].startswith("用公款吃喝")
        same, content_key = services.reporter_open(receipt=crypto.format_receipt(receipt))
        assert same == tip
        assert services.reporter_view(tip=tip, content_key=content_key).content["official"] == "张局长"
        assert AuditEvent.objects.filter(action="integrity.tip.open", actor_id=inspector.pk).count() == 1

    def test_an_empty_report_is_refused(self, keyed, submit):
        with pytest.raises(DomainError, match="what happened"):
            submit(what="   ")
        assert not Tip.objects.exists()

    def test_a_tip_nobody_could_read_is_refused(self, inspector, submit):
        with pytest.raises(DomainError, match="No discipline inspector"):
            submit()

    def test_a_wrong_or_malformed_receipt_gets_the_same_answer(self, keyed, submit):
        submit()
        answers = set()
        for code in ("1234567812345678", "12", "", "abcd"):
            with pytest.raises(services.ReceiptRefused) as caught:
                services.reporter_open(receipt=code)
            answers.add(str(caught.value.message))
        assert len(answers) == 1

    def test_no_plaintext_in_the_database_or_the_media(self, keyed, submit, settings, second_inspector):
        inspector, private, _ = keyed
        tip, receipt = submit(
            identity=_identity(),
            uploads=[("photo.jpg", samples.jpeg_with_exif()), ("memo.pdf", samples.pdf_with_author())],
        )
        services.tip_message_send(tip=tip, user=inspector, private_key=private, text="Please tell us more")
        _tip, content_key = services.reporter_open(receipt=receipt)
        services.reporter_reply(tip=tip, content_key=content_key, text="13912345678 is my number")
        services.identity_reveal_request(
            tip=tip, user=inspector, private_key=private, reason="Reporter at risk"
        )
        dump = _raw_database_text()
        for secret in SECRETS + [receipt]:
            assert secret not in dump, secret
        stored = list(Path(settings.MEDIA_ROOT).rglob("*"))
        assert len([p for p in stored if p.is_file()]) == 4
        for path in stored:
            if path.is_file():
                data = path.read_bytes()
                for secret in SECRETS:
                    assert secret.encode() not in data, (path, secret)
                assert not data.startswith((b"\xff\xd8", b"%PDF"))

    def test_the_reporters_audit_events_carry_no_address(self, keyed, submit):
        from massline.audit import context

        token = context.set_current(context.RequestContext(request_id="req-1", client_ip="203.0.113.9"))
        try:
            tip, _receipt = submit()
        finally:
            context.reset(token)
        event = AuditEvent.objects.get(action="integrity.tip.submit")
        assert event.client_ip is None and event.request_id == "" and event.object_id == str(tip.pk)


class TestRecusal:
    def test_an_inspector_who_belongs_to_the_unit_is_withheld(self, keyed, org, submit, make_official):
        from massline.org.services import membership_grant

        inspector, private, _ = keyed
        membership_grant(user=inspector, role=Role.HANDLER, unit=org.unit_a, by=None)
        second = make_official("inspector_b", Role.DISCIPLINE_INSPECTOR, region=org.county)
        services.inspector_key_setup(user=second, password=PERSONA_PASSWORD)
        tip, _ = submit()
        assert not access.may_read(inspector, tip)
        assert not tip.grants.filter(inspector__user=inspector).exists()
        with pytest.raises(NotFound):
            services.tip_open(tip=tip, user=inspector, private_key=private)

    def test_an_inspector_named_in_the_tip_is_withheld(self, keyed, second_inspector, submit):
        inspector, private, _ = keyed
        tip, _ = submit(official="冯 纪检")  # the inspector's display name, spaced
        assert not access.may_read(inspector, tip)
        assert access.may_read(second_inspector[0], tip)
        with pytest.raises(NotFound):
            services.tip_open(tip=tip, user=inspector, private_key=private)

    def test_a_stationed_inspector_is_withheld_from_their_unit(self, org, make_official, keyed, submit):
        stationed = make_official("stationed", Role.DISCIPLINE_INSPECTOR, region=org.county)
        services.inspector_key_setup(user=stationed, password=PERSONA_PASSWORD, home_unit=org.unit_a)
        tip, _ = submit()
        assert not access.may_read(stationed, tip)
        assert access.may_read(keyed[0], tip)

    def test_jurisdiction_limits_who_reads(self, org, make_official, keyed, submit, admin_user, supervisor):
        township_2 = make_official("inspector_t2", Role.DISCIPLINE_INSPECTOR, region=org.township_2)
        services.inspector_key_setup(user=township_2, password=PERSONA_PASSWORD)
        tip, _ = submit()
        assert not access.may_read(township_2, tip)
        assert not access.may_read(admin_user, tip)
        assert not access.may_read(supervisor, tip)
        assert list(tip.grants.values_list("inspector__user__username", flat=True)) == ["inspector"]

    def test_a_key_set_up_later_is_granted_when_a_colleague_opens_the_tip(
        self, keyed, submit, org, make_official
    ):
        inspector, private, _ = keyed
        tip, _ = submit(identity=_identity())
        late = make_official("late", Role.DISCIPLINE_INSPECTOR, region=org.county)
        services.inspector_key_setup(user=late, password=PERSONA_PASSWORD)
        late_private = services.inspector_key_unlock(user=late, password=PERSONA_PASSWORD)
        with pytest.raises(DomainError, match="not sealed to your key"):
            services.tip_open(tip=tip, user=late, private_key=late_private)
        services.tip_open(tip=tip, user=inspector, private_key=private)
        assert services.tip_open(tip=tip, user=late, private_key=late_private).content["where"] == "莲花酒楼"
        assert tip.grants.get(inspector__user=late).sealed_identity_key is not None


class TestIdentityReveal:
    def test_reading_the_identity_needs_a_second_inspector(self, keyed, second_inspector, submit):
        inspector, private, _ = keyed
        colleague, colleague_private = second_inspector
        tip, _ = submit(identity=_identity())
        with pytest.raises(PermissionDenied):
            services.identity_read(tip=tip, user=inspector, private_key=private)
        reveal = services.identity_reveal_request(
            tip=tip, user=inspector, private_key=private, reason="protect the reporter"
        )
        assert InspectorNotice.objects.filter(user=colleague, kind=NoticeKind.REVEAL_REQUESTED).exists()
        with pytest.raises(PermissionDenied, match="second inspector"):
            services.identity_reveal_decide(reveal=reveal, user=inspector, approve=True)
        with pytest.raises(PermissionDenied):
            services.identity_read(tip=tip, user=inspector, private_key=private)
        services.identity_reveal_decide(reveal=reveal, user=colleague, approve=True)
        person = services.identity_read(tip=tip, user=inspector, private_key=private)
        assert person["name"] == "Whistle Blower"
        # The approver did not ask: they read nothing.
        with pytest.raises(PermissionDenied):
            services.identity_read(tip=tip, user=colleague, private_key=colleague_private)
        actions = list(AuditEvent.objects.filter(object_id=str(tip.pk)).values_list("action", flat=True))
        assert {"integrity.identity.request", "integrity.identity.approve", "integrity.identity.read"} <= set(
            actions
        )

    def test_the_outer_layer_needs_the_server_secret(self, keyed, submit, settings):
        inspector, private, _ = keyed
        tip, _ = submit(identity=_identity())
        _content, identity_key = services.tip_keys(tip=tip, user=inspector, private_key=private)
        # With the inspector's key alone (a stolen dump and a password), the identity does not open.
        with pytest.raises(crypto.DecryptionFailed):
            crypto.open_json(identity_key, tip.identity)

    def test_an_anonymous_tip_has_nothing_to_reveal(self, keyed, submit):
        tip, _ = submit()
        with pytest.raises(DomainError, match="anonymous"):
            services.identity_reveal_request(tip=tip, user=keyed[0], private_key=keyed[1], reason="x")


class TestHandling:
    def test_the_first_answer_stops_the_clock(self, keyed, submit):
        inspector, private, _ = keyed
        tip, _ = submit()
        assert tip.first_answer_clock.is_open and tip.first_answer_clock.due_at > tip.received_at
        services.tip_message_send(tip=tip, user=inspector, private_key=private, text="We are checking.")
        tip.first_answer_clock.refresh_from_db()
        assert not tip.first_answer_clock.is_open

    def test_an_overdue_first_answer_is_noticed_once(self, keyed, submit):
        inspector, _private, _ = keyed
        tip, _ = submit()
        due = tip.first_answer_clock.due_at
        assert worker.first_answers_overdue(now=due - timedelta(minutes=1)) == 0
        assert worker.first_answers_overdue(now=due + timedelta(minutes=1)) == 1
        assert worker.first_answers_overdue(now=due + timedelta(days=3)) == 0
        assert InspectorNotice.objects.filter(user=inspector, kind=NoticeKind.FIRST_ANSWER_DUE).count() == 1

    def test_statuses_move_forward_only(self, keyed, submit):
        inspector, _private, _ = keyed
        tip, _ = submit()
        with pytest.raises(DomainError, match="cannot become"):
            services.tip_status_set(tip=tip, user=inspector, status=TipStatus.CASE_OPENED)
        services.tip_status_set(tip=tip, user=inspector, status=TipStatus.PRELIMINARY)
        services.tip_status_set(tip=tip, user=inspector, status=TipStatus.CASE_OPENED)
        with pytest.raises(DomainError, match="Conclude"):
            services.tip_status_set(tip=tip, user=inspector, status=TipStatus.CONCLUDED)

    def test_a_substantiated_case_feeds_the_accountability_record(self, keyed, submit, org, unit_head_a):
        inspector, private, _ = keyed
        tip, receipt = submit()
        services.tip_status_set(tip=tip, user=inspector, status=TipStatus.PRELIMINARY)
        services.tip_status_set(tip=tip, user=inspector, status=TipStatus.CASE_OPENED)
        services.tip_conclude(
            tip=tip,
            user=inspector,
            private_key=private,
            substantiated=True,
            sanction=Sanction.WARNING,
            official=unit_head_a,
            final_answer="Substantiated; the official was warned.",
            record_note="Party warning for banqueting on public funds.",
        )
        tip.refresh_from_db()
        assert tip.status == TipStatus.CONCLUDED and tip.purge_after > timezone.now() + timedelta(days=89)
        record = AccountabilityRecord.objects.get(kind=AccountabilityKind.DISCIPLINE)
        assert (record.unit, record.official, record.case) == (org.unit_a, unit_head_a, None)
        assert tip.discipline.accountability_record_id == record.pk
        assert "用公款" not in record.description
        _tip, key = services.reporter_open(receipt=receipt)
        view = services.reporter_view(tip=tip, content_key=key)
        assert view.messages[-1]["is_final_answer"] and "warned" in view.messages[-1]["text"]
        with pytest.raises(DomainError, match="concluded"):
            services.reporter_reply(tip=tip, content_key=key, text="more")

    def test_not_substantiated_carries_no_sanction(self, keyed, submit):
        inspector, private, _ = keyed
        tip, _ = submit()
        with pytest.raises(DomainError, match="without a sanction"):
            services.tip_conclude(
                tip=tip, user=inspector, private_key=private, substantiated=False,
                sanction=Sanction.WARNING, official=None, final_answer="No.",
            )  # fmt: skip
        services.tip_conclude(
            tip=tip, user=inspector, private_key=private, substantiated=False,
            sanction=Sanction.NONE, official=None, final_answer="Checked: not substantiated.",
        )  # fmt: skip
        tip.refresh_from_db()
        assert tip.status == TipStatus.NOT_SUBSTANTIATED
        assert not AccountabilityRecord.objects.exists()


class TestPurge:
    def test_a_concluded_tip_is_purged_after_retention(self, keyed, submit, settings):
        inspector, private, _ = keyed
        tip, receipt = submit(uploads=[("a.png", samples.png())])
        services.tip_conclude(
            tip=tip, user=inspector, private_key=private, substantiated=False,
            sanction=Sanction.NONE, official=None, final_answer="Done.",
        )  # fmt: skip
        tip.refresh_from_db()
        assert worker.tips_purge(now=tip.purge_after - timedelta(seconds=1)) == 0
        with self._on_commit():
            assert worker.tips_purge(now=tip.purge_after) == 1
        assert not Tip.objects.exists()
        assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
        with pytest.raises(services.ReceiptRefused):
            services.reporter_open(receipt=receipt)
        assert AuditEvent.objects.filter(action="integrity.tip.purge").count() == 1

    @staticmethod
    def _on_commit():
        from django.test import TestCase

        return TestCase.captureOnCommitCallbacks(execute=True)


class TestRetaliationWatch:
    def test_a_later_demand_of_the_reporter_is_flagged_to_inspectors(self, keyed, submit, org):
        inspector, _private, _ = keyed
        tip, _ = submit(identity=_identity())
        anonymous, _ = submit()
        worker.retaliation_watch()
        case = case_submit(
            type=CaseType.COMPLAINT,
            title="Water cut",
            description="No water since Monday",
            citizen_name="W. B.",
            citizen_phone="+86 139-1234-5678",
        )
        other = case_submit(
            type=CaseType.COMPLAINT, title="Road", description="Hole", citizen_phone="13700000000"
        )
        assert worker.retaliation_watch() == 1
        assert list(RetaliationFlag.objects.values_list("tip", "case")) == [(tip.pk, case.pk)]
        assert not RetaliationFlag.objects.filter(case=other).exists()
        assert not RetaliationFlag.objects.filter(tip=anonymous).exists()
        assert InspectorNotice.objects.filter(user=inspector, kind=NoticeKind.RETALIATION, tip=tip).exists()
        assert worker.retaliation_watch() == 0


class TestNotices:
    def test_notices_and_their_emails_say_nothing_of_the_content(self, keyed, submit, settings):
        inspector, _private, _ = keyed
        inspector.email = "inspector@example.org"
        inspector.save()
        tip, _ = submit()
        notice = InspectorNotice.objects.get(user=inspector, kind=NoticeKind.NEW_TIP)
        assert notice.tip == tip
        assert worker.notices_email() == 1
        assert worker.notices_email() == 0
        deliver_queued()
        (message,) = mail.outbox
        text = message.subject + message.body
        for secret in SECRETS + [tip.reference, "Bureau A", "甲局"]:
            assert secret not in text


class TestFiles:
    def test_metadata_is_stripped_from_the_copy_and_kept_in_the_original(self, keyed, submit):
        inspector, private, _ = keyed
        tip, _ = submit(
            uploads=[("photo.jpg", samples.jpeg_with_exif()), ("memo.pdf", samples.pdf_with_author())]
        )
        photo, memo = tip.attachments.order_by("pk")
        _n, _k, clean = services.attachment_read(
            tip=tip, user=inspector, private_key=private, attachment_id=photo.pk
        )
        _n, _k, original = services.attachment_read(
            tip=tip, user=inspector, private_key=private, attachment_id=photo.pk, original=True
        )
        assert b"Secret Photographer" in original and b"Secret Photographer" not in clean
        assert b"PhoneModel-X9" not in clean and clean.startswith(b"\xff\xd8")
        _n, _k, clean_pdf = services.attachment_read(
            tip=tip, user=inspector, private_key=private, attachment_id=memo.pk
        )
        assert (
            b"Secret Author" not in clean_pdf
            and b"Leaky Office" not in clean_pdf
            and clean_pdf.startswith(b"%PDF")
        )

    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("report.pdf", samples.png(), "does not match"),
            ("photo.jpg", b"MZ\x90\x00 not a picture", "not a file of an accepted kind"),
            ("broken.jpg", b"\xff\xd8\xff\xe0 garbage", "cannot be read"),
            ("empty.png", b"", "empty"),
        ],
    )
    def test_a_disguised_or_broken_file_is_refused(self, name, data, message):
        with pytest.raises(files.FileRefused, match=message):
            files.check(name, data, max_bytes=10**6)

    def test_an_oversize_file_is_refused_and_nothing_is_saved(self, keyed, submit, settings):
        settings.MASSLINE_INTEGRITY_ATTACHMENT_MAX_BYTES = 100
        with pytest.raises(files.FileRefused, match="larger than"):
            submit(uploads=[("a.png", samples.png() + b"\0" * 200)])
        assert not Tip.objects.exists()


class TestProofOfWork:
    def test_a_solved_challenge_is_accepted_once(self):
        challenge = pow.challenge_new()
        solution = pow.solve(challenge, 4)
        pow.challenge_check(challenge, solution)
        with pytest.raises(pow.ChallengeFailed, match="already sent"):
            pow.challenge_check(challenge, solution)

    def test_an_unsolved_or_forged_challenge_is_refused(self, settings):
        settings.MASSLINE_INTEGRITY_POW_BITS = 20
        challenge = pow.challenge_new()
        with pytest.raises(pow.ChallengeFailed):
            pow.challenge_check(challenge, "")
        with pytest.raises(pow.ChallengeFailed):
            pow.challenge_check(challenge + "x", "1")
