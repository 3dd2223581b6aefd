"""/api/v1/: demands (public and staff), staff actions, reference data and public statistics.

Thin, as DESIGN.md asks: each operation parses input, calls a `cases` service or selector and renders an
output schema. Every error has one shape, {"code", "message", "details"} (schemas.ErrorOut).
"""

import base64
import binascii
from datetime import datetime
from typing import Annotated

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, NinjaAPI, Path, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from massline.audit.services import audit_record_read
from massline.cases import routing_seam, selectors_public
from massline.cases import selectors as case_selectors
from massline.cases.actors import case_allowed_actions
from massline.cases.choices import OPEN_STATUSES, CaseStatus, EventKind
from massline.cases.models import Case, Category, Extension
from massline.lib.errors import DomainError, NotFound
from massline.org.models import Region, Unit
from massline.org.selectors import user_scope

from . import schemas as s
from .auth import TokenAuth, optional_user

api = NinjaAPI(
    title="Massline API",
    version="1.0.0",
    description=(
        "Demands (诉求), staff actions, reference data and public statistics. Officials authenticate "
        "with a personal token (Authorization: Bearer …) and see what the web UI shows them. Errors: "
        '{"code": "…", "message": "…", "details": …}. See docs/api.md.'
    ),
    urls_namespace="api",
    docs=Swagger(),
)

ERRORS = {
    400: s.ErrorOut,
    401: s.ErrorOut,
    403: s.ErrorOut,
    404: s.ErrorOut,
    409: s.ErrorOut,
    412: s.ErrorOut,
    422: s.ErrorOut,
    429: s.ErrorOut,
}
PUBLIC_ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 404: s.ErrorOut, 422: s.ErrorOut, 429: s.ErrorOut}
PAGE_SIZE_MAX = 100
MAX_ID = 2**53
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description='The demand\'s version as its ETag ("3"): the write is refused with 412 if it changed.',
    ),
]


def _error(request, status, code, message, details=None):
    return api.create_response(
        request, {"code": code, "message": str(message), "details": details}, status=status
    )


@api.exception_handler(DomainError)
def _domain_error(request, exc):
    details = {"field": exc.field} if getattr(exc, "field", None) else None
    return _error(request, exc.status, exc.code, exc.message, details)


@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    details = [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors
    ]
    return _error(request, 422, "invalid_input", _("Some input is missing or invalid: see details."), details)


@api.exception_handler(AuthenticationError)
def _authentication_error(request, exc):
    return _error(request, 401, "unauthorized", _("Send a valid personal API token: Authorization: Bearer …"))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, f"http_{exc.status_code}", str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("There is no such object, or you may not see it."))


# --- helpers -------------------------------------------------------------------------------------------


def _code(obj):
    return obj.code if obj is not None else None


