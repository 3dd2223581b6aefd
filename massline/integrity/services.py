"""Every write of the integrity app: inspectors' keys, anonymous submission, the reporter's return with
the receipt code, the inspectors' reading and handling, identity reveal by two inspectors, the
retaliation watch, notices and the purge. Each write is one transaction with its audit event; audit
events of the reporter's actions are written without the client address or request id.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit import context as audit_context
from massline.audit.services import audit_record
from massline.cases.choices import AccountabilityDecision, AccountabilityKind
from massline.cases.services.accountability import accountability_record_open
from massline.deadlines.choices import TimeUnit
from massline.deadlines.services import clock_start, clock_stop
from massline.lib.errors import DomainError, NotFound, PermissionDenied

from . import access, conf, crypto, files
from .choices import (
    FINAL_STATUSES,
    TIP_TRANSITIONS,
    MessageAuthor,
    NoticeKind,
    RevealStatus,
    Sanction,
    TipStatus,
)
from .models import (
    DisciplineRecord,
    IdentityReveal,
    InspectorKey,
    InspectorNotice,
    ReporterFingerprint,
    Tip,
    TipAttachment,
    TipGrant,
    TipMessage,
)


class ReceiptRefused(DomainError):
    code = "receipt_refused"
    status = 404


def _anonymous_audit(**kwargs):
    """An audit event with no client address and no request id: nothing ties a tip to a visitor."""
    token = audit_context.set_current(audit_context.RequestContext())
    try:
        return audit_record(**kwargs)
    finally:
        audit_context.reset(token)


def _text(value, what, *, required=True):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("Write %(what)s: it cannot be empty.") % {"what": what}, code="empty")
    if len(value) > conf.text_max_length():
        raise DomainError(
            _("%(what)s may have at most %(n)s characters: shorten it.")
            % {"what": what, "n": conf.text_max_length()},
            code="too_long",
        )
    return value


# --- inspectors' keys ---------------------------------------------------------------------------------


def _require_inspector(user):
    if not access.is_inspector(user):
        raise PermissionDenied(_("Only discipline inspectors use the tip-off pages."))


def inspector_key_setup(*, user, password, home_unit=None):
    """Create the inspector's key pair (密钥生成): the private key is wrapped under Argon2id keys of their
    password and of a new recovery key. Returns (key, recovery key); the recovery key is never stored."""
    _require_inspector(user)
    if not user.check_password(password or ""):
        raise DomainError(
            _("That is not your password: type the password you sign in with."), code="password"
        )
    opslimit, memlimit = conf.argon2_limits()
    public, private = crypto.keypair()
    recovery = crypto.new_recovery_key()
    password_salt, recovery_salt = crypto.new_salt(), crypto.new_salt()
    with transaction.atomic():
        if InspectorKey.objects.select_for_update().filter(user=user).exists():
            raise DomainError(
                _("Your key is already set up: unlock it with your password, or use your recovery key."),
                code="exists",
            )
        key = InspectorKey.objects.create(
            user=user,
            public_key=public,
            wrapped_private=crypto.seal(
                crypto.derive_key(password, password_salt, opslimit, memlimit), private
            ),
            password_salt=password_salt,
            recovery_wrapped=crypto.seal(
                crypto.derive_key(crypto.normalise_recovery_key(recovery), recovery_salt, opslimit, memlimit),
                private,
            ),
            recovery_salt=recovery_salt,
            opslimit=opslimit,
            memlimit=memlimit,
            home_unit=home_unit,
        )
        audit_record(
            action="integrity.key.setup",
            obj=key,
            actor=user,
            details={"home_unit": getattr(home_unit, "pk", None)},
        )
    return key, recovery


def inspector_key_unlock(*, user, password):
    """The inspector's private key, opened with their password (the caller keeps it in the session)."""
    _require_inspector(user)
    key = InspectorKey.objects.filter(user=user).first()
    if key is None:
        raise DomainError(_("Set up your key first."), code="no_key")
    try:
        private = crypto.open_box(
            crypto.derive_key(password or "", key.password_salt, key.opslimit, key.memlimit),
            key.wrapped_private,
        )
    except crypto.DecryptionFailed as exc:
        audit_record(action="integrity.key.unlock_failed", obj=key, actor=user)
        if user.check_password(password or ""):
            raise DomainError(
                _("Your password changed since your key was set up: unlock it once with your recovery key."),
                code="password_changed",
            ) from exc
        raise DomainError(
            _("That is not your password: type the password you sign in with."), code="password"
        ) from exc
    audit_record(action="integrity.key.unlock", obj=key, actor=user)
    return private


