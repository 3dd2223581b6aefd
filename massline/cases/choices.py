"""Enumerations of demand handling, each with a translated label. The only place a status is defined."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation (question)")
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report (举报)")
    SUGGESTION = "suggestion", _("Suggestion")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone (12345)")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")
    API = "api", _("API / Open311")
    VISIT = "visit", _("Officials' visit")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")
    COMPLEX = "complex", _("Complex")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    DISPATCHED = "dispatched", _("Dispatched, awaiting signature")
    ARBITRATION = "arbitration", _("Returned, awaiting the centre's decision")
    IN_PROGRESS = "in_progress", _("Being handled")
    REPLIED = "replied", _("Replied, awaiting the citizen's rating")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = frozenset(
    {CaseStatus.RECEIVED, CaseStatus.DISPATCHED, CaseStatus.ARBITRATION, CaseStatus.IN_PROGRESS}
)

# What the dispatcher's queue may list when filtered by status: everything but closed demands.
QUEUE_STATUSES = OPEN_STATUSES | {CaseStatus.REPLIED}


class ReturnReason(models.TextChoices):
    NOT_OUR_AREA = "not_our_area", _("Not our area")
    UNCLEAR_OWNERSHIP = "unclear_ownership", _("Unclear ownership")
    NOT_OUR_DUTY = "not_our_duty", _("Not our duty")
    DUPLICATE = "duplicate", _("Duplicate of another demand")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    CO = "co", _("Co-handling unit")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting signature")
    SIGNED = "signed", _("Signed")
    RETURNED = "returned", _("Returned to the centre")
    TRANSFERRED = "transferred", _("Transferred away")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_ASSIGNMENT_STATUSES = frozenset({AssignmentStatus.PENDING, AssignmentStatus.SIGNED})


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")
    NOT_RATED = "not_rated", _("Not rated")


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class EventKind(models.TextChoices):
    """What happened on a demand's timeline."""

    RECEIVED = "received", _("Received")
    ANSWERED_DIRECTLY = "answered_directly", _("Answered directly by the operator")
    DISPATCHED = "dispatched", _("Dispatched")
    SIGNED = "signed", _("Signed for")
    RETURNED = "returned", _("Returned to the centre")
    ARBITRATED = "arbitrated", _("Decided by the centre")
    TRANSFERRED = "transferred", _("Transferred")
    CONTACTED = "contacted", _("Citizen contacted")
    NOTE = "note", _("Progress note")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_DECIDED = "extension_decided", _("Extension decided")
    CO_REPLIED = "co_replied", _("Co-handling unit added its part")
    REPLIED = "replied", _("Replied")
    RATED = "rated", _("Rated by the citizen")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    AUTO_CLOSED = "auto_closed", _("Closed without a rating")
    WARNING = "warning", _("Time-limit warning")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Escalated")
    LINKED = "linked", _("Linked as a duplicate")
    MERGED = "merged", _("Merged into a handling thread")
    EXCLUSION = "exclusion", _("Appraisal exclusion reviewed")
    DUE_MOVED = "due_moved", _("Due times recomputed on the working calendar")


# Events whose public note the citizen sees on the tracking page (all masked).
PUBLIC_EVENT_KINDS = frozenset(
    {
        EventKind.RECEIVED,
        EventKind.ANSWERED_DIRECTLY,
        EventKind.DISPATCHED,
        EventKind.SIGNED,
        EventKind.TRANSFERRED,
        EventKind.CONTACTED,
        EventKind.EXTENSION_DECIDED,
        EventKind.REPLIED,
        EventKind.RATED,
        EventKind.REOPENED,
        EventKind.CLOSED,
        EventKind.AUTO_CLOSED,
    }
)


