"""Writes of the disclosure app: receiving a request, its clock (clarification, third-party consultation,
extension), the typed answer, forwarding, the register and the applicant's remedy, and the worker's round.

Every time limit is a `massline.deadlines` clock: the answering clock (20 working days), stopped and
started afresh when a corrected request arrives (补正后重新计算), paused while a third party is consulted
(征求第三方意见的时间不计算在内), extended once with the unit head's approval (延长答复期限).
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.cases.choices import AccountabilityDecision, AccountabilityKind, CaseType, Channel
from massline.cases.services.accountability import accountability_record_open
from massline.cases.services.intake import case_submit
from massline.deadlines import calendar as cal
from massline.deadlines.choices import ClockState, PauseReason, TimeUnit
from massline.deadlines.selectors import clock_share_used
from massline.deadlines.services import clock_extend, clock_pause, clock_resume, clock_start, clock_stop
from massline.lib.errors import DomainError, PermissionDenied
from massline.lib.uploads import check_upload
from massline.org.choices import Role, UnitKind
from massline.org.models import Citizen, Membership
from massline.org.selectors import user_scope
from massline.org.services import citizen_create

from . import conf, stats
from .choices import (
    GROUND_ANSWERS,
    AnswerType,
    ApplicantKind,
    DeliveryForm,
    EscalationLevel,
    LegalGround,
    Remedy,
    RequestStatus,
)
from .messages import message_queue
from .models import AnswerDocument, DisclosureRequest, Escalation, ReportReminder

DESCRIPTION_MAX = 5000
FUTURE_TOLERANCE = timedelta(minutes=5)
HANDLER_ROLES = (Role.HANDLER, Role.UNIT_HEAD)


class RequestRefused(DomainError):
    """Input refused, naming the form field it concerns."""

    code = "disclosure_refused"

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


# --- rules shared by the services -------------------------------------------------------------------


def _unit_paths(user, roles):
    return Membership.objects.filter(user=user, role__in=roles, unit__is_active=True).values_list(
        "unit__path", flat=True
    )


def can_handle(user, unit):
    """A handler or the head of the receiving unit (or of a unit above it), or an administrator."""
    scope = user_scope(user)
    if scope.everything:
        return True
    return scope.has_role(*HANDLER_ROLES) and any(
        unit.path.startswith(p) for p in _unit_paths(user, HANDLER_ROLES)
    )


def can_approve_extension(user, unit):
    """Only the head of the receiving unit (or of a unit above it) approves an extension (第三十三条)."""
    scope = user_scope(user)
    if scope.everything:
        return True
    return any(unit.path.startswith(p) for p in _unit_paths(user, (Role.UNIT_HEAD,)))


def _require_handler(user, request):
    if not can_handle(user, request.unit):
        raise PermissionDenied(
            _("Only a handler or the head of the receiving agency may act on this request.")
        )


def _when(at):
    """The time of a step: now, or an earlier time recorded by the office (a letter that came by post)."""
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + FUTURE_TOLERANCE:
        raise RequestRefused(
            _("The time of this step lies in the future: give the time it happened."), field="at"
        )
    return at


def _lock(request):
    return (
        DisclosureRequest.objects.select_for_update(of=("self",))
        .select_related("unit", "clock")
        .get(pk=request.pk)
    )


def _refuse_status(request, allowed, message):
    if request.status not in allowed:
        raise DomainError(message % {"status": request.get_status_display()}, code="disclosure_state")


def _copy_back(locked, request):
    for field in DisclosureRequest._meta.concrete_fields:
        setattr(request, field.attname, getattr(locked, field.attname))
    for name in ("clock", "clarification_clock", "consultation_clock", "other_agency"):
        setattr(request, name, getattr(locked, name))


def _fmt(instant):
    return f"{timezone.localtime(instant):%Y-%m-%d %H:%M}"


def _tell_applicant(request, subject, text, key):
    applicant = request.applicant
    message_queue(
        channel="email" if applicant.email else "sms",
        to=applicant.email or applicant.phone,
        subject=subject,
        text=f"{text}\n{_('Tracking code')}: {request.tracking_code}",
        key=f"disclosure:{request.tracking_code}:{key}",
        about=request.tracking_code,
    )


def _text(value, *, field, label, required=True, limit=DESCRIPTION_MAX):
    value = (value or "").strip()
    if required and not value:
        raise RequestRefused(_("Fill in %(label)s.") % {"label": label}, field=field)
    if len(value) > limit:
        raise RequestRefused(
            _("%(label)s is too long: keep it under %(limit)s characters.")
            % {"label": label, "limit": limit},
            field=field,
        )
    return value


def fee_for(pages):
    """The processing fee of an answer of `pages` pages, by volume (按量计收), in yuan."""
    total, lower = Decimal(0), 0
    for bound, per_page in conf.fee_bands():
        upper = pages if bound is None else min(pages, bound)
        if upper > lower:
            total += Decimal(upper - lower) * Decimal(per_page)
        if bound is None or pages <= bound:
            break
        lower = bound
    return total


# --- receiving ----------------------------------------------------------------------------------------


def request_submit(
    *,
    unit,
    description,
    applicant_name,
    id_document,
    phone="",
    email="",
    address="",
    applicant_kind=ApplicantKind.PERSON,
    delivery=DeliveryForm.ELECTRONIC,
    by=None,
    received_at=None,
):
    """Receive a request (收到申请): store it, start the 20-working-day clock, acknowledge it.

    Refuses (naming the field) a request without an agency, a description, the applicant's name and
    identity document, or any way to reach them; nothing is saved then.
    """
    if unit is None or not unit.is_active:
        raise RequestRefused(_("Choose the agency that should answer the request."), field="unit")
    description = _text(description, field="description", label=_("the information you are asking for"))
    applicant_name = _text(applicant_name, field="applicant_name", label=_("your name"), limit=100)
    id_document = _text(id_document, field="id_document", label=_("your identity document number"), limit=40)
    phone = _text(phone, field="phone", label=_("phone"), required=False, limit=30)
    email = _text(email, field="email", label=_("e-mail"), required=False, limit=200)
    address = _text(address, field="address", label=_("postal address"), required=False, limit=300)
    if not (phone or email or address):
        raise RequestRefused(
            _("Give a phone number, an e-mail or a postal address so that we can answer you."), field="phone"
        )
    if applicant_kind not in ApplicantKind.values:
        raise RequestRefused(
            _("Choose whether you apply as a citizen or an organisation."), field="applicant_kind"
        )
    if delivery not in DeliveryForm.values:
        raise RequestRefused(_("Choose how you want to receive the information."), field="delivery")
    received = _when(received_at)
    with transaction.atomic():
        own = None
        if by is not None and by.is_authenticated and not user_scope(by).is_official:
            own = Citizen.objects.filter(user=by).first()
        applicant = own or citizen_create(
            name=applicant_name, phone=phone, email=email, address=address, by=by
        )
        clock = clock_start(
            start=received, amount=conf.answer_working_days(), unit=TimeUnit.WORKING_DAYS, by=by
        )
        request = DisclosureRequest.objects.create(
            unit=unit,
            applicant=applicant,
            applicant_kind=applicant_kind,
            id_document=id_document,
            user=by if own is not None else None,
            description=description,
            delivery=delivery,
            received_at=received,
            clock=clock,
        )
        audit_record(
            action="disclosure.request.submit",
            obj=request,
            actor=by,
            details={"unit": unit.code, "due_at": clock.due_at},
        )
        _tell_applicant(
            request,
            _("Your information disclosure request is received"),
            _("We will answer by %(due)s.") % {"due": _fmt(clock.due_at)},
            "received",
        )
    return request


# --- the clock ----------------------------------------------------------------------------------------


def request_clarify(*, request, note, by, at=None):
    """Ask the applicant once to clarify or complete the request (补正, 第三十条).

    The answering clock stops; the applicant has a clarification clock (7 working days) to send the
    corrected request, after which the request lapses.
    """
    note = _text(note, field="note", label=_("what the applicant must clarify"))
    at = _when(at)
    with transaction.atomic():
        locked = _lock(request)
        _require_handler(by, locked)
        if locked.clarification_asked_at is not None:
            raise DomainError(
                _(
                    "A clarification was already asked on %(at)s: the law "
                    "allows it only once. Answer on what you have."
                )
                % {"at": _fmt(locked.clarification_asked_at)},
                code="disclosure_clarification_once",
            )
        _refuse_status(
            locked,
            {RequestStatus.RECEIVED},
            _(
                "A clarification can only be asked while the request is "
                "received and running (now: %(status)s)."
            ),
        )
        ask_by = cal.due_at(locked.received_at, conf.clarification_ask_working_days(), TimeUnit.WORKING_DAYS)
        if at > ask_by:
            raise DomainError(
                _(
                    "A clarification must be asked within %(days)s working days of "
                    "receipt, by %(by)s: answer on what you have."
                )
                % {"days": conf.clarification_ask_working_days(), "by": _fmt(ask_by)},
                code="disclosure_clarification_late",
            )
        clock_stop(clock=locked.clock, at=at, by=by)
        locked.clarification_clock = clock_start(
            start=at, amount=conf.clarification_working_days(), unit=TimeUnit.WORKING_DAYS, by=by
        )
        locked.clarification_asked_at, locked.clarification_note = at, note
        locked.status = RequestStatus.CLARIFICATION
        locked.save(
            update_fields=["clarification_clock", "clarification_asked_at", "clarification_note", "status"]
        )
        audit_record(
            action="disclosure.request.clarify",
            obj=locked,
            actor=by,
            details={"note": note, "correct_by": locked.clarification_clock.due_at},
        )
        _tell_applicant(
            locked,
            _("Please clarify your information disclosure request"),
            _("%(note)s\nSend the corrected request by %(due)s.")
            % {"note": note, "due": _fmt(locked.clarification_clock.due_at)},
            "clarify",
        )
    _copy_back(locked, request)
    return request


def request_correct(*, request, text, by=None, at=None):
    """The corrected request arrives (收到补正申请): the answering period is counted afresh from it."""
    text = _text(text, field="text", label=_("the corrected request"))
    at = _when(at)
    with transaction.atomic():
        locked = _lock(request)
        _refuse_status(
            locked,
            {RequestStatus.CLARIFICATION},
            _("No clarification is awaited on this request (now: %(status)s)."),
        )
        if at > locked.clarification_clock.due_at:
            raise DomainError(
                _(
                    "The time to send the corrected request ran out on %(due)s: "
                    "the request has lapsed. File a new request."
                )
                % {"due": _fmt(locked.clarification_clock.due_at)},
                code="disclosure_clarification_lapsed",
            )
        clock_stop(clock=locked.clarification_clock, at=at, by=by)
        locked.clock = clock_start(
            start=at, amount=conf.answer_working_days(), unit=TimeUnit.WORKING_DAYS, by=by
        )
        locked.corrected_description, locked.corrected_at = text, at
        locked.status = RequestStatus.RECEIVED
        locked.save(update_fields=["clock", "corrected_description", "corrected_at", "status"])
        audit_record(
            action="disclosure.request.correct", obj=locked, actor=by, details={"due_at": locked.clock.due_at}
        )
        _tell_applicant(
            locked,
            _("Your corrected request is received"),
            _("We will answer by %(due)s.") % {"due": _fmt(locked.clock.due_at)},
            "corrected",
        )
    _copy_back(locked, request)
    return request


def request_lapse(*, request, at=None):
    """No corrected request came within the time given: the request lapses (视为放弃). Run by the worker."""
    at = _when(at)
    with transaction.atomic():
        locked = _lock(request)
        _refuse_status(
            locked,
            {RequestStatus.CLARIFICATION},
            _("Only a request waiting for clarification can lapse (now: %(status)s)."),
        )
        if at <= locked.clarification_clock.due_at:
            raise DomainError(
                _("The applicant may still send the corrected request until %(due)s.")
                % {"due": _fmt(locked.clarification_clock.due_at)},
                code="disclosure_state",
            )
        clock_stop(clock=locked.clarification_clock, at=at, by=None)
        locked.status = RequestStatus.LAPSED
        locked.save(update_fields=["status"])
        audit_record(action="disclosure.request.lapse", obj=locked, actor=None)
    _copy_back(locked, request)
    return request


def request_consult(*, request, third_party, by, at=None):
    """Consult a third party whose interests disclosure may harm (第三十二条): the answering clock pauses,
    and the third party has its own clock (15 working days)."""
    third_party = _text(third_party, field="third_party", label=_("the third party consulted"), limit=200)
    at = _when(at)
    with transaction.atomic():
        locked = _lock(request)
        _require_handler(by, locked)
        _refuse_status(
            locked,
            {RequestStatus.RECEIVED},
            _("A third party can only be consulted while the request is running (now: %(status)s)."),
        )
        if locked.consultation_clock_id is not None:
            raise DomainError(
                _("A third party was already consulted on this request: record its view in the answer."),
                code="disclosure_consulted",
            )
        clock_pause(
            clock=locked.clock, at=at, reason=PauseReason.WAITING_FOR_THIRD_PARTY, by=by, note=third_party
        )
        locked.consultation_clock = clock_start(
            start=at, amount=conf.consultation_working_days(), unit=TimeUnit.WORKING_DAYS, by=by
        )
        locked.third_party, locked.status = third_party, RequestStatus.CONSULTATION
        locked.save(update_fields=["consultation_clock", "third_party", "status"])
        audit_record(
            action="disclosure.request.consult",
            obj=locked,
            actor=by,
            details={"third_party": third_party, "reply_by": locked.consultation_clock.due_at},
        )
    _copy_back(locked, request)
    return request


def request_consult_end(*, request, view, by, at=None):
    """The third party answered (or its time ran out): the answering clock runs on, moved by the pause."""
    view = _text(view, field="view", label=_("the third party's view"))
    at = _when(at)
    with transaction.atomic():
        locked = _lock(request)
        _require_handler(by, locked)
        _refuse_status(
            locked,
            {RequestStatus.CONSULTATION},
            _("No third party is being consulted on this request (now: %(status)s)."),
        )
        clock_resume(clock=locked.clock, at=at, by=by)
        clock_stop(clock=locked.consultation_clock, at=at, by=by)
        locked.third_party_view, locked.status = view, RequestStatus.RECEIVED
        locked.save(update_fields=["third_party_view", "status"])
        audit_record(
            action="disclosure.request.consult_end",
            obj=locked,
            actor=by,
            details={"due_at": locked.clock.due_at},
        )
    _copy_back(locked, request)
    return request


def request_extend(*, request, reason, by, at=None, told_at=None):
    """Extend the answering time once, by at most 20 working days, with the unit head's approval (第三十三条).

    `told_at`: when the applicant was told (now when not given); the approval trail is who, why, when.
    """
    reason = _text(reason, field="reason", label=_("the reason for the extension"), limit=2000)
    at = _when(at)
    told = _when(told_at) if told_at is not None else at
    with transaction.atomic():
        locked = _lock(request)
        if not can_approve_extension(by, locked.unit):
            raise PermissionDenied(_("Only the head of the receiving agency may approve an extension."))
        if locked.is_extended:
            raise DomainError(
                _("The answering time was already extended on %(at)s: the law allows one extension only.")
                % {"at": _fmt(locked.extension_approved_at)},
                code="disclosure_extension_once",
            )
        _refuse_status(
            locked,
            {RequestStatus.RECEIVED, RequestStatus.CONSULTATION},
            _("Only a running request can be extended (now: %(status)s)."),
        )
        if locked.clock.state == ClockState.RUNNING and at > locked.clock.due_at:
            raise DomainError(
                _("The answering time ran out on %(due)s: an extension must be approved before it does.")
                % {"due": _fmt(locked.clock.due_at)},
                code="disclosure_extension_late",
            )
        if told < at:
            raise RequestRefused(
                _("The applicant cannot be told before the extension is approved."), field="told_at"
            )
        clock_extend(clock=locked.clock, amount=conf.extension_working_days(), by=by, reason=reason)
        locked.extension_reason, locked.extension_approved_by = reason, by
        locked.extension_approved_at, locked.extension_told_at = at, told
        locked.save(
            update_fields=[
                "extension_reason",
                "extension_approved_by",
                "extension_approved_at",
                "extension_told_at",
            ]
        )
        audit_record(
            action="disclosure.request.extend",
            obj=locked,
            actor=by,
            details={"reason": reason, "told_at": told, "due_at": locked.clock.due_at},
        )
        _tell_applicant(
            locked,
            _("The time to answer your request is extended"),
            _("%(reason)s\nWe will answer by %(due)s.")
            % {"reason": reason, "due": _fmt(locked.clock.due_at)},
            "extended",
        )
    _copy_back(locked, request)
    return request


# --- the answer ---------------------------------------------------------------------------------------


def _check_answer(*, answer_type, text, where_public, legal_ground, other_agency, earlier_request, request):
    try:
        answer_type = AnswerType(answer_type)
    except ValueError:
        raise RequestRefused(_("Choose the kind of answer from the list."), field="answer_type") from None
    text = _text(text, field="text", label=_("the answer"))
    where_public = (where_public or "").strip()
    if answer_type == AnswerType.ALREADY_PUBLIC and not where_public:
        raise RequestRefused(
            _("Say where the information is already public (a web address or a place)."), field="where_public"
        )
    if answer_type in GROUND_ANSWERS and legal_ground not in LegalGround.values:
        raise RequestRefused(
            _("Choose the legal ground for not disclosing from the list."), field="legal_ground"
        )
    if answer_type not in GROUND_ANSWERS:
        legal_ground = ""
    if answer_type == AnswerType.OTHER_AGENCY:
        if other_agency is None:
            raise RequestRefused(_("Choose the agency that holds the information."), field="other_agency")
        if other_agency.pk == request.unit_id:
            raise RequestRefused(
                _("The other agency must be another one than the receiving agency."), field="other_agency"
            )
    else:
        other_agency = None
    if answer_type == AnswerType.REPEATED:
        if (
            earlier_request is None
            or earlier_request.id_document != request.id_document
            or earlier_request.pk == request.pk
        ):
            raise RequestRefused(
                _("Give the tracking code of the same applicant's earlier request."), field="earlier_request"
            )
    else:
        earlier_request = None
    return answer_type, text, where_public, legal_ground, other_agency, earlier_request


DOCUMENT_KINDS = ("pdf", "ooxml", "opendocument", "ole", "png", "jpeg")


def request_answer(
    *,
    request,
    answer_type,
    text,
    by,
    at=None,
    where_public="",
    legal_ground="",
    other_agency=None,
    earlier_request=None,
    pages=0,
    documents=(),
    demand_type=CaseType.CONSULTATION,
):
    """Answer the request (答复) with one of the regulation's answer types; the clock stops.

    Each type needs its own facts: where it is public, the legal ground, the other agency, the earlier
    request. "Not a disclosure request" creates a demand in the 12345 channel through `cases`.
    Documents are (name, file) pairs. Nothing is saved when anything is refused.
    """
    answer_type, text, where_public, legal_ground, other_agency, earlier_request = _check_answer(
        answer_type=answer_type,
        text=text,
        where_public=where_public,
        legal_ground=legal_ground,
        other_agency=other_agency,
        earlier_request=earlier_request,
        request=request,
    )
    try:
        pages = int(pages or 0)
    except (TypeError, ValueError):
        raise RequestRefused(_("Give the number of pages as a whole number."), field="pages") from None
    # Every document by content, pictures and PDFs without their metadata (massline.lib.uploads).
    documents = [
        (
            name or file.name,
            check_upload(
                file, kinds=DOCUMENT_KINDS, max_bytes=settings.MASSLINE_ATTACHMENT_MAX_BYTES
            ).as_file(file.name.rsplit("/", 1)[-1]),
        )
        for name, file in documents
    ]
    if pages < 0:
        raise RequestRefused(_("Give the number of pages as a whole number."), field="pages")
    at = _when(at)
    with transaction.atomic():
        locked = _lock(request)
        _require_handler(by, locked)
        if locked.status == RequestStatus.CONSULTATION:
            raise DomainError(
                _("A third party is still being consulted: record its view before answering."),
                code="disclosure_state",
            )
        _refuse_status(
            locked, {RequestStatus.RECEIVED}, _("This request cannot be answered now (%(status)s).")
        )
        clock_stop(clock=locked.clock, at=at, by=by)
        if answer_type == AnswerType.NOT_A_REQUEST:
            applicant = locked.applicant
            case = case_submit(
                type=demand_type,
                title=_("Redirected from disclosure request %(code)s") % {"code": locked.tracking_code},
                description=locked.corrected_description or locked.description,
                channel=Channel.WEB,
                citizen_name=applicant.name,
                citizen_phone=applicant.phone,
                citizen_email=applicant.email,
                by=by,
                received_at=at,
                idempotency_key=f"disclosure:{locked.tracking_code}",
            )
            locked.case_tracking_code = case.tracking_code
        for name, file in documents:
            AnswerDocument.objects.create(request=locked, name=(name or file.name)[:200], file=file)
        locked.answer_type, locked.answer_text, locked.where_public = answer_type, text, where_public
        locked.legal_ground, locked.other_agency, locked.earlier_request = (
            legal_ground,
            other_agency,
            earlier_request,
        )
        locked.pages, locked.fee = pages, fee_for(pages)
        locked.answered_at, locked.answered_by = at, by
        locked.on_time = at <= locked.clock.due_at
        locked.status = RequestStatus.ANSWERED
        locked.save()
        audit_record(
            action="disclosure.request.answer",
            obj=locked,
            actor=by,
            details={
                "type": answer_type.value,
                "on_time": locked.on_time,
                "case": locked.case_tracking_code,
                "fee": str(locked.fee),
            },
        )
        _tell_applicant(locked, _("Your information disclosure request is answered"), text, "answered")
    _copy_back(locked, request)
    return request


def request_forward(*, request, by, at=None):
    """One click: file the same request with the agency the answer named (告知并转交), clock from now."""
    at = _when(at)
    with transaction.atomic():
        locked = _lock(request)
        _require_handler(by, locked)
        if locked.answer_type != AnswerType.OTHER_AGENCY:
            raise DomainError(
                _("Only a request answered as held by another agency can be forwarded."),
                code="disclosure_state",
            )
        if locked.forwards.exists():
            raise DomainError(_("This request was already forwarded."), code="disclosure_forwarded")
        clock = clock_start(start=at, amount=conf.answer_working_days(), unit=TimeUnit.WORKING_DAYS, by=by)
        forwarded = DisclosureRequest.objects.create(
            unit=locked.other_agency,
            applicant=locked.applicant,
            applicant_kind=locked.applicant_kind,
            id_document=locked.id_document,
            user=locked.user,
            description=locked.corrected_description or locked.description,
            delivery=locked.delivery,
            received_at=at,
            clock=clock,
            forwarded_from=locked,
        )
        audit_record(
            action="disclosure.request.forward",
            obj=forwarded,
            actor=by,
            details={"from": locked.tracking_code, "unit": forwarded.unit.code},
        )
        _tell_applicant(
            forwarded,
            _("Your request was forwarded to %(unit)s") % {"unit": forwarded.unit.label},
            _("We will answer by %(due)s.") % {"due": _fmt(clock.due_at)},
            "received",
        )
    return forwarded


# --- the register and the applicant's remedy -------------------------------------------------------------


def request_withhold(*, request, reason, by, at=None):
    """Keep a request off the public register, with a recorded reason (e.g. it names a private person)."""
    reason = _text(reason, field="reason", label=_("the reason for withholding"), limit=500)
    at = _when(at)
    with transaction.atomic():
        locked = _lock(request)
        _require_handler(by, locked)
        locked.withheld_reason, locked.withheld_by, locked.withheld_at = reason, by, at
        locked.save(update_fields=["withheld_reason", "withheld_by", "withheld_at"])
        audit_record(action="disclosure.request.withhold", obj=locked, actor=by, details={"reason": reason})
    _copy_back(locked, request)
    return request


def request_mark_unsatisfied(*, request, note, remedy=Remedy.NONE, by=None, at=None):
    """The applicant finds the answer unsatisfactory, and says which remedy they seek (复议, 诉讼)."""
    note = _text(note, field="note", label=_("why the answer does not satisfy you"), limit=2000)
    if remedy not in Remedy.values:
        raise RequestRefused(_("Choose a remedy from the list."), field="remedy")
    at = _when(at)
    with transaction.atomic():
        locked = _lock(request)
        _refuse_status(
            locked,
            {RequestStatus.ANSWERED},
            _("Only an answered request can be marked unsatisfactory (now: %(status)s)."),
        )
        locked.unsatisfied_at = locked.unsatisfied_at or at
        locked.unsatisfied_note, locked.remedy = note, remedy
        locked.save(update_fields=["unsatisfied_at", "unsatisfied_note", "remedy"])
        audit_record(
            action="disclosure.request.unsatisfied", obj=locked, actor=by, details={"remedy": remedy}
        )
    _copy_back(locked, request)
    return request


# --- the worker: warnings and the overdue ladder (督办) ---------------------------------------------------


def _staff(unit, roles):
    return [
        m.user
        for m in Membership.objects.filter(unit=unit, role__in=roles, user__is_active=True).select_related(
            "user"
        )
    ]


def supervisors_of(unit):
    """The supervisors whose region covers a region the agency serves (or lies above it)."""
    paths = list(unit.regions.values_list("path", flat=True))
    return list(
        {
            m.user
            for m in Membership.objects.filter(
                role=Role.SUPERVISOR, user__is_active=True, region__isnull=False
            ).select_related("user", "region")
            if any(path.startswith(m.region.path) for path in paths)
        }
    )


def can_supervise(user, unit):
    """A supervisor over a region the agency serves decides the accountability of an overdue request."""
    return user is not None and user.is_authenticated and user in supervisors_of(unit)


def _tell(users, *, subject, key, about, text=None):
    """E-mail each official once through the outbox; `key` + the official makes the message's idempotency
    key, so a message is never queued twice."""
    for user in {u.pk: u for u in users if u.email}.values():
        message_queue(
            channel="email",
            to=user.email,
            subject=subject,
            text=text or subject,
            key=f"{key}:{user.pk}",
            about=about,
        )


def _tell_staff(request, roles, subject, key):
    _tell(
        _staff(request.unit, roles),
        subject=subject,
        key=f"disclosure:{request.tracking_code}:{key}",
        about=request.tracking_code,
    )


def rung_time(due, level):
    """When an overdue request reaches rung `level`: the first at the due time, each next one
    MASSLINE_DISCLOSURE_ESCALATION_STEP_WORKING_HOURS working hours later (one working day by default),
    on the working calendar, as demands climb theirs."""
    if level <= EscalationLevel.REMINDED:
        return due
    return cal.add_counted_time(due, conf.escalation_step() * (level - 1), TimeUnit.WORKING_HOURS)


def _rung(request, level, due, now):
    """Tell whoever rung `level` concerns and record it; the caller holds the claim on the row."""
    values = {"code": request.tracking_code, "due": _fmt(due), "unit": request.unit.label}
    if level == EscalationLevel.REMINDED:
        audit_record(
            action="disclosure.request.overdue",
            obj=request,
            changes={"escalation_level": [EscalationLevel.NONE, level]},
            details={"level": level, "due_at": due},
        )
        _tell_staff(
            request,
            HANDLER_ROLES,
            _("Reminder: disclosure request %(code)s is overdue (the answer was due at %(due)s)") % values,
            "overdue",
        )
        return
    if level == EscalationLevel.WARNED:
        users = _staff(request.unit, (Role.UNIT_HEAD,))
        subject = _("Warning: disclosure request %(code)s of %(unit)s is overdue since %(due)s") % values
    elif level == EscalationLevel.LISTED:
        users = supervisors_of(request.unit)
        subject = (
            _("Disclosure request %(code)s of %(unit)s is listed for supervision: due at %(due)s") % values
        )
    else:
        users = supervisors_of(request.unit)
        subject = (
            _(
                "Disclosure request %(code)s of %(unit)s is still unanswered since %(due)s: decide on "
                "the agency's accountability"
            )
            % values
        )
    audit_record(
        action="disclosure.request.escalate",
        obj=request,
        changes={"escalation_level": [level - 1, level]},
        details={"level": level, "due_at": due},
    )
    _tell(
        users,
        subject=subject,
        key=f"disclosure:{request.tracking_code}:rung{level}",
        about=request.tracking_code,
    )


def _climb(request, now):
    """Climb every rung whose time has passed (a worker that was down catches up), each claimed with a
    conditional UPDATE and recorded once (a unique row), so two workers never act twice. Returns how many."""
    due = request.clock.due_at
    climbed = 0
    level = request.escalation_level
    while level < EscalationLevel.ACCOUNTABLE and now >= rung_time(due, level + 1):
        with transaction.atomic():
            fields = {"escalation_level": level + 1}
            if level + 1 == EscalationLevel.REMINDED:
                fields["overdue_at"] = now
            if not DisclosureRequest.objects.filter(pk=request.pk, escalation_level=level).update(**fields):
                return climbed  # another worker climbed it
            Escalation.objects.create(request=request, level=level + 1, due_at=due, at=now)
            _rung(request, level + 1, due, now)
        level += 1
        climbed += 1
    return climbed


def disclosure_tick(*, now=None):
    """Warn the handlers at the warning share; walk overdue requests up the ladder demands follow
    (reminder to the handlers at the due time, then the unit head, the supervisor, the supervisor's
    accountability decision); lapse requests whose clarification time ran out; remind the agencies in
    January that last year's annual report is due. Returns how many of each."""
    now = now or timezone.now()
    done = {"warned": 0, "overdue": 0, "escalated": 0, "lapsed": 0, "report_reminders": 0}
    running = DisclosureRequest.objects.filter(status=RequestStatus.RECEIVED).select_related("clock", "unit")
    for request in running.filter(escalation_level__lt=EscalationLevel.ACCOUNTABLE, clock__due_at__lt=now):
        was_overdue = request.escalation_level >= EscalationLevel.REMINDED
        climbed = _climb(request, now)
        done["overdue"] += int(bool(climbed) and not was_overdue)
        done["escalated"] += climbed - int(bool(climbed) and not was_overdue)
    for request in running.filter(warned_at__isnull=True, overdue_at__isnull=True, clock__due_at__gte=now):
        if clock_share_used(clock=request.clock, at=now) < conf.warning_share():
            continue
        with transaction.atomic():
            if DisclosureRequest.objects.filter(pk=request.pk, warned_at__isnull=True).update(warned_at=now):
                audit_record(
                    action="disclosure.request.warn", obj=request, details={"due_at": request.clock.due_at}
                )
                _tell_staff(
                    request,
                    (Role.HANDLER,),
                    _("Disclosure request %(code)s is due on %(due)s")
                    % {"code": request.tracking_code, "due": _fmt(request.clock.due_at)},
                    "warning",
                )
                done["warned"] += 1
    waiting = DisclosureRequest.objects.filter(
        status=RequestStatus.CLARIFICATION, clarification_clock__due_at__lt=now
    )
    for request in waiting:
        try:
            request_lapse(request=request, at=now)
            done["lapsed"] += 1
        except DomainError:
            continue  # another worker lapsed it first
    done["report_reminders"] = report_reminder_send(now=now)
    return done