def inspector_key_recover(*, user, recovery_key, password):
    """Open the private key with the recovery key and wrap it again under the current password."""
    _require_inspector(user)
    if not user.check_password(password or ""):
        raise DomainError(
            _("That is not your password: type the password you sign in with."), code="password"
        )
    with transaction.atomic():
        key = InspectorKey.objects.select_for_update().filter(user=user).first()
        if key is None:
            raise DomainError(_("Set up your key first."), code="no_key")
        try:
            private = crypto.open_box(
                crypto.derive_key(
                    crypto.normalise_recovery_key(recovery_key), key.recovery_salt, key.opslimit, key.memlimit
                ),
                key.recovery_wrapped,
            )
        except crypto.DecryptionFailed as exc:
            audit_record(action="integrity.key.recover_failed", obj=key, actor=user)
            raise DomainError(
                _("That recovery key does not open your key: check it, groups of four letters and digits."),
                code="recovery",
            ) from exc
        salt = crypto.new_salt()
        key.password_salt = salt
        key.wrapped_private = crypto.seal(
            crypto.derive_key(password, salt, key.opslimit, key.memlimit), private
        )
        key.save(update_fields=["password_salt", "wrapped_private"])
        audit_record(action="integrity.key.recover", obj=key, actor=user)
    return private


# --- submission ---------------------------------------------------------------------------------------


@dataclass
class Identity:
    name: str = ""
    phone: str = ""
    email: str = ""
    id_number: str = ""

    def is_given(self):
        return any((self.name.strip(), self.phone.strip(), self.email.strip(), self.id_number.strip()))

    def fingerprints(self):
        found = set()
        if crypto.normalise_phone(self.phone):
            found.add(crypto.keyed_hash("reporter", "phone:" + crypto.normalise_phone(self.phone)))
        if self.email.strip():
            found.add(crypto.keyed_hash("reporter", "email:" + self.email.strip().lower()))
        if crypto.normalise_text(self.id_number):
            found.add(crypto.keyed_hash("reporter", "id:" + crypto.normalise_text(self.id_number)))
        return found


def _store_file(data):
    name = default_storage.save(f"integrity/{uuid.uuid4().hex}.bin", ContentFile(data))
    return name


def _checked_files(uploads):
    if len(uploads) > conf.attachment_max_count():
        raise DomainError(
            _("Attach at most %(n)s files.") % {"n": conf.attachment_max_count()}, code="too_many_files"
        )
    return [
        (name, data, files.check(name, data, max_bytes=conf.attachment_max_bytes())) for name, data in uploads
    ]


def _attach(tip, content_key, checked, *, by_reporter, at):
    """Store each checked file twice, encrypted: the original as evidence and the clean copy to read.
    Returns the stored names, so a failed transaction can remove them."""
    stored = []
    for name, data, result in checked:
        original = _store_file(crypto.seal(content_key, data))
        clean = _store_file(crypto.seal(content_key, result.clean))
        stored += [original, clean]
        TipAttachment.objects.create(
            tip=tip,
            kind=result.kind,
            meta=crypto.seal_json(content_key, {"name": name[:200], "size": len(data)}),
            original_file=original,
            clean_file=clean,
            added_by_reporter=by_reporter,
            created_at=at,
        )
    return stored


def _remove_files(names):
    for name in names:
        default_storage.delete(name)


def _notify(users, kind, tip):
    InspectorNotice.objects.bulk_create(
        [InspectorNotice(user=u, kind=kind, tip=tip) for u in {u.pk: u for u in users}.values()]
    )