def _encode_cursor(case):
    raw = f"{case.received_at.isoformat()}|{case.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after_cursor(queryset, cursor):
    """Demands after `cursor` in the order (-received_at, -id); 400 for a cursor we did not issue."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.rsplit("|", 1)
        at, pk = datetime.fromisoformat(stamp), int(pk)
        if at.tzinfo is None or not 0 < pk <= MAX_ID:
            raise ValueError
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise DomainError(
            _("This cursor is not valid: start again without one."), code="invalid_cursor"
        ) from exc
    return queryset.filter(Q(received_at__lt=at) | Q(received_at=at, pk__lt=pk))


def _page(queryset, cursor, limit):
    queryset = queryset.order_by("-received_at", "-pk")
    if cursor:
        queryset = _after_cursor(queryset, cursor)
    items = list(queryset[: limit + 1])
    next_cursor = _encode_cursor(items[limit - 1]) if len(items) > limit else None
    return items[:limit], next_cursor


def _public_out(case):
    view = selectors_public.public_view(case)
    return {
        "id": case.pk,
        "type": case.type,
        "title": view["title"],
        "summary": view["summary"],
        "category": _code(case.category),
        "category_name": case.category.label if case.category_id else None,
        "status": case.status,
        "address": view["address"],
        "lead_unit": _code(case.lead_unit),
        "received_at": case.received_at,
        "replied_at": case.replied_at,
        "reply": view["reply"],
    }


def _staff_out(case):
    return {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "type": case.type,
        "title": case.title,
        "description": case.description,
        "category": _code(case.category),
        "urgency": case.urgency,
        "channel": case.channel,
        "status": case.status,
        "address": case.address,
        "lat": float(case.lat) if case.lat is not None else None,
        "lon": float(case.lon) if case.lon is not None else None,
        "region": _code(case.region),
        "lead_unit": _code(case.lead_unit),
        "first_unit": _code(case.first_unit),
        "received_at": case.received_at,
        "dispatched_at": case.dispatched_at,
        "signed_at": case.signed_at,
        "replied_at": case.replied_at,
        "closed_at": case.closed_at,
        "due_dispatch_at": case.due_dispatch_at,
        "due_sign_at": case.due_sign_at,
        "due_contact_at": case.due_contact_at,
        "due_reply_at": case.due_reply_at,
        "due_provisional": case.due_provisional,
        "is_overdue": case.is_overdue,
        "reply": case.reply,
        "satisfaction": case.satisfaction,
        "version": case.version,
    }


def _unit(code):
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise NotFound(_("There is no active unit “%(code)s”: see /api/v1/units.") % {"code": code})
    return unit


def _staff_case(request, pk):
    return case_selectors.case_get_for_staff(user=request.auth, pk=pk)


def _etag(case):
    return f'"{case.version}"'


def _if_match_versions(header):
    """The versions an If-Match header names (None for "*"); 400 for one that is not a list of ETags."""
    if header.strip() == "*":
        return None
    versions = set()
    for part in header.split(","):
        tag = part.strip().removeprefix("W/").strip()
        if len(tag) >= 2 and tag[0] == tag[-1] == '"':
            tag = tag[1:-1]
        if not tag.isdigit() or len(tag) > 12:
            raise DomainError(
                _('If-Match must name the demand\'s version as its ETag, for example "3".'),
                code="invalid_if_match",
            )
        versions.add(int(tag))
    return versions


def _expect_version(case, *, if_match, version):
    """Optimistic concurrency of every write: refuse it when the client's copy of `case` is stale.

    A stale If-Match answers 412 (RFC 9110), a stale `version` in the body 409. When the client named the
    version it read, the service's conditional update is guarded by that version, so a change landing
    between this check and the write is refused as a concurrent update (409) instead of overwritten.
    """
    if if_match is not None:
        versions = _if_match_versions(if_match)
        if versions is not None and case.version not in versions:
            raise StaleVersion(status=412, current=case.version)
    if version is not None and version != case.version:
        raise StaleVersion(status=409, current=case.version)


class StaleVersion(DomainError):
    code = "stale_version"

    def __init__(self, *, status, current):
        super().__init__(
            _("Someone changed this demand since you read it (it is now version %(version)d): read it again.")
            % {"version": current}
        )
        self.status = status
        self.current = current


# --- reference data and statistics ---------------------------------------------------------------------

reference = Router(tags=["reference data"])


@reference.get("/categories", response={200: list[s.CategoryOut], **PUBLIC_ERRORS}, auth=None)
def categories(request):
    """Active categories in tree order (the service codes of Open311 are the leaves' codes)."""
    optional_user(request)
    return [
        {
            "code": c.code,
            "name": c.name,
            "name_en": c.name_en,
            "parent": _code(c.parent),
            "depth": c.depth,
            "keywords": c.keywords,
        }
        for c in Category.objects.filter(is_active=True).select_related("parent").order_by("path")
    ]


@reference.get("/units", response={200: list[s.UnitOut], **PUBLIC_ERRORS}, auth=None)
def units(request):
    """Active handling units with their public office phone."""
    optional_user(request)
    return [
        {
            "code": u.code,
            "name": u.name,
            "name_en": u.name_en,
            "kind": u.kind,
            "parent": _code(u.parent),
            "public_phone": u.public_phone,
        }
        for u in Unit.objects.filter(is_active=True).select_related("parent").order_by("path")
    ]


@reference.get("/regions", response={200: list[s.RegionOut], **PUBLIC_ERRORS}, auth=None)
def regions(request):
    """Regions (county, townships and streets, villages and communities, grids) in tree order."""
    optional_user(request)
    return [
        {
            "code": r.code,
            "name": r.name,
            "name_en": r.name_en,
            "level": r.level,
            "parent": _code(r.parent),
            "centre_lat": float(r.centre_lat) if r.centre_lat is not None else None,
            "centre_lon": float(r.centre_lon) if r.centre_lon is not None else None,
        }
        for r in Region.objects.select_related("parent").order_by("path")
    ]


@reference.get("/statistics", response={200: s.StatisticsOut, **PUBLIC_ERRORS}, auth=None)
def statistics(request, since: s.Instant | None = None, until: s.Instant | None = None):
    """Public figures: demands received, open, answered, and each lead unit's shares in [since, until)."""
    optional_user(request)
    if since is not None and until is not None and until < since:
        raise DomainError(_("until is before since."), code="invalid_range")
    cases = Case.objects.all()
    if since is not None:
        cases = cases.filter(received_at__gte=since)
    if until is not None:
        cases = cases.filter(received_at__lt=until)
    figures = selectors_public.unit_figures(since=since, until=until)
    return {
        "since": since,
        "until": until,
        "received": cases.count(),
        "open": cases.filter(status__in=sorted(OPEN_STATUSES)).count(),
        "answered": cases.filter(status__in=[CaseStatus.REPLIED, CaseStatus.CLOSED]).count(),
        "units": [
            {
                "unit": f.unit.code,
                "unit_name": f.unit.label,
                "received": f.received,
                "answered": f.answered,
                "closed": f.closed,
                "on_time": f.on_time,
                "rated": f.rated,
                "satisfied": f.satisfied,
                "not_rated": f.not_rated,
                "on_time_share": f.on_time_share,
                "satisfaction_share": f.satisfaction_share,
            }
            for f in figures
        ],
    }


@reference.get("/me", response={200: s.MeOut, **ERRORS}, auth=TokenAuth())
def me(request):
    """The official the token belongs to, with the roles that decide what the API shows."""
    user = request.auth
    scope = user_scope(user)
    return {
        "username": user.get_username(),
        "display_name": user.display_name,
        "roles": sorted(str(role) for role in scope.roles),
        "units": [path.strip("/").split("/")[-1] for path in scope.unit_paths],
        "regions": [path.strip("/").split("/")[-1] for path in scope.region_paths],
    }


# --- demands, public -----------------------------------------------------------------------------------

demands = Router(tags=["demands"])


@demands.post("/demands", response={201: s.DemandCreatedOut, 200: s.DemandCreatedOut, **ERRORS}, auth=None)
def demand_create(
    request,
    payload: s.DemandIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=64)] = None,
):
    """Submit a demand. A retry with the same Idempotency-Key returns the first demand (200) instead of
    creating another (201). The tracking code in the answer is the citizen's key: keep it."""
    from massline.cases.services.intake import case_submit

    user = optional_user(request)
    key = None
    if idempotency_key and idempotency_key.strip():
        if "\x00" in idempotency_key:
            raise DomainError(_("The Idempotency-Key header is not valid."), code="invalid_idempotency_key")
        key = f"api:{user.pk if user else 'anon'}:{idempotency_key.strip()}"
    category = None
    if payload.category:
        category = Category.objects.filter(code=payload.category, is_active=True).first()
        if category is None:
            raise NotFound(
                _("There is no active category “%(code)s”: see /api/v1/categories.")
                % {"code": payload.category}
            )
    existed = key is not None and Case.objects.filter(idempotency_key=key).exists()
    case = case_submit(
        type=payload.type,
        title=payload.title,
        description=payload.description,
        category=category,
        urgency=payload.urgency,
        channel="api",
        address=payload.address,
        lat=payload.lat,
        lon=payload.lon,
        citizen_name=payload.citizen_name,
        citizen_phone=payload.citizen_phone,
        citizen_email=payload.citizen_email,
        is_public=payload.is_public,
        idempotency_key=key,
        by=user,
    )
    body = {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "status": case.status,
        "received_at": case.received_at,
    }
    return Status(200 if existed else 201, body)