# --- the supervisor's accountability decision (责任追究) -------------------------------------------------


def request_accountability_decide(*, request, decision, note, by, at=None):
    """The supervisor decides on the agency's accountability for a request that climbed the whole ladder:
    excused, reminder, criticism or referral. The decision opens the accountability record in cases
    (`accountability_record_open`, kind "replied late", no demand) among the unit's records."""
    note = _text(note, field="note", label=_("the reason for the decision"), limit=1000)
    if decision not in AccountabilityDecision.values or decision == AccountabilityDecision.PENDING:
        raise RequestRefused(_("Choose a decision for the record."), field="decision")
    at = _when(at)
    with transaction.atomic():
        locked = _lock(request)
        if not can_supervise(by, locked.unit):
            raise PermissionDenied(_("Only a supervisor over the agency decides on its accountability."))
        if locked.accountability_record_id is not None:
            raise DomainError(
                _("The accountability of this request was already decided."), code="disclosure_decided"
            )
        if locked.escalation_level < EscalationLevel.ACCOUNTABLE:
            raise DomainError(
                _("This request has not climbed the whole overdue ladder: nothing to decide yet."),
                code="disclosure_state",
            )
        record = accountability_record_open(
            unit=locked.unit,
            official=locked.answered_by,
            kind=AccountabilityKind.LATE_REPLY,
            description=_(
                "Information disclosure request %(code)s was due at %(due)s and %(state)s (%(unit)s)."
            )
            % {
                "code": locked.tracking_code,
                "due": _fmt(locked.clock.due_at),
                "state": _("was answered at %(at)s") % {"at": _fmt(locked.answered_at)}
                if locked.answered_at
                else _("was still unanswered at %(at)s") % {"at": _fmt(at)},
                "unit": locked.unit.label,
            },
            decision=decision,
            decision_note=note,
            by=by,
            at=at,
        )
        locked.accountability_record = record
        locked.save(update_fields=["accountability_record"])
        audit_record(
            action="disclosure.request.accountability",
            obj=locked,
            actor=by,
            details={"record": record.pk, "decision": decision, "note": note},
        )
    _copy_back(locked, request)
    request.accountability_record = record
    return request


