"""Input and output schemas of /api/v1/: inputs say what a client may send, outputs what it gets back.

Inputs refuse NUL characters and text that is not valid Unicode, so bad input is a 422, never a 500.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator


def _clean_text(value):
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


def _utc(value):
    """An aware instant in UTC (naive: the site's time zone); the database refuses offsets over 15:59."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise ValueError("must be a date and time between the years 1 and 9999") from exc


Text = Annotated[str, AfterValidator(_clean_text)]
Instant = Annotated[datetime, AfterValidator(_utc)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")]

CaseTypeName = Literal["consultation", "help", "complaint", "report", "suggestion"]
UrgencyName = Literal["emergency", "urgent", "normal", "complex"]
StatusName = Literal["received", "dispatched", "arbitration", "in_progress", "replied", "closed"]
RatingName = Literal["satisfied", "basic", "unsatisfied"]
ReturnReasonName = Literal["not_our_area", "unclear_ownership", "not_our_duty", "duplicate"]


class ErrorOut(Schema):
    """Every error of the API: a stable machine code, a message in the client's language, details."""

    code: str = Field(..., examples=["not_found"])
    message: str
    details: Any = None


# --- reference data ------------------------------------------------------------------------------------


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None
    depth: int
    keywords: str


class UnitOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    public_phone: str


class RegionOut(Schema):
    code: str
    name: str
    name_en: str
    level: str
    parent: str | None
    centre_lat: float | None
    centre_lon: float | None


class UnitFiguresOut(Schema):
    unit: str
    unit_name: str
    received: int
    answered: int
    closed: int
    on_time: int
    rated: int
    satisfied: int
    not_rated: int
    on_time_share: float | None
    satisfaction_share: float | None


class StatisticsOut(Schema):
    since: datetime | None
    until: datetime | None
    received: int
    open: int
    answered: int
    units: list[UnitFiguresOut]


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]
    units: list[str]
    regions: list[str]


# --- demands -------------------------------------------------------------------------------------------


class DemandIn(Schema):
    type: CaseTypeName = "help"
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    description: Annotated[Text, Field(min_length=1, max_length=4000)]
    category: Code | None = None
    urgency: UrgencyName = "normal"
    address: Annotated[Text, Field(max_length=300)] = ""
    lat: Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)] | None = None
    lon: Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)] | None = None
    citizen_name: Annotated[Text, Field(max_length=100)] = ""
    citizen_phone: Annotated[Text, Field(max_length=40)] = ""
    citizen_email: Annotated[Text, Field(max_length=254)] = ""
    is_public: bool = False


class DemandCreatedOut(Schema):
    id: int
    tracking_code: str = Field(..., description="The citizen's key to follow and rate the demand; keep it.")
    status: str
    received_at: datetime


class PublicDemandOut(Schema):
    """A demand as the public sees it: masked, without the citizen's contact."""

    id: int
    type: str
    title: str
    summary: str
    category: str | None
    category_name: str | None
    status: str
    address: str
    lead_unit: str | None
    received_at: datetime
    replied_at: datetime | None
    reply: str


class PublicDemandPage(Schema):
    items: list[PublicDemandOut]
    next_cursor: str | None


class CitizenOut(Schema):
    name: str
    phone: str
    email: str


class StaffDemandOut(Schema):
    """A demand as an official in scope sees it."""

    id: int
    tracking_code: str
    type: str
    title: str
    description: str
    category: str | None
    urgency: str
    channel: str
    status: str
    address: str
    lat: float | None
    lon: float | None
    region: str | None
    lead_unit: str | None
    first_unit: str | None
    received_at: datetime
    dispatched_at: datetime | None
    signed_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    due_dispatch_at: datetime | None
    due_sign_at: datetime | None
    due_contact_at: datetime | None
    due_reply_at: datetime | None
    due_provisional: bool = Field(
        description="A due time rests on a year whose holiday notice is not entered yet: it was counted "
        "on the statutory holidays and will be recomputed when the notice is entered."
    )
    is_overdue: bool
    reply: str
    satisfaction: str
    version: int


class StaffDemandDetailOut(StaffDemandOut):
    citizen: CitizenOut | None
    allowed_actions: list[str] = Field(
        ...,
        description="What the token's official may do on it now, from the actions table (docs/cases.md): "
        "dispatch, sign, return, reply, extension_request, rate … (the same as the staff page's buttons).",
    )


class StaffDemandPage(Schema):
    items: list[StaffDemandOut]
    next_cursor: str | None


class PublicEventOut(Schema):
    kind: str
    label: str
    at: datetime
    note: str


class StaffEventOut(Schema):
    id: int
    kind: str
    label: str
    at: datetime
    actor: str | None
    unit: str | None
    public_note: str
    internal_note: str


class SuggestedOut(Schema):
    code: str
    name: str
    confidence: float


class PossibleDuplicateOut(Schema):
    id: int
    tracking_code: str
    title: str
    status: str
    received_at: datetime
    score: float
    metres: int | None


class SuggestionsOut(Schema):
    """Routing's top categories and units with confidence, and earlier demands that may be the same problem;
    `trained` is false while there is too little history (routing is then left to people)."""

    trained: bool
    categories: list[SuggestedOut]
    units: list[SuggestedOut]
    duplicates: list[PossibleDuplicateOut]


# --- staff actions -------------------------------------------------------------------------------------


class VersionedIn(Schema):
    """A write on a demand: `version` (or the If-Match header) is the version the client read; a stale one
    is refused (409; 412 for If-Match) instead of overwriting someone else's change."""

    version: Annotated[int | None, Field(ge=1, le=2**31)] = None


class DispatchIn(VersionedIn):
    lead_unit: Code
    co_units: Annotated[list[Code], Field(max_length=20)] = []
    note: Annotated[Text, Field(max_length=1000)] = ""


class SignIn(VersionedIn):
    unit: Code


class ReturnIn(VersionedIn):
    unit: Code
    reason: ReturnReasonName
    note: Annotated[Text, Field(min_length=1, max_length=1000)]


class ReplyIn(VersionedIn):
    text: Annotated[Text, Field(min_length=1, max_length=4000)]


class ExtendIn(VersionedIn):
    amount: Annotated[Decimal, Field(gt=0, le=1000, max_digits=7, decimal_places=2)]
    reason: Annotated[Text, Field(min_length=1, max_length=1000)]


class ExtensionOut(Schema):
    id: int
    amount: Decimal
    unit_of_time: str
    status: str
    requested_at: datetime


class RatingFields(Schema):
    resolved: bool
    satisfaction: RatingName
    comment: Annotated[Text, Field(max_length=1000)] = ""


class RateIn(RatingFields, VersionedIn):
    pass


class PublicRateIn(RatingFields):
    """The citizen's own rating: one per reply, so the demand's status guards it, not a version."""

    tracking_code: Annotated[Text, Field(min_length=1, max_length=16)]