def _readers(tip):
    """Users who may read `tip` now (for notices); recused inspectors are never told."""
    return [
        grant.inspector.user
        for grant in tip.grants.select_related("inspector__user")
        if access.may_read(grant.inspector.user, tip)
    ]


def _new_reference():
    return f"T{timezone.localdate():%Y%m}-{secrets.token_hex(3).upper()}"


def tip_submit(*, unit, official, position, what, when, where, identity=None, uploads=(), at=None):
    """Receive an anonymous tip-off (受理举报). Returns (tip, receipt code); the code is shown once and
    never stored, only its keyed hash and the content key wrapped under its Argon2id key."""
    at = at or timezone.now()
    what = _text(what, _("what happened"))
    official = _text(official, _("the official's name"), required=False)[:200]
    position = _text(position, _("the post"), required=False)[:200]
    when = _text(when, _("when"), required=False)[:200]
    where = _text(where, _("where"), required=False)[:300]
    if unit is None or not unit.is_active:
        raise DomainError(_("Choose the unit concerned."), code="unit")
    identity = identity or Identity()
    checked = _checked_files(list(uploads))
    accused_hash = crypto.keyed_hash("accused", crypto.normalise_text(official)) if official else ""
    keys = access.eligible_keys(unit=unit, accused_hash=accused_hash)
    if not keys:
        raise DomainError(
            _(
                "No discipline inspector can receive tip-offs about this unit yet. Report it to the "
                "discipline inspection commission in person or by letter, or try again later."
            ),
            code="no_inspector",
        )
    content_key, identity_key = crypto.new_key(), crypto.new_key()
    receipt = crypto.new_receipt()
    opslimit, memlimit = conf.argon2_limits()
    salt = crypto.new_salt()
    wrapped = crypto.seal(crypto.derive_key(receipt, salt, opslimit, memlimit), content_key)
    given = identity.is_given()
    stored = []
    try:
        with transaction.atomic():
            clock = clock_start(start=at, amount=conf.first_answer_working_days(), unit=TimeUnit.WORKING_DAYS)
            tip = Tip.objects.create(
                reference=_new_reference(),
                unit=unit,
                received_at=at,
                content=crypto.seal_json(
                    content_key,
                    {"official": official, "position": position, "what": what, "when": when, "where": where},
                ),
                receipt_lookup=crypto.keyed_hash("receipt", receipt),
                receipt_salt=salt,
                receipt_wrapped_key=wrapped,
                opslimit=opslimit,
                memlimit=memlimit,
                accused_hash=accused_hash,
                identity=(
                    crypto.seal(
                        crypto.server_key("identity"),
                        crypto.seal_json(
                            identity_key,
                            {
                                "name": identity.name.strip()[:100],
                                "phone": identity.phone.strip()[:40],
                                "email": identity.email.strip()[:200],
                                "id_number": identity.id_number.strip()[:40],
                            },
                        ),
                    )
                    if given
                    else None
                ),
                first_answer_clock=clock,
            )
            TipGrant.objects.bulk_create(
                [
                    TipGrant(
                        tip=tip,
                        inspector=key,
                        sealed_key=crypto.seal_to(key.public_key, content_key),
                        sealed_identity_key=crypto.seal_to(key.public_key, identity_key) if given else None,
                    )
                    for key in keys
                ]
            )
            if given:
                ReporterFingerprint.objects.bulk_create(
                    [ReporterFingerprint(tip=tip, digest=d) for d in identity.fingerprints()]
                )
            stored = _attach(tip, content_key, checked, by_reporter=True, at=at)
            _notify([key.user for key in keys], NoticeKind.NEW_TIP, tip)
            _anonymous_audit(
                action="integrity.tip.submit",
                obj=tip,
                details={"unit": unit.pk, "files": len(checked), "identified": given, "readers": len(keys)},
            )
    except Exception:
        _remove_files(stored)
        raise
    return tip, receipt


# --- the reporter's return ----------------------------------------------------------------------------

# Argon2id runs on a wrong code too, on this fixed salt, so that a wrong code costs the same time.
_DUMMY_SALT = b"massline-integ-0"


