"""The return visit (回访) and the citizen's rating, reopening after an unsatisfied rating, closing of
demands nobody rated, and exclusion from appraisal through a recorded review (不合理诉求甄别).

An unsatisfied rating reopens the demand to the same unit, with a new time to reply, up to
MASSLINE_REOPEN_LIMIT times (default once); a demand never rated closes after MASSLINE_AUTO_CLOSE_DAYS
(default 7) as "not rated", which appraisal must not count as satisfied.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.deadlines.services import clock_start
from massline.lib.errors import DomainError, PermissionDenied
from massline.org.choices import Role
from massline.org.selectors import user_scope

from ..actions import ACTIONS
from ..choices import (
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    ClockStage,
    EventKind,
    ExclusionCategory,
    ExclusionDecision,
    NotificationKind,
    Satisfaction,
)
from ..errors import ConcurrentUpdate, InvalidTransition
from ..models import Assignment, Case, ExclusionReview
from ..timelimits import stage_due
from ..workflow import case_apply
from .handling_rules import (
    _apply,
    _copy_back,
    _locked_copy,
    case_policy,
    is_unit_member,
    tell_citizen,
    tell_staff,
    unit_staff,
)

RATINGS = (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED)
VIA_TRACKING = "tracking"
VIA_PHONE = "phone"


def reopen_limit():
    return int(getattr(settings, "MASSLINE_REOPEN_LIMIT", 1))


def case_rate(*, case, resolved, satisfaction, comment="", by=None, via=VIA_TRACKING, at=None):
    """Record the citizen's view of the reply: resolved or not, and how satisfied (回访评价).

    `via` "tracking": the citizen on the tracking page (the view has checked the tracking code);
    "phone": an operator or dispatcher calling the citizen back (回访), who must be signed in with that role.
    Unsatisfied reopens the demand to the same unit if it has not been reopened MASSLINE_REOPEN_LIMIT times.
    """
    at = at or timezone.now()
    if via not in (VIA_TRACKING, VIA_PHONE):
        raise DomainError(_("Unknown rating channel."), code="via")
    if via == VIA_PHONE and (by is None or not user_scope(by).has_role(Role.OPERATOR, Role.DISPATCHER)):
        raise PermissionDenied(_("Only the centre's operators and dispatchers record a rating by phone."))
    if satisfaction not in RATINGS:
        raise DomainError(
            _("Choose satisfied, basically satisfied or unsatisfied."), code="satisfaction_required"
        )
    if resolved not in (True, False):
        raise DomainError(_("Say whether the problem was resolved."), code="resolved_required")
    comment = (comment or "").strip()[:1000]
    with transaction.atomic():
        current = _locked_copy(case)
        if current.status not in ACTIONS["rate"].statuses:
            if current.rated_at or current.status == CaseStatus.CLOSED:
                raise InvalidTransition(_("This demand has already been rated: a reply is rated only once."))
            raise InvalidTransition(
                _("This demand has not been answered yet: it can be rated after the reply.")
            )
        unsatisfied = satisfaction == Satisfaction.UNSATISFIED
        rating = {
            "resolved": resolved,
            "satisfaction": satisfaction,
            "rating_comment": comment,
            "rated_at": at,
            "unsatisfied_count": current.unsatisfied_count + (1 if unsatisfied else 0),
        }
        public = _("Rated: %(rating)s.") % {"rating": Satisfaction(satisfaction).label}
        reopen = unsatisfied and current.reopen_count < reopen_limit() and current.lead_unit_id is not None
        if not reopen:
            _apply(
                current,
                by=by,
                event_kind=EventKind.RATED,
                to=CaseStatus.CLOSED,
                fields={**rating, "closed_at": at},
                at=at,
                public_note=public,
                internal_note=comment,
                data={"via": via, "resolved": resolved, "satisfaction": satisfaction},
            )
        else:
            case_apply(
                case=current,
                by=by,
                event_kind=EventKind.RATED,
                fields=rating,
                at=at,
                public_note=public,
                internal_note=comment,
                data={"via": via, "resolved": resolved, "satisfaction": satisfaction},
            )
            _reopen(current, by=by, at=at)
    _copy_back(current, case)
    return case


def _reopen(case, *, by, at):
    """Back to the same unit with a new time to reply (重办)."""
    policy = case_policy(case)
    clock = clock_start(start=at, amount=policy.reply_amount, unit=policy.reply_unit, by=by)
    Assignment.objects.create(
        case=case,
        unit=case.lead_unit,
        role=AssignmentRole.LEAD,
        status=AssignmentStatus.SIGNED,
        dispatched_at=at,
        signed_at=at,
        forced=True,
    )
    _apply(
        case,
        by=by,
        event_kind=EventKind.REOPENED,
        to=CaseStatus.IN_PROGRESS,
        fields={
            "reopen_count": case.reopen_count + 1,
            "reply_clock": clock,
            "due_reply_at": clock.due_at,
            "due_contact_at": stage_due(policy=policy, stage=ClockStage.CONTACT, start=at),
            "first_contact_at": None,
            "stage_since": at,
            "warnings_fired": 0,
            "escalation_level": 0,
            "is_overdue": False,
            "thread": None,
        },
        at=at,
        unit=case.lead_unit,
        public_note=_("Reopened: %(unit)s will handle your demand again.") % {"unit": case.lead_unit},
        data={"reopen": case.reopen_count + 1},
    )
    tell_staff(
        users=[case.handler] if case.handler_id else unit_staff(case.lead_unit),
        case=case,
        kind=NotificationKind.REOPENED,
        text=_("%(code)s was rated unsatisfied and is reopened: reply again by %(due)s.")
        % {"code": case.tracking_code, "due": f"{timezone.localtime(clock.due_at):%Y-%m-%d %H:%M}"},
    )
    tell_citizen(case=case, kind="reopened")


def auto_close_one(*, case, now):
    """Close one replied demand nobody rated as "not rated" (must run inside the caller's transaction)."""
    _apply(
        case,
        by=None,
        event_kind=EventKind.AUTO_CLOSED,
        to=CaseStatus.CLOSED,
        fields={"satisfaction": Satisfaction.NOT_RATED, "closed_at": now},
        at=now,
        public_note=_("Closed without a rating."),
    )


def case_auto_close_unrated(*, now=None):
    """Close every replied demand left unrated for MASSLINE_AUTO_CLOSE_DAYS; returns how many closed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MASSLINE_AUTO_CLOSE_DAYS)
    closed = 0
    for case in Case.objects.filter(status=CaseStatus.REPLIED, replied_at__lte=cutoff).select_related(
        "category"
    ):
        try:
            with transaction.atomic():
                auto_close_one(case=case, now=now)
            closed += 1
        except ConcurrentUpdate:
            continue
    return closed


# --- exclusion from appraisal ------------------------------------------------------------------------


def exclusion_request(*, case, reason, by, category=ExclusionCategory.UNREASONABLE, at=None):
    """Ask that an unreasonable demand not count in appraisal, under one of the exclusion categories
    (终结办理件: litigation, concluded petition, outside policy; or another unreasonable demand); a
    supervisor decides (甄别申请). The appraisal rules of the period choose which categories exclude."""
    at = at or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Explain why this demand should not count in appraisal."), code="reason_required")
    if category not in ExclusionCategory.values:
        raise DomainError(_("Choose the exclusion category."), code="category_required")
    scope = user_scope(by) if by else None
    units = [u for u in (case.lead_unit, case.first_unit) if u is not None]
    if not (scope and scope.has_role(Role.DISPATCHER)) and not any(is_unit_member(by, u) for u in units):
        raise PermissionDenied(_("Only the handling unit or the centre may ask to exclude this demand."))
    with transaction.atomic():
        current = _locked_copy(case)
        if current.excluded_from_appraisal:
            raise InvalidTransition(_("This demand is already excluded from appraisal."))
        if ExclusionReview.objects.filter(case=current, decision=ExclusionDecision.REQUESTED).exists():
            raise InvalidTransition(
                _("An exclusion review of this demand is already waiting for a supervisor.")
            )
        review = ExclusionReview.objects.create(
            case=current, category=category, reason=reason, requested_by=by, requested_at=at
        )
        case_apply(
            case=current,
            by=by,
            event_kind=EventKind.EXCLUSION,
            at=at,
            internal_note=reason,
            data={"review": review.pk, "decision": ExclusionDecision.REQUESTED, "category": category},
        )
    _copy_back(current, case)
    return review


def exclusion_decide(*, review, approve, note, by, at=None):
    """A supervisor decides an exclusion review, with the reason for the decision."""
    at = at or timezone.now()
    if by is None or not user_scope(by).has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor decides whether a demand counts in appraisal."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Give the reason for the decision."), code="reason_required")
    from ..selectors import case_scope_q

    with transaction.atomic():
        review = ExclusionReview.objects.select_for_update().get(pk=review.pk)
        if review.decision != ExclusionDecision.REQUESTED:
            raise InvalidTransition(_("This review was already decided."))
        case = Case.objects.filter(case_scope_q(by), pk=review.case_id).first()
        if case is None:
            raise PermissionDenied(_("This demand is outside your jurisdiction."))
        review.decision = ExclusionDecision.APPROVED if approve else ExclusionDecision.REJECTED
        review.decided_by, review.decided_at, review.decision_note = by, at, note
        review.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
        case_apply(
            case=case,
            by=by,
            event_kind=EventKind.EXCLUSION,
            fields={"excluded_from_appraisal": bool(approve)},
            at=at,
            internal_note=note,
            data={"review": review.pk, "decision": review.decision, "category": review.category},
        )
    return review
