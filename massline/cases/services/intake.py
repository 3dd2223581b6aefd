"""Intake (受理): a citizen's demand checked, stored once with its contact, place and attachments, and
acknowledged with a tracking code; an operator's direct answer from the knowledge base; the unit a
new demand should probably go to.
"""

import logging
import math
import re
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError, PermissionDenied
from massline.lib.phones import phone_key
from massline.lib.uploads import FileRefused, check_upload
from massline.org.choices import RegionLevel, Role, UnitKind
from massline.org.geojson_io import contains
from massline.org.models import Citizen, Region, Unit
from massline.org.selectors import user_scope
from massline.org.services import citizen_create

from .. import seams
from ..actions import SYSTEM_MOVES
from ..choices import CaseStatus, CaseType, Channel, EventKind, Urgency
from ..errors import InvalidTransition
from ..masking import mask_public
from ..models import Attachment, Case, Category, KnowledgeArticle
from ..workflow import case_apply, case_record_creation
from .notify import notify_citizen

log = logging.getLogger("massline.cases.intake")

DEFAULTS = {
    "MASSLINE_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    "MASSLINE_ATTACHMENT_MAX_COUNT": 5,
    # Coordinates farther than this from every region centre are outside the platform's area: no region.
    "MASSLINE_REGION_MATCH_KM": 25.0,
}

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
ADDRESS_MAX = 300
NAME_MAX = 100
KEY_MAX = 100
SUMMARY_MAX = 500
PHONE_DIGITS = (5, 15)
_PHONE_SHAPE = re.compile(r"^\+?[0-9][0-9 ()\-]*[0-9]$")
# The levels a demand's place is matched to, finest first.
PLACE_LEVELS = (RegionLevel.GRID, RegionLevel.VILLAGE, RegionLevel.TOWNSHIP)


def _setting(name):
    return getattr(settings, name, DEFAULTS[name])


class IntakeRefused(DomainError):
    """A submission that cannot be accepted as it is; `field` names the form field to correct."""

    code = "intake_refused"

    def __init__(self, message, *, field=None, code=None):
        super().__init__(message, code=code)
        self.field = field


# Attachments ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple


FILE_KINDS = {
    "jpeg": FileKind("image/jpeg", (".jpg", ".jpeg")),
    "png": FileKind("image/png", (".png",)),
    "pdf": FileKind("application/pdf", (".pdf",)),
    "mp3": FileKind("audio/mpeg", (".mp3",)),
    "m4a": FileKind("audio/mp4", (".m4a",)),
}


def check_attachments(attachments):
    """[(file, kind)] for acceptable uploads; refuses too many, too large, empty or disguised files."""
    files = [f for f in attachments or () if f is not None]
    limit = int(_setting("MASSLINE_ATTACHMENT_MAX_COUNT"))
    if len(files) > limit:
        raise IntakeRefused(
            _("Attach at most %(limit)d files: leave out %(extra)d of them.")
            % {"limit": limit, "extra": len(files) - limit},
            field="attachments",
        )
    max_bytes = int(_setting("MASSLINE_ATTACHMENT_MAX_BYTES"))
    checked = []
    for upload in files:
        name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1]
        try:
            # By content, not name; photos re-encoded without EXIF (a GPS position is a home address).
            result = check_upload(upload, kinds=tuple(FILE_KINDS), max_bytes=max_bytes)
        except FileRefused as exc:
            raise IntakeRefused(exc.message, field="attachments", code="bad_attachment") from exc
        checked.append((result.as_file(name), name, result.kind))
    return checked


# Checking the fields ------------------------------------------------------------------------------


def _choice(value, choices, field, message):
    if value not in choices.values:
        raise IntakeRefused(message, field=field)
    return value


def _text(value, *, field, limit, required, label):
    text = (value or "").strip()
    if required and not text:
        raise IntakeRefused(_("Fill in the %(field)s.") % {"field": label}, field=field)
    if len(text) > limit:
        raise IntakeRefused(
            _("The %(field)s has %(length)d characters; shorten it to at most %(limit)d.")
            % {"field": label, "length": len(text), "limit": limit},
            field=field,
        )
    if "\x00" in text:
        raise IntakeRefused(
            _("The %(field)s contains a character that is not allowed.") % {"field": label}, field=field
        )
    return text


def normalise_phone(phone):
    """The number as stored and looked up: E.164 (massline.lib.phones), so "+86 138…" and "138…" are one
    caller; a number phonenumbers cannot read keeps its digits."""
    return phone_key(phone)