def _receipt_refused():
    return ReceiptRefused(
        _(
            "This receipt code does not open a tip-off. Check the 16 digits; "
            "a tip-off concluded long ago is deleted."
        )
    )


def reporter_open(*, receipt):
    """The tip and its content key for a receipt code. A wrong, malformed or expired code is refused with
    the same message after the same Argon2id work."""
    code = crypto.normalise_receipt(receipt)
    tip = None
    if len(code) == crypto.RECEIPT_DIGITS:
        tip = Tip.objects.filter(receipt_lookup=crypto.keyed_hash("receipt", code)).first()
    opslimit, memlimit = (tip.opslimit, tip.memlimit) if tip else conf.argon2_limits()
    wrapping = crypto.derive_key(code or "0", tip.receipt_salt if tip else _DUMMY_SALT, opslimit, memlimit)
    if tip is None:
        raise _receipt_refused()
    try:
        content_key = crypto.open_box(wrapping, tip.receipt_wrapped_key)
    except crypto.DecryptionFailed as exc:
        raise _receipt_refused() from exc
    _grants_complete(tip, content_key)
    return tip, content_key


def reporter_token(tip, content_key):
    """A time-limited capability for the reporter's page (a hidden form field, not a cookie)."""
    return crypto.capability_wrap(
        "reporter", {"tip": tip.pk, "k": crypto.b64(content_key)}, minutes=conf.reporter_minutes()
    )


def reporter_from_token(token):
    data = crypto.capability_open("reporter", token)
    if not data:
        raise ReceiptRefused(_("This page has expired: enter your receipt code again."))
    tip = Tip.objects.filter(pk=data.get("tip")).first()
    if tip is None:
        raise _receipt_refused()
    return tip, crypto.unb64(data["k"])


def reporter_reply(*, tip, content_key, text, at=None):
    """The reporter answers or adds to the tip-off (two-way messages)."""
    at = at or timezone.now()
    text = _text(text, _("your message"))
    if tip.is_final:
        raise DomainError(
            _("This tip-off is concluded: submit a new one if there is more to report."), code="final"
        )
    with transaction.atomic():
        message = TipMessage.objects.create(
            tip=tip, author_kind=MessageAuthor.REPORTER, body=crypto.seal(content_key, text), created_at=at
        )
        _notify(_readers(tip), NoticeKind.NEW_MESSAGE, tip)
        _anonymous_audit(action="integrity.reporter.reply", obj=tip, details={"message": message.pk})
    return message


def reporter_add_evidence(*, tip, content_key, uploads, at=None):
    at = at or timezone.now()
    if tip.is_final:
        raise DomainError(
            _("This tip-off is concluded: submit a new one if there is more to report."), code="final"
        )
    checked = _checked_files(list(uploads))
    if not checked:
        raise DomainError(_("Choose at least one file."), code="no_file")
    stored = []
    try:
        with transaction.atomic():
            stored = _attach(tip, content_key, checked, by_reporter=True, at=at)
            _notify(_readers(tip), NoticeKind.NEW_EVIDENCE, tip)
            _anonymous_audit(action="integrity.reporter.evidence", obj=tip, details={"files": len(checked)})
    except Exception:
        _remove_files(stored)
        raise
    return len(checked)


# --- reading ------------------------------------------------------------------------------------------


def _grants_complete(tip, content_key, identity_key=None):
    """Seal the tip's keys to inspectors who became eligible after it arrived (a key set up later, a
    new jurisdiction). Only public keys are needed; recused inspectors are never added."""
    have = set(tip.grants.values_list("inspector_id", flat=True))
    missing = [
        k for k in access.eligible_keys(unit=tip.unit, accused_hash=tip.accused_hash) if k.pk not in have
    ]
    for key in missing:
        try:
            with transaction.atomic():
                TipGrant.objects.create(
                    tip=tip,
                    inspector=key,
                    sealed_key=crypto.seal_to(key.public_key, content_key),
                    sealed_identity_key=(
                        crypto.seal_to(key.public_key, identity_key) if identity_key is not None else None
                    ),
                )
        except IntegrityError:  # another request granted it meanwhile
            continue
    # Keys granted before the identity key could be shared get it from the first reader who holds it.
    if identity_key is not None and tip.identity is not None:
        for grant in tip.grants.filter(sealed_identity_key__isnull=True).select_related("inspector"):
            grant.sealed_identity_key = crypto.seal_to(grant.inspector.public_key, identity_key)
            grant.save(update_fields=["sealed_identity_key"])


