"""Demands (work orders) and everything that hangs off one: assignments to units, the timeline, extensions,
attachments, accountability records, exclusion reviews, staff notifications; categories with their
time-limit policies; the knowledge base operators answer from.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from massline.deadlines.calendar import provisional_between
from massline.deadlines.choices import TimeUnit
from massline.org.models import BilingualNameMixin, Citizen, Region, TreeMixin, Unit

from .choices import (
    AccountabilityDecision,
    AccountabilityKind,
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    CaseType,
    Channel,
    DataRequestKind,
    DataRequestRefusal,
    DataRequestStatus,
    DataRequestVia,
    EscalationLevel,
    EventKind,
    ExclusionCategory,
    ExclusionDecision,
    ExtensionStatus,
    NotificationKind,
    ReturnReason,
    Satisfaction,
    Urgency,
)

LATITUDE = [MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))]
LONGITUDE = [MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))]
# Tracking codes avoid letters that read alike (0/O, 1/I/L).
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_tracking_code():
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


PUBLIC_ID_LETTERS = "abcdefghjkmnpqrstuvwxyz"
PUBLIC_ID_ALPHABET = PUBLIC_ID_LETTERS + "23456789"


def new_public_id():
    """A demand's id in open interfaces (Open311's service_request_id): random, so it tells nothing of the
    centre's volume and cannot be walked; it opens with a letter, so it never reads as an old numeric id."""
    return secrets.choice(PUBLIC_ID_LETTERS) + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(13))