@demands.get("/demands", response={200: s.PublicDemandPage, **PUBLIC_ERRORS}, auth=None)
def demand_list(
    request,
    category: s.Code | None = None,
    status: s.StatusName | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = 20,
):
    """Public demands (the citizen allowed publication), newest first, masked; `next_cursor` pages on."""
    optional_user(request)
    queryset = Case.objects.filter(is_public=True).select_related("category", "lead_unit", "citizen")
    if category:
        node = Category.objects.filter(code=category).first()
        queryset = queryset.filter(category__path__startswith=node.path) if node else queryset.none()
    if status:
        queryset = queryset.filter(status=status)
    items, next_cursor = _page(queryset, cursor, limit)
    return {"items": [_public_out(case) for case in items], "next_cursor": next_cursor}


def _public_case(pk):
    case = (
        Case.objects.filter(is_public=True, pk=pk).select_related("category", "lead_unit", "citizen").first()
    )
    if case is None:
        raise Http404
    return case


@demands.get("/demands/{id}", response={200: s.PublicDemandOut, **PUBLIC_ERRORS}, auth=None)
def demand_detail(request, id: Id):
    """One public demand, masked."""
    optional_user(request)
    return _public_out(_public_case(id))


@demands.get("/demands/{id}/timeline", response={200: list[s.PublicEventOut], **PUBLIC_ERRORS}, auth=None)
def demand_timeline(request, id: Id):
    """The public timeline of a public demand: what happened and when, notes masked."""
    optional_user(request)
    case = _public_case(id)
    names = [case.citizen.name] if case.citizen_id and case.citizen.name else []
    from massline.cases.masking import mask_public

    return [
        {
            "kind": e.kind,
            "label": str(EventKind(e.kind).label),
            "at": e.at,
            "note": mask_public(e.public_note, names=names),
        }
        for e in selectors_public.public_timeline(case)
    ]