def _check_reader(tip, user):
    if not access.may_read(user, tip):
        raise NotFound(_("No tip-off with this reference is open to you."))


def _grant(tip, user):
    grant = TipGrant.objects.filter(tip=tip, inspector__user=user).select_related("inspector").first()
    if grant is None:
        raise DomainError(
            _("This tip-off is not sealed to your key yet: it will be once a colleague opens it."),
            code="no_grant",
        )
    return grant


def tip_keys(*, tip, user, private_key):
    """The tip's content key (and identity key, if sealed to the user) opened with the inspector's key."""
    _check_reader(tip, user)
    grant = _grant(tip, user)
    try:
        content_key = crypto.unseal(private_key, grant.sealed_key)
        identity_key = (
            crypto.unseal(private_key, grant.sealed_identity_key)
            if grant.sealed_identity_key is not None
            else None
        )
    except crypto.DecryptionFailed as exc:
        raise DomainError(
            _("Your unlocked key does not open this tip-off: lock and unlock your key again."), code="key"
        ) from exc
    return content_key, identity_key


@dataclass
class TipView:
    tip: Tip
    content: dict
    messages: list
    attachments: list
    identity_given: bool
    reveal_reasons: dict = None


def _messages(tip, content_key):
    return [
        {
            "author_kind": m.author_kind,
            "author_label": m.get_author_kind_display(),
            "text": crypto.open_box(content_key, m.body).decode(),
            "created_at": m.created_at,
            "is_final_answer": m.is_final_answer,
        }
        for m in tip.messages.all()
    ]


def _attachments(tip, content_key):
    return [
        {"pk": a.pk, "kind": a.kind, "created_at": a.created_at, **crypto.open_json(content_key, a.meta)}
        for a in tip.attachments.all()
    ]