def _phone(value):
    raw = (value or "").strip()
    if not raw:
        return ""
    digits = sum(ch.isdigit() for ch in raw)
    if not _PHONE_SHAPE.match(raw) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise IntakeRefused(
            _(
                "“%(phone)s” does not look like a phone number: use digits only, "
                "e.g. 13812345678 or 0731-88881234."
            )
            % {"phone": raw[:40]},
            field="citizen_phone",
        )
    return normalise_phone(raw)


def _email(value):
    email = (value or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise IntakeRefused(
            _("“%(email)s” is not an e-mail address: check it, or leave it empty.") % {"email": email[:100]},
            field="citizen_email",
        ) from None
    return email


def _coordinate(value, *, field, bound):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not -bound <= number <= bound:
        raise IntakeRefused(
            _(
                "The %(field)s must be a number between -%(bound)d and %(bound)d: "
                "correct it or leave it empty."
            )
            % {"field": _("latitude") if field == "lat" else _("longitude"), "bound": bound},
            field=field,
        )
    return number.quantize(Decimal("0.000001"))


# The place ------------------------------------------------------------------------------------------


def _distance_km(lat1, lon1, lat2, lon2):
    """Equirectangular distance: exact enough within a county, and cheap."""
    mean = math.radians((lat1 + lat2) / 2)
    dx = (lon2 - lon1) * math.cos(mean) * 111.32
    dy = (lat2 - lat1) * 110.57
    return math.hypot(dx, dy)


def region_for_point(lat, lon):
    """The region of (lat, lon): the finest township or village whose boundary holds the point (if
    boundaries were imported), then, below it or everywhere without one, the township, village or grid
    whose centre is nearest, if within the match distance."""
    if lat is None or lon is None:
        return None
    limit = float(_setting("MASSLINE_REGION_MATCH_KM"))
    holders = [p for p in _places() if p.boundary and contains(p.boundary, lat, lon)]
    within = max(holders, key=lambda place: place.depth) if holders else None
    best, best_km = within.region if within else None, None
    for place in _places():
        if place.lat is None or (within and not place.region.path.startswith(within.region.path)):
            continue
        km = _distance_km(float(lat), float(lon), place.lat, place.lon)
        if km <= limit and (best_km is None or km < best_km):
            best, best_km = place.region, km
    return best


def region_for_address(address):
    """The finest region whose name appears in the address (一号镇一号村 → 一号村), or None."""
    if not address:
        return None
    folded = address.lower()
    matches = [
        place
        for place in _places()
        if (len(place.name) >= 2 and place.name in address)
        or (len(place.name_en) >= 4 and place.name_en in folded)
    ]
    if not matches:
        return None
    return max(matches, key=lambda place: (place.depth, len(place.name))).region


@dataclass(frozen=True)
class _Place:
    region: Region
    name: str
    name_en: str  # lower-cased for matching
    depth: int
    lat: float | None
    lon: float | None
    boundary: dict | None = None


# Townships, villages and grids change a few times a year; intake reads them on every submission (to
# place a demand by its point or its address), so each process keeps them for a short while instead of
# reading the whole table per request. Saving or deleting a region drops the copy at once.
_PLACES_TTL = 60.0
_places_cache = {"at": -_PLACES_TTL, "rows": ()}


def _places():
    now = time.monotonic()
    if now - _places_cache["at"] >= _PLACES_TTL:
        _places_cache["rows"] = tuple(
            _Place(
                region=region,
                name=region.name,
                name_en=region.name_en.lower(),
                depth=region.path.count("/"),
                lat=float(region.centre_lat) if region.centre_lat is not None else None,
                lon=float(region.centre_lon) if region.centre_lon is not None else None,
                boundary=region.boundary,
            )
            for region in Region.objects.filter(level__in=PLACE_LEVELS).only(
                "pk", "centre_lat", "centre_lon", "level", "path", "name", "name_en", "boundary"
            )
        )
        _places_cache["at"] = now
    return _places_cache["rows"]


def region_places_forget(**kwargs):
    """Drop the cached places (a region was saved or deleted; tests). A receiver of Region's signals."""
    _places_cache["at"] = -_PLACES_TTL


# The citizen ----------------------------------------------------------------------------------------


def _citizen(*, name, phone, email, by):
    """The citizen record of this submission: the signed-in citizen's own, the one an operator finds by
    the caller's number, or a new one; None for an anonymous submission without any contact."""
    if by is not None and not user_scope(by).is_official:
        own = Citizen.objects.filter(user=by).first()
        if own is not None:
            return own
    if not (name or phone or email):
        return None
    if phone and by is not None and user_scope(by).is_official:
        existing = Citizen.objects.filter(phone=phone).order_by("pk").first()
        if existing is not None:
            return existing
    return citizen_create(name=name, phone=phone, email=email, by=by)


def _language(language):
    codes = dict(settings.LANGUAGES)
    language = language or translation.get_language() or ""
    if language in codes:
        return language
    base = language.split("-")[0]
    return next((code for code in codes if code.split("-")[0] == base), "")


def public_summary(description, *, names=()):
    text = " ".join(mask_public(description, names=names).split())
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


# Services -------------------------------------------------------------------------------------------


def case_submit(
    *,
    type,
    title,
    description,
    category=None,
    urgency=Urgency.NORMAL,
    channel=Channel.WEB,
    address="",
    lat=None,
    lon=None,
    region=None,
    citizen_name="",
    citizen_phone="",
    citizen_email="",
    is_public=False,
    attachments=(),
    idempotency_key=None,
    by=None,
    received_at=None,
    language=None,
    records=(),
):
    """Receive a demand (受理): check it, store it with its citizen, place and attachments, acknowledge it.

    A retry with the same `idempotency_key` returns the demand the first submission created, even when
    both arrive at once. Raises IntakeRefused (naming the field) and saves nothing when input is wrong.
    `records`: unsaved rows of the channel that belong to the demand (their `case` is set here), saved in
    the demand's own transaction; a retry that returns an earlier demand leaves them unsaved.
    """
    type = _choice(type, CaseType, "type", _("Choose what kind of demand this is."))
    urgency = _choice(urgency, Urgency, "urgency", _("Choose an urgency from the list."))
    channel = _choice(channel, Channel, "channel", _("Choose the channel the demand came through."))
    title = _text(title, field="title", limit=TITLE_MAX, required=True, label=_("title"))
    description = _text(
        description, field="description", limit=DESCRIPTION_MAX, required=True, label=_("description")
    )
    address = _text(address, field="address", limit=ADDRESS_MAX, required=False, label=_("address"))
    citizen_name = _text(citizen_name, field="citizen_name", limit=NAME_MAX, required=False, label=_("name"))
    citizen_phone = _phone(citizen_phone)
    citizen_email = _email(citizen_email)
    lat = _coordinate(lat, field="lat", bound=90)
    lon = _coordinate(lon, field="lon", bound=180)
    if (lat is None) != (lon is None):
        raise IntakeRefused(
            _("Give both the latitude and the longitude, or neither."), field="lat" if lat is None else "lon"
        )
    if category is not None and not category.is_active:
        raise IntakeRefused(_("This category is no longer used: choose another one."), field="category")
    key = (idempotency_key or "").strip() or None
    if key is not None and len(key) > KEY_MAX:
        raise IntakeRefused(_("The submission key is too long: reload the form and submit again."))
    files = check_attachments(attachments)

    if key is not None and (existing := Case.objects.filter(idempotency_key=key).first()) is not None:
        return existing
    stored = []
    try:
        with transaction.atomic():
            case = _create(
                type=type,
                title=title,
                description=description,
                category=category,
                urgency=urgency,
                channel=channel,
                address=address,
                lat=lat,
                lon=lon,
                region=region,
                citizen_name=citizen_name,
                citizen_phone=citizen_phone,
                citizen_email=citizen_email,
                is_public=is_public,
                files=files,
                stored=stored,
                key=key,
                by=by,
                received_at=received_at or timezone.now(),
                language=_language(language),
            )
            for record in records:
                record.case = case
                record.save(force_insert=True)
    except IntegrityError:
        _remove(stored)
        if key is not None and (existing := Case.objects.filter(idempotency_key=key).first()) is not None:
            return existing
        raise
    except BaseException:
        _remove(stored)
        raise
    return case


def _remove(stored):
    """Delete files written for a submission that was rolled back: nothing half-written stays behind."""
    for field_file in stored:
        try:
            field_file.storage.delete(field_file.name)
        except OSError:
            log.warning("could not remove %s after a failed submission", field_file.name)


def _create(
    *,
    type,
    title,
    description,
    category,
    urgency,
    channel,
    address,
    lat,
    lon,
    region,
    citizen_name,
    citizen_phone,
    citizen_email,
    is_public,
    files,
    stored,
    key,
    by,
    received_at,
    language,
):
    citizen = _citizen(name=citizen_name, phone=citizen_phone, email=citizen_email, by=by)
    if region is None:
        region = region_for_point(lat, lon) or region_for_address(address)
    names = [n for n in (citizen_name, getattr(citizen, "name", "")) if n]
    case = Case.objects.create(
        idempotency_key=key,
        type=type,
        title=title,
        description=description,
        public_summary=public_summary(description, names=names),
        category=category,
        urgency=urgency,
        channel=channel,
        address=address,
        lat=lat,
        lon=lon,
        region=region,
        citizen=citizen,
        is_public=bool(is_public),
        language=language,
        status=CaseStatus.RECEIVED,
        created_by=by if by is not None and by.is_authenticated else None,
        received_at=received_at,
        # The worker looks at it at once and gives it the centre's time to dispatch (schedule.py), so
        # intake itself computes no time limit.
        next_check_at=received_at,
    )
    for upload, name, kind in files:
        attachment = Attachment(
            case=case, original_name=name[:200], content_type=FILE_KINDS[kind].content_type, size=upload.size
        )
        attachment.file.save(name, upload, save=False)
        stored.append(attachment.file)
        attachment.save()
    case_record_creation(
        case=case,
        by=by,
        event_kind=EventKind.RECEIVED,
        at=received_at,
        data={"channel": channel, "attachments": len(files), "idempotent": key is not None},
    )
    notify_citizen(case=case, kind="received")
    # Every channel's demand passes here: the listeners (routing's auto-dispatch) see it after the commit.
    case_id = case.pk
    transaction.on_commit(lambda: seams.demand_received(case_id=case_id))
    return case


@transaction.atomic
def case_answer_directly(*, case, article, by, at=None):
    """An operator answers a consultation from a published knowledge-base answer (直接答复): the demand is
    replied at once, without dispatch; the citizen can still rate it."""
    scope = user_scope(by)
    if not scope.has_role(Role.OPERATOR, Role.DISPATCHER):
        raise PermissionDenied(_("Only the centre's operators and dispatchers answer demands directly."))
    if not isinstance(article, KnowledgeArticle) or not article.is_published:
        raise IntakeRefused(
            _("This knowledge-base answer is not published: choose a published one or dispatch the demand."),
            field="article",
        )
    if case.type != CaseType.CONSULTATION:
        raise IntakeRefused(
            _(
                "Only consultations (questions) are answered directly from the knowledge base: "
                "dispatch this demand to the unit responsible."
            ),
            field="type",
        )
    if case.status not in SYSTEM_MOVES["answer_directly"].statuses:
        raise InvalidTransition(
            _(
                "Only a newly received demand can be answered directly; this one is “%(status)s”. "
                "Reload it to see what it needs now."
            )
            % {"status": CaseStatus(case.status).label}
        )
    at = at or timezone.now()
    case_apply(
        case=case,
        by=by,
        event_kind=EventKind.ANSWERED_DIRECTLY,
        to=CaseStatus.REPLIED,
        fields={
            "reply": article.answer,
            "replied_at": at,
            "first_contact_at": case.first_contact_at or at,
            "next_check_at": None,
        },
        at=at,
        data={"article": article.pk},
    )
    notify_citizen(case=case, kind="replied")
    return case


def suggest_unit(*, category, region):
    """The unit a new demand should probably go to (派单建议), or None.

    The nearest category up the tree that says where its demands go decides: its default unit, or, when it
    routes by place, the township/street government serving the demand's region (属地管理).
    """
    if category is None:
        return None
    codes = [code for code in category.path.strip("/").split("/") if code]
    nodes = {
        c.code: c
        for c in Category.objects.filter(code__in=codes)
        .select_related("default_unit")
        .only("code", "route_by_place", "default_unit")
    }
    for code in reversed(codes):
        node = nodes.get(code)
        if node is None:
            continue
        if node.route_by_place:
            return township_government_for(region)
        if node.default_unit_id and node.default_unit.is_active:
            return node.default_unit
    return None


def township_government_for(region):
    """The township/street government serving `region` or the nearest region above it that one serves."""
    if region is None:
        return None
    governments = Unit.objects.filter(
        kind=UnitKind.TOWNSHIP_GOVERNMENT, is_active=True, regions__path__in=_ancestor_paths(region.path)
    ).values_list("pk", "regions__path")
    best = max(governments, key=lambda row: len(row[1]), default=None)
    return Unit.objects.get(pk=best[0]) if best else None


def _ancestor_paths(path):
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