@demands.post("/demands/{id}/rate", response={200: s.PublicDemandOut, **ERRORS}, auth=None)
def demand_rate(request, id: Id, payload: s.PublicRateIn):
    """The citizen rates the reply, proving it is theirs with the tracking code."""
    from massline.cases.services.visit import case_rate

    optional_user(request)
    case = selectors_public.case_for_code(payload.tracking_code)
    if case is None or case.pk != id:
        raise Http404
    case = case_rate(
        case=case,
        resolved=payload.resolved,
        satisfaction=payload.satisfaction,
        comment=payload.comment,
        by=None,
        via="tracking",
    )
    return _public_out(Case.objects.select_related("category", "lead_unit", "citizen").get(pk=case.pk))


# --- demands, staff ------------------------------------------------------------------------------------

staff = Router(tags=["staff"], auth=TokenAuth())


@staff.get("/demands", response={200: s.StaffDemandPage, **ERRORS})
def staff_demand_list(
    request,
    status: s.StatusName | None = None,
    category: s.Code | None = None,
    lead_unit: s.Code | None = None,
    overdue: bool | None = None,
    received_after: s.Instant | None = None,
    received_before: s.Instant | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX)] = 50,
):
    """The demands the official may see (the web UI's scope), newest first, with filters."""
    queryset = case_selectors.cases_for_user(request.auth).select_related(
        "category", "region", "lead_unit", "first_unit"
    )
    if status:
        queryset = queryset.filter(status=status)
    if category:
        node = Category.objects.filter(code=category).first()
        queryset = queryset.filter(category__path__startswith=node.path) if node else queryset.none()
    if lead_unit:
        queryset = queryset.filter(lead_unit__code=lead_unit)
    if overdue is not None:
        queryset = queryset.filter(is_overdue=overdue)
    if received_after:
        queryset = queryset.filter(received_at__gte=received_after)
    if received_before:
        queryset = queryset.filter(received_at__lt=received_before)
    items, next_cursor = _page(queryset, cursor, limit)
    return {"items": [_staff_out(case) for case in items], "next_cursor": next_cursor}


@staff.get("/demands/{id}", response={200: s.StaffDemandDetailOut, **ERRORS})
def staff_demand_detail(request, id: Id, response: HttpResponse):
    """One demand in scope with the citizen's contact (the read is logged); 404 outside the scope. Its
    ETag is the demand's version: send it back as If-Match (or `version` in the body) with a write."""
    case = _staff_case(request, id)
    response.headers["ETag"] = _etag(case)
    body = _staff_out(case)
    citizen = case.citizen
    body["citizen"] = (
        {"name": citizen.name, "phone": citizen.phone, "email": citizen.email}
        if citizen is not None
        else None
    )
    if citizen is not None:
        audit_record_read(obj=case, actor=request.auth, fields=["name", "phone", "email"], purpose="api")
    body["allowed_actions"] = case_allowed_actions(user=request.auth, case=case)
    return body


@staff.get("/demands/{id}/timeline", response={200: list[s.StaffEventOut], **ERRORS})
def staff_demand_timeline(request, id: Id):
    """The full timeline, internal notes included."""
    case = _staff_case(request, id)
    return [
        {
            "id": e.pk,
            "kind": e.kind,
            "label": str(EventKind(e.kind).label),
            "at": e.at,
            "actor": e.actor.get_username() if e.actor else None,
            "unit": _code(e.unit),
            "public_note": e.public_note,
            "internal_note": e.internal_note,
        }
        for e in case_selectors.case_timeline(case=case)
    ]


@staff.get("/demands/{id}/suggestions", response={200: s.SuggestionsOut, **ERRORS})
def staff_demand_suggestions(request, id: Id):
    """Routing's suggestions for the demand (top 3 categories and units, each with its confidence) and its
    possible duplicates; empty lists when routing is off."""
    case = _staff_case(request, id)
    shown = routing_seam.suggestions(case=case, user=request.auth) or {"trained": False}
    suggested = lambda rows: [  # noqa: E731
        {"code": row["obj"].code, "name": str(row["obj"]), "confidence": row["p"]} for row in rows
    ]
    return {
        "trained": shown["trained"],
        "categories": suggested(shown.get("categories", [])),
        "units": suggested(shown.get("units", [])),
        "duplicates": [
            {
                "id": d["case"].pk,
                "tracking_code": d["case"].tracking_code,
                "title": d["case"].title,
                "status": d["case"].status,
                "received_at": d["case"].received_at,
                "score": d["score"],
                "metres": d["metres"],
            }
            for d in routing_seam.duplicates(case=case, user=request.auth)
        ],
    }