class Category(TreeMixin, BilingualNameMixin):
    """A node of the category tree (一级/二级/三级分类) with its default handling unit."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    default_unit = models.ForeignKey(
        Unit,
        verbose_name=_("default handling unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="default_categories",
    )
    route_by_place = models.BooleanField(
        _("route by place"),
        default=False,
        help_text=_("Send demands to the township/street government of the demand's place."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class TimeLimitPolicy(models.Model):
    """Time limits of a category (or, with no category, the default) for one urgency, in working time."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="policies",
        help_text=_("Empty: the default for every category without its own."),
    )
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices)
    sign_amount = models.DecimalField(
        _("time to sign"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    sign_unit = models.CharField(
        _("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_HOURS
    )
    contact_amount = models.DecimalField(
        _("time to first contact"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    contact_unit = models.CharField(
        _("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_HOURS
    )
    reply_amount = models.DecimalField(
        _("time to reply"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    reply_unit = models.CharField(
        _("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    # Shares of the time used at which warnings fire, e.g. "0.5,0.8".
    warn_at = models.CharField(
        _("warning points"),
        max_length=50,
        default="0.5,0.8",
        help_text=_("Shares of the time used, comma-separated, e.g. 0.5,0.8"),
    )
    max_extensions = models.PositiveSmallIntegerField(_("extensions allowed"), default=1)
    # The centre's own limits: to dispatch a new demand, and to decide a demand a unit returned.
    dispatch_amount = models.DecimalField(
        _("time to dispatch"), max_digits=7, decimal_places=2, default=2, validators=[MinValueValidator(0)]
    )
    dispatch_unit = models.CharField(
        _("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_HOURS
    )
    arbitration_amount = models.DecimalField(
        _("time to decide a return"),
        max_digits=7,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    arbitration_unit = models.CharField(
        _("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )

    class Meta:
        verbose_name = _("time-limit policy")
        verbose_name_plural = _("time-limit policies")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "urgency"],
                condition=Q(category__isnull=False),
                name="cases_policy_unique_category_urgency",
            ),
            models.UniqueConstraint(
                fields=["urgency"],
                condition=Q(category__isnull=True),
                name="cases_policy_unique_default_urgency",
            ),
        ]

    def __str__(self):
        return f"{self.category or _('Default')} · {self.get_urgency_display()}"

    @property
    def warning_shares(self):
        return sorted(float(part) for part in self.warn_at.split(",") if part.strip())


class Case(models.Model):
    """One demand of a citizen (诉求 / 工单), from intake to the citizen's rating."""

    # Unique through Meta.constraints: a plain unique index, without the LIKE index `unique=True` adds.
    tracking_code = models.CharField(_("tracking code"), max_length=16, default=new_tracking_code)
    # Not secret (unlike the tracking code, which proves the citizen's ownership): only unguessable.
    public_id = models.CharField(_("public id"), max_length=16, default=new_public_id, editable=False)
    # NULL: submitted without a key (unique among the demands that have one).
    idempotency_key = models.CharField(  # noqa: DJ001
        _("idempotency key"), max_length=100, null=True, blank=True
    )
    type = models.CharField(_("type"), max_length=20, choices=CaseType.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000)
    public_summary = models.CharField(_("public summary"), max_length=500, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE
    )
    lon = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    citizen = models.ForeignKey(
        Citizen,
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    is_public = models.BooleanField(_("citizen allows publication"), default=False)
    # The language the citizen wrote in (and is answered in); empty: the site's default (MASSLINE_LANGUAGE).
    language = models.CharField(_("citizen's language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    # The unit handling it now, and the first unit that signed: accountable until closing (首问负责).
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cases",
        db_index=False,
    )
    first_unit = models.ForeignKey(
        Unit,
        verbose_name=_("first-receiving unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_cases",
        db_index=False,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_cases",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entered_cases",
        db_index=False,
    )

    received_at = models.DateTimeField(_("received"), db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    # When the time limit the demand now runs against started (dispatch, signing, a return…); empty on
    # a new demand, whose limit starts at receipt.
    stage_since = models.DateTimeField(_("current time limit since"), null=True, blank=True)
    # The centre must dispatch (while received) or decide the return (in arbitration) by then.
    due_dispatch_at = models.DateTimeField(_("dispatch by"), null=True, blank=True)
    due_sign_at = models.DateTimeField(_("sign by"), null=True, blank=True)
    due_contact_at = models.DateTimeField(_("contact by"), null=True, blank=True)
    due_reply_at = models.DateTimeField(_("reply by"), null=True, blank=True)
    reply_clock = models.OneToOneField(
        "deadlines.Clock",
        verbose_name=_("reply clock"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case",
    )
    # When the worker must look at this demand next (a warning point or a due time); null: nothing pending.
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True)
    warnings_fired = models.PositiveSmallIntegerField(_("warnings fired"), default=0)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    is_overdue = models.BooleanField(_("overdue"), default=False)
    was_late = models.BooleanField(_("finished late"), default=False)

    reply = models.TextField(_("reply"), blank=True, max_length=4000)
    resolved = models.BooleanField(_("resolved (citizen's view)"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    rating_comment = models.CharField(_("rating comment"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    unsatisfied_count = models.PositiveSmallIntegerField(_("times rated unsatisfied"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    excluded_from_appraisal = models.BooleanField(_("excluded from appraisal"), default=False)

    # A merged demand follows its thread's handling; a duplicate only points at the original.
    thread = models.ForeignKey(
        "self",
        verbose_name=_("handling thread"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="thread_members",
        db_index=False,
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        db_index=False,
    )

    # Imported history: where it came from and its id there (idempotent re-imports).
    source = models.CharField(_("source"), max_length=30, blank=True)
    source_ref = models.CharField(_("source id"), max_length=100, blank=True)
    # Optimistic locking: every transition bumps it and only applies if nobody else did first.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        # Every index costs each intake INSERT (and blocks HOT updates of its columns), so the table has
        # the ones queries use and no more: status is served by (status, received_at), lead_unit by
        # (lead_unit, status); a column empty at intake (handler, thread, next check…) is indexed only
        # where it is set, so a new demand adds no entry to it.
        indexes = [
            models.Index(fields=["status", "received_at"], name="cases_status_received"),
            models.Index(fields=["lead_unit", "status"], name="cases_lead_unit_status"),
            *(
                models.Index(
                    fields=[field], name=f"cases_{field}_set", condition=Q(**{f"{field}__isnull": False})
                )
                for field in (
                    "first_unit",
                    "handler",
                    "created_by",
                    "thread",
                    "duplicate_of",
                    "citizen",
                    "next_check_at",
                )
            ),
            models.Index(fields=["received_at"], name="cases_overdue_received", condition=Q(is_overdue=True)),
            models.Index(fields=["is_public", "received_at"], name="cases_public_received"),
            # The dispatcher's queue reads only open demands: a small slice of a large table.
            models.Index(
                fields=["received_at"],
                name="cases_open_received",
                condition=Q(status__in=["received", "dispatched", "arbitration", "in_progress"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="cases_unique_tracking_code"),
            models.UniqueConstraint(fields=["public_id"], name="cases_unique_public_id"),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="cases_unique_idempotency_key",
                violation_error_message=_("This submission was already received."),
            ),
            models.UniqueConstraint(
                fields=["source", "source_ref"], condition=~Q(source=""), name="cases_unique_source_ref"
            ),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.title[:60]}"

    @property
    def is_open(self):
        return self.status not in (CaseStatus.REPLIED, CaseStatus.CLOSED)

    def due_for_status(self):
        """The due time that matters now: the centre's while received or returned, signing while
        dispatched, replying while handled."""
        if self.status in (CaseStatus.RECEIVED, CaseStatus.ARBITRATION):
            return self.due_dispatch_at
        if self.status == CaseStatus.DISPATCHED:
            return self.due_sign_at
        if self.status == CaseStatus.IN_PROGRESS:
            return self.due_reply_at
        return None

    @property
    def due_provisional(self):
        """True if a due time of this demand rests on a year whose holiday notice is not entered yet
        (counted on the statutory holidays; recomputed when the notice is entered)."""
        dues = [
            due
            for due in (self.due_dispatch_at, self.due_sign_at, self.due_contact_at, self.due_reply_at)
            if due is not None
        ]
        return bool(dues) and provisional_between(self.received_at, max(dues))

    def is_late(self, now):
        due = self.due_for_status()
        return due is not None and now > due


class Assignment(models.Model):
    """A unit's share of a demand: lead or co-handling, from dispatch to signing and beyond."""

    case = models.ForeignKey(
        Case, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=AssignmentRole.choices, default=AssignmentRole.LEAD
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatched by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(_("dispatched"))
    forced = models.BooleanField(_("assigned by the centre's decision"), default=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    return_reason = models.CharField(
        _("return reason"), max_length=30, choices=ReturnReason.choices, blank=True
    )
    return_note = models.CharField(_("return note"), max_length=1000, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    co_reply = models.TextField(_("co-handling unit's part"), blank=True, max_length=4000)

    class Meta:
        ordering = ["dispatched_at"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["unit", "status"], name="cases_assignment_unit_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(role=AssignmentRole.LEAD, status__in=["pending", "signed"]),
                name="cases_one_active_lead",
            ),
        ]

    def __str__(self):
        return f"{self.case.tracking_code} → {self.unit} ({self.get_role_display()})"


class CaseEvent(models.Model):
    """One entry of a demand's timeline. `public_note` is masked and shown to the citizen."""

    # Indexed by (case, at) below; actor and unit only where set (intake's first entry has neither).
    case = models.ForeignKey(
        Case, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    public_note = models.TextField(_("public note"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            models.Index(fields=["case", "at"], name="cases_event_case_at"),
            models.Index(fields=["actor"], name="cases_event_actor_set", condition=Q(actor__isnull=False)),
            models.Index(fields=["unit"], name="cases_event_unit_set", condition=Q(unit__isnull=False)),
        ]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename):
    return f"cases/{instance.case.tracking_code}/{secrets.token_hex(8)}-{filename[-80:]}"


class Attachment(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class DecidedMixin(models.Model):
    """Who decided a request or record, when, and what they noted (extensions, accountability, exclusions)."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=1000, blank=True)

    class Meta:
        abstract = True


class Extension(DecidedMixin, models.Model):
    """A unit's request for more time, decided by the dispatcher (延期申请)."""

    case = models.ForeignKey(
        Case, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="extensions"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    amount = models.DecimalField(
        _("extra time"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit_of_time = models.CharField(
        _("unit"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    reason = models.CharField(_("reason"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.REQUESTED
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="requested"), name="cases_one_open_extension"
            ),
        ]

    def __str__(self):
        return f"{self.case.tracking_code} +{self.amount} {self.unit_of_time}"


class AccountabilityRecord(DecidedMixin, models.Model):
    """What was late or mishandled, by which unit and official, and the supervisor's decision (责任追究).

    A record without a demand comes from another app through `accountability_record_open` (a discipline
    case on an integrity tip-off, whose content cases never sees)."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_records",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("what"), max_length=20, choices=AccountabilityKind.choices)
    description = models.CharField(_("description"), max_length=1000)
    opened_at = models.DateTimeField(_("opened"))
    decision = models.CharField(
        _("decision"),
        max_length=20,
        choices=AccountabilityDecision.choices,
        default=AccountabilityDecision.PENDING,
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        constraints = [
            models.UniqueConstraint(fields=["case", "unit", "kind"], name="cases_one_record_per_lapse"),
        ]

    def __str__(self):
        where = self.case.tracking_code if self.case_id else "—"
        return f"{where} {self.unit} {self.get_kind_display()}"


class ExclusionReview(DecidedMixin, models.Model):
    """A recorded review that takes an unreasonable demand out of appraisal, with its reason."""

    case = models.ForeignKey(
        Case, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="exclusion_reviews"
    )
    category = models.CharField(
        _("exclusion category"),
        max_length=30,
        choices=ExclusionCategory.choices,
        default=ExclusionCategory.UNREASONABLE,
    )
    reason = models.CharField(_("reason"), max_length=1000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    decision = models.CharField(
        _("decision"), max_length=20, choices=ExclusionDecision.choices, default=ExclusionDecision.REQUESTED
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("exclusion review")
        verbose_name_plural = _("exclusion reviews")

    def __str__(self):
        return f"{self.case.tracking_code} {self.get_decision_display()}"


class Notification(models.Model):
    """An in-app message to an official."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("demand"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    text = models.CharField(_("text"), max_length=500)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The local day of a daily digest: one digest per official per day, enforced by the database.
    digest_day = models.DateField(_("digest day"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="cases_notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "digest_day"],
                condition=Q(digest_day__isnull=False),
                name="cases_notification_one_digest_a_day",
            )
        ]

    def __str__(self):
        return self.text


class KnowledgeArticle(models.Model):
    """A published answer operators can give directly (知识库)."""

    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["question"]
        verbose_name = _("knowledge-base answer")
        verbose_name_plural = _("knowledge-base answers")

    def __str__(self):
        return self.question


def new_data_request_reference():
    """The citizen's reference for a data request: random (it opens the request's status page)."""
    return "DR" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))


class DataRequest(models.Model):
    """A citizen's request to see (a copy of) or delete their personal data (个人信息查阅、删除请求),
    answered by an official within MASSLINE_DATA_REQUEST_DAYS working days (services/data_requests.py)."""

    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=new_data_request_reference
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DataRequestKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DataRequestStatus.choices, default=DataRequestStatus.OPEN
    )
    via = models.CharField(_("identified by"), max_length=10, choices=DataRequestVia.choices)
    citizen = models.ForeignKey(
        Citizen,
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("demand"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who the request is about while it is open (E.164 phone, or "citizen:<id>"): one open request per
    # person, enforced by the database; emptied at the decision, so no phone outlives the request.
    subject_key = models.CharField(_("subject"), max_length=40, blank=True)
    phone_masked = models.CharField(_("phone (masked)"), max_length=40, blank=True)
    # The one-time code that proved the phone (each code opens at most one request).
    challenge = models.OneToOneField(
        "PhoneChallenge",
        verbose_name=_("phone code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_request",
    )
    language = models.CharField(_("citizen's language"), max_length=10, blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    due_at = models.DateTimeField(_("answer due"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refusal = models.CharField(
        _("reason for refusal"), max_length=20, choices=DataRequestRefusal.choices, blank=True
    )
    # The copy of the citizen's data ("see"), opened by a private link whose token is stored hashed.
    export = models.JSONField(_("copy of the data"), null=True, blank=True)
    export_token_hash = models.CharField(_("link token (hashed)"), max_length=64, blank=True, db_index=True)
    export_expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key"],
                condition=Q(status=DataRequestStatus.OPEN),
                name="cases_datarequest_one_open_per_person",
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="cases_datarequest_queue")]

    def __str__(self):
        return self.reference


class PhoneChallenge(models.Model):
    """A one-time code sent by SMS to prove a citizen holds a phone number; stored hashed, a few tries."""

    phone = models.CharField(_("phone"), max_length=40, db_index=True)
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")

    def __str__(self):
        return f"#{self.pk}"
