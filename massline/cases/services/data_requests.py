"""A citizen's request to see or delete the personal data held on them (个人信息查阅、删除请求, GDPR arts.
15 and 17, PIPL arts. 45 and 47), answered by an official within MASSLINE_DATA_REQUEST_DAYS working days.

The citizen shows who they are in one of two ways: a one-time code sent by SMS to their phone (the
request then covers every citizen record with that phone), or a demand's tracking code (the request
covers that demand's citizen record; the copy is never shown to whoever holds the code, it goes by
message to the contact on file). An official (administrator or the centre's dispatcher, who already see
callers' records at the desk) fulfils or refuses with a reason from a fixed list: "see" gives a copy of
every personal datum held, behind a private link valid MASSLINE_DATA_EXPORT_DAYS days; "delete" erases
the contact data through `citizen_erase` (demands and figures stay, masked), which a legal hold (a demand
still being handled) prevents. The citizen is told the outcome by message; the reference page shows it.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.deadlines.calendar import due_at as calendar_due_at
from massline.deadlines.calendar import working_days_between
from massline.deadlines.choices import TimeUnit
from massline.lib.errors import DomainError, PermissionDenied
from massline.lib.masking import mask_phone
from massline.lib.phones import phone_e164
from massline.org.choices import Role
from massline.org.models import Citizen
from massline.org.selectors import user_scope
from massline.org.services import citizen_erase
from massline.outbox.choices import Channel as OutboxChannel
from massline.outbox.models import Message
from massline.outbox.services import message_queue

from .. import seams
from ..choices import CaseStatus, DataRequestKind, DataRequestRefusal, DataRequestStatus, DataRequestVia
from ..models import Case, DataRequest, PhoneChallenge

# Who answers data requests: the administrator, and the centre's dispatchers, who handle callers' records.
DATA_REQUEST_ROLES = (Role.ADMINISTRATOR, Role.DISPATCHER)
# A code may be tried this many times; a phone gets at most this many codes an hour.
CODE_ATTEMPTS = 5
CODES_PER_HOUR = 3
CODE_DIGITS = 6


class DataRequestRefused(DomainError):
    code = "data_request_refused"


def _site():
    return settings.MASSLINE_SITE_NAME or _("Massline")


def _absolute(path):
    return settings.MASSLINE_PUBLIC_URL.rstrip("/") + path


def _when(instant):
    return formats.date_format(timezone.localtime(instant), "DATETIME_FORMAT") if instant else ""


def _code_hash(phone, code):
    return salted_hmac("massline.cases.phone_code", f"{phone}:{code}").hexdigest()


def _phone(raw):
    phone = phone_e164(raw)
    if not phone:
        raise DataRequestRefused(
            _("This is not a phone number: give the mobile number you gave us, e.g. 138 1234 5678.")
        )
    return phone


def may_answer(user):
    return user_scope(user).has_role(*DATA_REQUEST_ROLES)


# One-time codes ---------------------------------------------------------------------------------------


@transaction.atomic
def phone_code_send(*, phone, language="", now=None):
    """Send a one-time code by SMS to `phone` (through the outbox); returns the challenge (code hashed)."""
    now = now or timezone.now()
    phone = _phone(phone)
    recent = PhoneChallenge.objects.filter(phone=phone, created_at__gte=now - timedelta(hours=1)).count()
    if recent >= CODES_PER_HOUR:
        raise DataRequestRefused(
            _("Too many codes were sent to this number in the last hour: wait an hour, then ask again."),
        )
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    minutes = settings.MASSLINE_PHONE_CODE_MINUTES
    challenge = PhoneChallenge.objects.create(
        phone=phone,
        code_hash=_code_hash(phone, code),
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    with translation.override(language or settings.LANGUAGE_CODE):
        text = _(
            "%(site)s: your code is %(code)s. It is valid %(minutes)s minutes. Never give it to anyone."
        ) % {
            "site": _site(),
            "code": code,
            "minutes": minutes,
        }
    message_queue(
        channel=OutboxChannel.SMS, to=phone, text=text, key=f"phone-code:{challenge.pk}", about="code"
    )
    audit_record(action="cases.phone_code.send", obj=challenge, details={"phone": mask_phone(phone)})
    return challenge


def _code_attempt(phone, code, now):
    """Count one try of `code` for `phone` (committed even when wrong); the matching challenge or an error."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    with transaction.atomic():
        challenge = (
            PhoneChallenge.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if challenge is None:
            raise DataRequestRefused(_("No valid code was sent to this number: ask for a new code."))
        if challenge.attempts >= CODE_ATTEMPTS:
            raise DataRequestRefused(_("This code was tried too many times: ask for a new code."))
        challenge.attempts += 1
        challenge.save(update_fields=["attempts"])
        right = hmac.compare_digest(challenge.code_hash, _code_hash(phone, code))
    if not right:
        left = CODE_ATTEMPTS - challenge.attempts
        raise DataRequestRefused(
            _("The code is wrong: check the SMS and type the %(n)s digits again (%(left)s tries left).")
            % {"n": CODE_DIGITS, "left": left}
        )
    return challenge


# Submitting -----------------------------------------------------------------------------------------


def _contact(citizens):
    """(channel, address) to tell the citizen on: the first phone, else the first e-mail, else None."""
    for citizen in citizens:
        if citizen.phone:
            return OutboxChannel.SMS, citizen.phone
    for citizen in citizens:
        if citizen.email:
            return OutboxChannel.EMAIL, citizen.email
    return None


def _subjects(request):
    """Every citizen record the request is about."""
    if request.via == DataRequestVia.PHONE and request.subject_key:
        citizens = Citizen.objects.filter(Q(phone=request.subject_key) | Q(pk=request.citizen_id))
    else:
        citizens = Citizen.objects.filter(pk=request.citizen_id)
    return list(citizens.order_by("pk"))


def reference_url(request):
    return _absolute(reverse("cases_privacy:request", kwargs={"reference": request.reference}))


def _tell(request, contact, kind):
    """Queue the message telling the citizen about `kind` (received, fulfilled, refused) of `request`."""
    if contact is None:
        return
    channel, to = contact
    with translation.override(request.language or settings.LANGUAGE_CODE):
        values = {
            "site": _site(),
            "ref": request.reference,
            "url": reference_url(request),
            "due": _when(request.due_at),
            "reason": request.get_refusal_display(),
        }
        if kind == "received":
            subject = _("Your data request %(ref)s was received") % values
            text = (
                _(
                    "%(site)s received your data request %(ref)s; it will be answered by %(due)s. "
                    "Follow it at %(url)s"
                )
                % values
            )
        elif kind == "refused":
            subject = _("Your data request %(ref)s was refused") % values
            text = _("Your data request %(ref)s was refused: %(reason)s. See %(url)s") % values
        else:
            subject = _("Your data request %(ref)s: your contact data was deleted") % values
            text = _("Your contact data was deleted as you asked (request %(ref)s). See %(url)s") % values
    message_queue(
        channel=channel,
        to=to,
        subject=subject,
        text=text,
        key=f"data-request:{request.reference}:{kind}",
        about=request.reference,
    )


def data_request_submit(*, kind, phone="", code="", case=None, language="", now=None):
    """Record a citizen's request to see or delete their data; returns it (its reference acknowledges it).

    Either `phone` and the one-time `code` sent to it, or `case` (the demand whose tracking code the
    citizen holds). One open request per person at a time.
    """
    now = now or timezone.now()
    if kind not in DataRequestKind.values:
        raise DataRequestRefused(
            _("Choose what you ask for: a copy of your data, or deleting your contact data.")
        )
    if case is None:
        phone = _phone(phone)
        challenge = _code_attempt(phone, code, now)
    else:
        challenge = None
    with transaction.atomic():
        if challenge is not None:
            challenge = PhoneChallenge.objects.select_for_update().get(pk=challenge.pk)
            if challenge.used_at is not None:
                raise DataRequestRefused(_("This code was already used: ask for a new code."))
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
            citizen = Citizen.objects.filter(phone=phone).order_by("pk").first()
            via, subject_key, masked = DataRequestVia.PHONE, phone, mask_phone(phone)
        else:
            citizen = case.citizen
            if citizen is None:
                raise DataRequestRefused(
                    _("This demand was made without contact data: there is nothing held on you.")
                )
            via, subject_key = DataRequestVia.TRACKING, citizen.phone or f"citizen:{citizen.pk}"
            masked = mask_phone(citizen.phone) if citizen.phone else ""
        if DataRequest.objects.filter(subject_key=subject_key, status=DataRequestStatus.OPEN).exists():
            raise DataRequestRefused(
                _("You already have a data request being handled: wait for its answer before asking again.")
            )
        request = DataRequest(
            kind=kind,
            via=via,
            citizen=citizen,
            case=case,
            subject_key=subject_key,
            phone_masked=masked,
            challenge=challenge,
            language=(language or (case.language if case else "") or settings.LANGUAGE_CODE)[:10],
            submitted_at=now,
            due_at=calendar_due_at(now, settings.MASSLINE_DATA_REQUEST_DAYS, TimeUnit.WORKING_DAYS),
        )
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError as exc:  # a concurrent twin won the one-open-request constraint
            raise DataRequestRefused(
                _("You already have a data request being handled: wait for its answer before asking again.")
            ) from exc
        audit_record(
            action="cases.data_request.submit",
            obj=request,
            details={
                "kind": kind,
                "via": via,
                "citizen": citizen.pk if citizen else None,
                "due_at": request.due_at,
            },
        )
        contact = (OutboxChannel.SMS, phone) if via == DataRequestVia.PHONE else _contact([citizen])
        _tell(request, contact, "received")
    return request


# The copy -------------------------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def personal_data(citizens, *, now=None):
    """Every personal datum held on `citizens` (a copy for the citizen): records, demands, messages."""
    now = now or timezone.now()
    ids = [c.pk for c in citizens]
    addresses = sorted({c.phone for c in citizens if c.phone} | {c.email for c in citizens if c.email})
    cases = Case.objects.filter(citizen__in=ids).select_related("category", "region").order_by("received_at")
    messages = Message.objects.filter(to__in=addresses).order_by("created_at") if addresses else []
    data = {
        "generated_at": _iso(now),
        "citizen_records": [
            {
                "id": c.pk,
                "name": c.name,
                "phone": c.phone,
                "email": c.email,
                "address": c.address,
                "account": c.user.get_username() if c.user_id else None,
                "verified_residence": str(c.residence.label) if c.residence_id else None,
                "residence_verified_at": _iso(c.residence_verified_at),
                "created_at": _iso(c.created_at),
            }
            for c in citizens
        ],
        "demands": [
            {
                "tracking_code": case.tracking_code,
                "received_at": _iso(case.received_at),
                "type": case.get_type_display(),
                "category": str(case.category.label) if case.category_id else None,
                "title": case.title,
                "description": case.description,
                "address": case.address,
                "region": str(case.region.label) if case.region_id else None,
                "status": case.get_status_display(),
                "reply": case.reply,
                "satisfaction": case.get_satisfaction_display() if case.satisfaction else None,
                "rating_comment": case.rating_comment,
                "rated_at": _iso(case.rated_at),
            }
            for case in cases
        ],
        "messages_sent": [
            {
                "sent_to": m.to,
                "channel": m.get_channel_display(),
                "subject": m.subject,
                "text": m.text,
                "queued_at": _iso(m.created_at),
                "status": m.get_status_display(),
            }
            for m in messages
        ],
        "data_requests": [
            {
                "reference": r.reference,
                "kind": r.get_kind_display(),
                "status": r.get_status_display(),
                "submitted_at": _iso(r.submitted_at),
            }
            for r in DataRequest.objects.filter(citizen__in=ids).order_by("submitted_at")
        ],
    }
    for section in seams.personal_data_sections(citizens):
        data[section[0]] = section[1]
    return {key: str(value) if hasattr(value, "__html__") else value for key, value in data.items()}


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def export_url(token):
    return _absolute(reverse("cases_privacy:export", kwargs={"token": token}))


def request_for_token(token, *, now=None):
    """The fulfilled "see" request whose private link carries `token`, while the link is valid; or None."""
    now = now or timezone.now()
    if not token or len(token) > 64:
        return None
    return DataRequest.objects.filter(
        export_token_hash=_token_hash(token), status=DataRequestStatus.FULFILLED, export_expires_at__gt=now
    ).first()


# Deciding -------------------------------------------------------------------------------------------


def legal_hold(citizens):
    """True when a demand of `citizens` is still being handled: their contact data is still needed."""
    return (
        Case.objects.filter(citizen__in=[c.pk for c in citizens]).exclude(status=CaseStatus.CLOSED).exists()
    )


@transaction.atomic
def data_request_decide(*, request, fulfil, refusal="", by, now=None):
    """Fulfil (`fulfil=True`) or refuse (with `refusal`, one of DataRequestRefusal) an open data request.

    Returns (request, token): `token` is the copy's private link token for a fulfilled "see", else None;
    it is given to the citizen by message only and stored hashed.
    """
    now = now or timezone.now()
    if not may_answer(by):
        raise PermissionDenied(
            _("Data requests are answered by the administrator or the centre's dispatchers.")
        )
    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != DataRequestStatus.OPEN:
        raise DataRequestRefused(
            _("This request was already answered (%(status)s).") % {"status": request.get_status_display()}
        )
    citizens = _subjects(request)
    contact = (
        (OutboxChannel.SMS, request.subject_key)
        if request.via == DataRequestVia.PHONE
        else _contact(citizens)
    )
    token, erased = None, []
    if fulfil:
        if request.kind == DataRequestKind.DELETE:
            if legal_hold(citizens):
                raise DataRequestRefused(
                    _(
                        "A demand of this citizen is still being handled: its contact data is needed until "
                        "it closes. Refuse with the legal hold, or wait."
                    )
                )
            for citizen in citizens:
                citizen_erase(citizen=citizen, reason="citizen_request", by=by)
                erased.append(citizen.pk)
        else:
            token = secrets.token_urlsafe(24)
            # The labels in the copy (statuses, kinds, categories) are in the citizen's language.
            with translation.override(request.language or settings.LANGUAGE_CODE):
                request.export = personal_data(citizens, now=now)
            request.export_token_hash = _token_hash(token)
            request.export_expires_at = now + timedelta(days=settings.MASSLINE_DATA_EXPORT_DAYS)
        request.status = DataRequestStatus.FULFILLED
    else:
        if refusal not in DataRequestRefusal.values:
            raise DataRequestRefused(_("Choose the reason for refusing from the list."))
        request.status = DataRequestStatus.REFUSED
        request.refusal = refusal
    request.decided_at, request.decided_by = now, by
    request.subject_key = ""
    request.save()
    audit_record(
        action=f"cases.data_request.{'fulfil' if fulfil else 'refuse'}",
        obj=request,
        actor=by,
        changes={"status": [DataRequestStatus.OPEN, request.status]},
        details={
            "kind": request.kind,
            "refusal": request.refusal,
            "citizens": [c.pk for c in citizens],
            "erased": erased,
        },
    )
    if token:
        _tell_with_link(request, contact, export_url(token))
    else:
        _tell(request, contact, "refused" if not fulfil else "fulfilled")
    return request, token


def _tell_with_link(request, contact, link):
    if contact is None:
        return
    channel, to = contact
    with translation.override(request.language or settings.LANGUAGE_CODE):
        values = {"ref": request.reference, "days": settings.MASSLINE_DATA_EXPORT_DAYS, "link": link}
        subject = _("Your data request %(ref)s: your copy is ready") % values
        text = (
            _(
                "The copy of your personal data (request %(ref)s) is ready for %(days)s days at this "
                "private link: %(link)s"
            )
            % values
        )
    message_queue(
        channel=channel,
        to=to,
        subject=subject,
        text=text,
        key=f"data-request:{request.reference}:fulfilled",
        about=request.reference,
    )


def export_read(*, request, by=None):
    """Log that the citizen's copy was opened (each opening of personal data leaves a trace)."""
    audit_record(
        action="cases.data_request.export_read", obj=request, actor=by, details={"kind": request.kind}
    )


# The staff queue ------------------------------------------------------------------------------------


def urgency(request, *, now=None):
    """ "overdue", "soon" (within MASSLINE_DATA_REQUEST_WARN_DAYS working days) or "" for an open request."""
    now = now or timezone.now()
    if request.status != DataRequestStatus.OPEN:
        return ""
    if now >= request.due_at:
        return "overdue"
    return (
        "soon"
        if working_days_between(now, request.due_at) <= settings.MASSLINE_DATA_REQUEST_WARN_DAYS
        else ""
    )