def tip_open(*, tip, user, private_key):
    """Decrypt a tip-off for an inspector; every opening is audited (查阅登记)."""
    content_key, identity_key = tip_keys(tip=tip, user=user, private_key=private_key)
    with transaction.atomic():
        _grants_complete(tip, content_key, identity_key)
        InspectorNotice.objects.filter(user=user, tip=tip, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        audit_record(action="integrity.tip.open", obj=tip, actor=user)
    return TipView(
        tip=tip,
        content=crypto.open_json(content_key, tip.content),
        messages=_messages(tip, content_key),
        attachments=_attachments(tip, content_key),
        identity_given=tip.identity is not None,
        reveal_reasons={r.pk: crypto.open_box(content_key, r.reason).decode() for r in tip.reveals.all()},
    )


def reporter_view(*, tip, content_key):
    """What the reporter sees: their report, the status, the messages (and the final answer)."""
    return TipView(
        tip=tip,
        content=crypto.open_json(content_key, tip.content),
        messages=_messages(tip, content_key),
        attachments=_attachments(tip, content_key),
        identity_given=tip.identity is not None,
    )


def attachment_read(*, tip, user, private_key, attachment_id, original=False):
    """(name, kind, bytes) of an evidence file: the clean copy, or the sealed original as evidence."""
    content_key, _identity = tip_keys(tip=tip, user=user, private_key=private_key)
    attachment = tip.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No such file in this tip-off."))
    with default_storage.open(attachment.original_file if original else attachment.clean_file, "rb") as f:
        data = crypto.open_box(content_key, f.read())
    audit_record(
        action="integrity.attachment.read",
        obj=tip,
        actor=user,
        details={"attachment": attachment.pk, "original": bool(original)},
    )
    return crypto.open_json(content_key, attachment.meta)["name"], attachment.kind, data


# --- handling -----------------------------------------------------------------------------------------


def _lock_tip(tip):
    return Tip.objects.select_for_update().get(pk=tip.pk)


def _stop_first_answer_clock(tip, user, at):
    clock = tip.first_answer_clock
    if clock is not None and clock.is_open:
        clock_stop(clock=clock, at=max(at, clock.start), by=user)


def tip_message_send(*, tip, user, private_key, text, at=None):
    """An inspector writes to the reporter; the first message stops the first-answer clock (初核答复)."""
    at = at or timezone.now()
    text = _text(text, _("the message"))
    content_key, _identity = tip_keys(tip=tip, user=user, private_key=private_key)
    with transaction.atomic():
        tip = _lock_tip(tip)
        if tip.is_final:
            raise DomainError(_("This tip-off is concluded: its final answer was sent."), code="final")
        message = TipMessage.objects.create(
            tip=tip,
            author_kind=MessageAuthor.INSPECTOR,
            author=user,
            body=crypto.seal(content_key, text),
            created_at=at,
        )
        _stop_first_answer_clock(tip, user, at)
        audit_record(action="integrity.message.send", obj=tip, actor=user, details={"message": message.pk})
    return message


def tip_status_set(*, tip, user, status, at=None):
    """Move a tip-off along its statuses; the final ones go through tip_conclude."""
    at = at or timezone.now()
    _check_reader(tip, user)
    if status in FINAL_STATUSES:
        raise DomainError(_("Conclude the tip-off with its outcome and final answer."), code="conclude")
    with transaction.atomic():
        tip = _lock_tip(tip)
        if status not in TIP_TRANSITIONS[TipStatus(tip.status)]:
            raise DomainError(
                _("A tip-off that is %(now)s cannot become %(next)s.")
                % {"now": TipStatus(tip.status).label, "next": TipStatus(status).label},
                code="transition",
            )
        before = tip.status
        tip.status = status
        tip.save(update_fields=["status"])
        audit_record(action="integrity.tip.status", obj=tip, actor=user, changes={"status": [before, status]})
    return tip


def tip_conclude(
    *, tip, user, private_key, substantiated, sanction, official, final_answer, record_note="", at=None
):
    """Conclude a tip-off (结案 / 了结): the outcome and sanction, the final answer to the reporter and,
    for a substantiated case with a sanction, an accountability record of the unit and official in cases."""
    at = at or timezone.now()
    final_answer = _text(final_answer, _("the final answer"))
    content_key, _identity = tip_keys(tip=tip, user=user, private_key=private_key)
    if sanction not in Sanction.values:
        raise DomainError(_("Choose a sanction, or no sanction."), code="sanction")
    if not substantiated and sanction != Sanction.NONE:
        raise DomainError(_("A tip-off that is not substantiated ends without a sanction."), code="sanction")
    if substantiated and not (record_note or "").strip():
        raise DomainError(_("Write the decision for the accountability record."), code="record_note")
    with transaction.atomic():
        tip = _lock_tip(tip)
        if tip.is_final:
            raise DomainError(_("This tip-off is already concluded."), code="final")
        if substantiated and tip.status != TipStatus.CASE_OPENED:
            raise DomainError(
                _("Open a case before concluding that the tip-off is substantiated."), code="transition"
            )
        new_status = TipStatus.CONCLUDED if substantiated else TipStatus.NOT_SUBSTANTIATED
        record_id = None
        if substantiated and sanction != Sanction.NONE:
            record = accountability_record_open(
                unit=tip.unit,
                official=official,
                kind=AccountabilityKind.DISCIPLINE,
                description=_("Discipline case %(ref)s concluded: %(sanction)s.")
                % {"ref": tip.reference, "sanction": Sanction(sanction).label},
                decision=AccountabilityDecision.REFERRED,
                decision_note=record_note,
                by=user,
                at=at,
            )
            record_id = record.pk
        DisciplineRecord.objects.create(
            tip=tip,
            substantiated=substantiated,
            sanction=sanction,
            official=official,
            accountability_record_id=record_id,
            decided_by=user,
            decided_at=at,
        )
        TipMessage.objects.create(
            tip=tip,
            author_kind=MessageAuthor.INSPECTOR,
            author=user,
            body=crypto.seal(content_key, final_answer),
            is_final_answer=True,
            created_at=at,
        )
        _stop_first_answer_clock(tip, user, at)
        before = tip.status
        tip.status, tip.concluded_at, tip.final_answer_at = new_status, at, at
        tip.purge_after = at + timedelta(days=conf.retention_days())
        tip.save(update_fields=["status", "concluded_at", "final_answer_at", "purge_after"])
        audit_record(
            action="integrity.tip.conclude",
            obj=tip,
            actor=user,
            changes={"status": [before, new_status]},
            details={"sanction": sanction, "accountability_record": record_id},
        )
    return tip


# --- the reporter's identity: two inspectors ----------------------------------------------------------


def identity_reveal_request(*, tip, user, private_key, reason, at=None):
    """Ask to read the reporter's identity; a second inspector must approve (身份揭示须两人批准)."""
    at = at or timezone.now()
    _check_reader(tip, user)
    reason = _text(reason, _("the reason"))[:1000]
    content_key, _identity = tip_keys(tip=tip, user=user, private_key=private_key)
    if tip.identity is None:
        raise DomainError(
            _("The reporter stayed anonymous: there is no identity to reveal."), code="anonymous"
        )
    with transaction.atomic():
        if IdentityReveal.objects.filter(tip=tip, requested_by=user, status=RevealStatus.REQUESTED).exists():
            raise DomainError(
                _("Your request is already waiting for a colleague's approval."), code="pending"
            )
        reveal = IdentityReveal.objects.create(
            tip=tip, requested_by=user, reason=crypto.seal(content_key, reason), requested_at=at
        )
        _notify([u for u in _readers(tip) if u.pk != user.pk], NoticeKind.REVEAL_REQUESTED, tip)
        audit_record(
            action="integrity.identity.request",
            obj=tip,
            actor=user,
            details={"reveal": reveal.pk},
        )
    return reveal


def identity_reveal_decide(*, reveal, user, approve, at=None):
    """A second inspector who may read the tip approves or refuses the request."""
    at = at or timezone.now()
    _check_reader(reveal.tip, user)
    with transaction.atomic():
        reveal = IdentityReveal.objects.select_for_update().select_related("tip").get(pk=reveal.pk)
        if reveal.requested_by_id == user.pk:
            raise PermissionDenied(_("A second inspector must approve: you cannot decide your own request."))
        if reveal.status != RevealStatus.REQUESTED:
            raise DomainError(_("This request was already decided."), code="decided")
        reveal.status = RevealStatus.APPROVED if approve else RevealStatus.REFUSED
        reveal.decided_by, reveal.decided_at = user, at
        reveal.valid_until = at + timedelta(days=conf.reveal_days()) if approve else None
        reveal.save(update_fields=["status", "decided_by", "decided_at", "valid_until"])
        audit_record(
            action="integrity.identity.approve" if approve else "integrity.identity.refuse",
            obj=reveal.tip,
            actor=user,
            details={"reveal": reveal.pk, "requested_by": reveal.requested_by_id},
        )
    return reveal


def identity_read(*, tip, user, private_key, at=None):
    """The reporter's identity, for the inspector whose request a colleague approved. The server lifts
    the outer layer only then; the inner layer needs the inspector's own key."""
    at = at or timezone.now()
    _check_reader(tip, user)
    approved = IdentityReveal.objects.filter(
        tip=tip, requested_by=user, status=RevealStatus.APPROVED, valid_until__gte=at
    ).first()
    if approved is None:
        raise PermissionDenied(
            _("Reading the reporter's identity needs a colleague's approval of your request.")
        )
    _content_key, identity_key = tip_keys(tip=tip, user=user, private_key=private_key)
    if identity_key is None or tip.identity is None:
        raise DomainError(
            _("The identity is not sealed to your key: ask a colleague who holds it."), code="no_grant"
        )
    inner = crypto.open_box(crypto.server_key("identity"), tip.identity)
    identity = crypto.open_json(identity_key, inner)
    audit_record(action="integrity.identity.read", obj=tip, actor=user, details={"reveal": approved.pk})
    return identity