class ClockStage(models.TextChoices):
    """The time limits of a demand: the centre's (派单时限, 仲裁时限) and the unit's (签收时限, 首次联系时限,
    办结时限). Every status in which someone owes the next step has one."""

    DISPATCH = "dispatch", _("Time to dispatch")
    ARBITRATE = "arbitrate", _("Time to decide the return")
    SIGN = "sign", _("Time to sign")
    CONTACT = "contact", _("Time to first contact the citizen")
    REPLY = "reply", _("Time to reply")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("None")
    REMINDED = 1, _("Reminder sent to the handler")
    WARNED = 2, _("Warning sent to the unit head")
    LISTED = 3, _("Listed for the supervisor")
    ACCOUNTABLE = 4, _("Accountability record opened")


class AccountabilityKind(models.TextChoices):
    LATE_DISPATCH = "late_dispatch", _("Dispatched late")
    LATE_ARBITRATION = "late_arbitration", _("Decided a return late")
    LATE_SIGN = "late_sign", _("Signed late")
    LATE_CONTACT = "late_contact", _("Contacted the citizen late")
    LATE_REPLY = "late_reply", _("Replied late")
    UNSATISFIED = "unsatisfied", _("Repeatedly unsatisfied")
    MISHANDLED = "mishandled", _("Mishandled")
    DISCIPLINE = "discipline", _("Discipline case on a tip-off (纪律审查)")


class AccountabilityDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting the supervisor's decision")
    EXCUSED = "excused", _("Excused (justified delay)")
    REMINDED = "reminded", _("Reminder (提醒)")
    CRITICISED = "criticised", _("Criticism (通报批评)")
    REFERRED = "referred", _("Referred for discipline (问责)")


class ExclusionCategory(models.TextChoices):
    """Why a demand should not count in appraisal (终结办理件 and 不合理诉求); the appraisal rules of a period
    choose which of these an approved review takes out of the figures."""

    LITIGATION = "litigation", _("In litigation, arbitration or administrative review (涉诉涉法)")
    PETITION_CONCLUDED = "petition_concluded", _("Petition already concluded (信访已终结)")
    OUTSIDE_POLICY = "outside_policy", _("Outside current law and policy (超出政策范围)")
    UNREASONABLE = "unreasonable", _("Other unreasonable demand (不合理诉求)")


class ExclusionDecision(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved: excluded from appraisal")
    REJECTED = "rejected", _("Rejected: counts in appraisal")


class NotificationKind(models.TextChoices):
    NEW_ASSIGNMENT = "new_assignment", _("New demand for your unit")
    RETURNED = "returned", _("Demand returned to the centre")
    EXTENSION = "extension", _("Extension request")
    WARNING = "warning", _("Time-limit warning")
    OVERDUE = "overdue", _("Overdue")
    REOPENED = "reopened", _("Reopened by the citizen")
    DIGEST = "digest", _("Daily digest")
    DUE_MOVED = "due_moved", _("Due times moved")


class DataRequestKind(models.TextChoices):
    """A citizen's request about the personal data held on them (个人信息查阅、删除请求)."""

    SEE = "see", _("See my data (a copy)")
    DELETE = "delete", _("Delete my contact data")


class DataRequestStatus(models.TextChoices):
    OPEN = "open", _("Open: being handled")
    FULFILLED = "fulfilled", _("Fulfilled")
    REFUSED = "refused", _("Refused")


class DataRequestVia(models.TextChoices):
    """How the citizen showed who they are: a code sent to their phone, or the demand's tracking code."""

    PHONE = "phone", _("Phone number, confirmed with a one-time code")
    TRACKING = "tracking", _("Tracking code of a demand")


class DataRequestRefusal(models.TextChoices):
    """The only reasons an official may give for refusing (PIPL art. 47 practice)."""

    IDENTITY = "identity", _("Identity not verified")
    OPEN_DEMANDS = "open_demands", _("Legal hold: a demand is still being handled")
    LITIGATION = "litigation", _("Legal hold: litigation, petition or investigation in progress")
    NO_DATA = "no_data", _("No personal data held on this person")