def _after_action(request, case, response):
    case = _staff_case(request, case.pk)
    response.headers["ETag"] = _etag(case)
    return _staff_out(case)


@staff.post("/demands/{id}/dispatch", response={200: s.StaffDemandOut, **ERRORS})
def staff_dispatch(request, id: Id, payload: s.DispatchIn, response: HttpResponse, if_match: IfMatch = None):
    """Send a new demand to its lead unit (and co-handling units) — dispatchers (派单)."""
    from massline.cases.services.handling import case_dispatch

    case = _staff_case(request, id)
    _expect_version(case, if_match=if_match, version=payload.version)
    co_units = [_unit(code) for code in payload.co_units]
    case_dispatch(
        case=case, lead_unit=_unit(payload.lead_unit), co_units=co_units, by=request.auth, note=payload.note
    )
    return _after_action(request, case, response)


@staff.post("/demands/{id}/sign", response={200: s.StaffDemandOut, **ERRORS})
def staff_sign(request, id: Id, payload: s.SignIn, response: HttpResponse, if_match: IfMatch = None):
    """The unit signs for the demand (签收)."""
    from massline.cases.services.handling import case_sign

    case = _staff_case(request, id)
    _expect_version(case, if_match=if_match, version=payload.version)
    case_sign(case=case, unit=_unit(payload.unit), by=request.auth)
    return _after_action(request, case, response)


@staff.post("/demands/{id}/return", response={200: s.StaffDemandOut, **ERRORS})
def staff_return(request, id: Id, payload: s.ReturnIn, response: HttpResponse, if_match: IfMatch = None):
    """The lead unit returns the demand to the centre with a reason (退单)."""
    from massline.cases.services.handling import case_return

    case = _staff_case(request, id)
    _expect_version(case, if_match=if_match, version=payload.version)
    case_return(
        case=case, unit=_unit(payload.unit), reason=payload.reason, note=payload.note, by=request.auth
    )
    return _after_action(request, case, response)


@staff.post("/demands/{id}/reply", response={200: s.StaffDemandOut, **ERRORS})
def staff_reply(request, id: Id, payload: s.ReplyIn, response: HttpResponse, if_match: IfMatch = None):
    """The lead unit answers the citizen (答复)."""
    from massline.cases.services.handling import case_reply

    case = _staff_case(request, id)
    _expect_version(case, if_match=if_match, version=payload.version)
    case_reply(case=case, text=payload.text, by=request.auth)
    return _after_action(request, case, response)


@staff.post("/demands/{id}/extend", response={200: s.ExtensionOut, **ERRORS})
def staff_extend(request, id: Id, payload: s.ExtendIn, response: HttpResponse, if_match: IfMatch = None):
    """The lead unit asks the centre for more time (延期申请), in the reply clock's unit."""
    from massline.cases.services.handling import extension_request

    case = _staff_case(request, id)
    _expect_version(case, if_match=if_match, version=payload.version)
    extension = extension_request(case=case, amount=payload.amount, reason=payload.reason, by=request.auth)
    extension = Extension.objects.get(pk=extension.pk)
    response.headers["ETag"] = _etag(_staff_case(request, id))
    return {
        "id": extension.pk,
        "amount": extension.amount,
        "unit_of_time": extension.unit_of_time,
        "status": extension.status,
        "requested_at": extension.requested_at,
    }


@staff.post("/demands/{id}/rate", response={200: s.StaffDemandOut, **ERRORS})
def staff_rate(request, id: Id, payload: s.RateIn, response: HttpResponse, if_match: IfMatch = None):
    """An operator or dispatcher records the citizen's rating taken by phone (回访)."""
    from massline.cases.services.visit import case_rate

    case = _staff_case(request, id)
    _expect_version(case, if_match=if_match, version=payload.version)
    case_rate(
        case=case,
        resolved=payload.resolved,
        satisfaction=payload.satisfaction,
        comment=payload.comment,
        by=request.auth,
        via="phone",
    )
    return _after_action(request, case, response)


api.add_router("/", reference)
api.add_router("/", demands)
api.add_router("/staff", staff)