# --- the annual report's reminder (年度报告, 第四十九条) ---------------------------------------------------


def _report_url(year):
    return settings.MASSLINE_PUBLIC_URL.rstrip("/") + reverse("disclosure:statistics") + f"?year={year}"


def report_reminder_send(*, now=None):
    """In January, remind each agency's disclosure officers (its handlers and head) and the centre's head
    that last year's annual report is due by 31 January, with the link that generates it. Sent once a
    year: the first round on or after the first working day of January, from
    MASSLINE_DISCLOSURE_REPORT_REMINDER_HOUR; a unique row per year decides between two workers.
    Returns how many agencies were reminded (0 when nothing was due)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.month != 1 or local.hour < conf.report_reminder_hour() or not cal.is_workday(local.date()):
        return 0
    year = local.year - 1
    if ReportReminder.objects.filter(year=year).exists():
        return 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = ReportReminder.objects.create(year=year, sent_at=now)
        except IntegrityError:
            return 0  # another worker sent it
        units = [f.unit for f in stats.unit_figures(year=year)]
        due = stats.report_due(year)
        values = {"year": year, "due": f"{due:%Y-%m-%d}", "url": _report_url(year)}
        subject = _("The %(year)s annual report on information disclosure is due by %(due)s") % values
        for unit in units:
            _tell(
                _staff(unit, HANDLER_ROLES),
                subject=subject,
                key=f"disclosure:report{year}:{unit.pk}",
                about=f"report {year}",
                text=_(
                    "%(unit)s: the annual report on government information disclosure of %(year)s is due "
                    "by %(due)s. Its tables are generated from the requests: %(url)s"
                )
                % {**values, "unit": unit.label},
            )
        centre = _staff_of_kind(UnitKind.CENTRE, (Role.UNIT_HEAD,))
        _tell(
            centre,
            subject=subject,
            key=f"disclosure:report{year}:centre",
            about=f"report {year}",
            text=_(
                "The annual reports on government information disclosure of %(year)s are due by %(due)s; "
                "%(count)s agencies received requests. The tables: %(url)s"
            )
            % {**values, "count": len(units)},
        )
        reminder.agencies = len(units)
        reminder.save(update_fields=["agencies"])
        audit_record(
            action="disclosure.report.remind",
            obj=reminder,
            details={"year": year, "due": due, "agencies": [u.code for u in units]},
        )
    return len(units)


def _staff_of_kind(kind, roles):
    return [
        m.user
        for m in Membership.objects.filter(
            unit__kind=kind, unit__is_active=True, role__in=roles, user__is_active=True
        ).select_related("user")
    ]
