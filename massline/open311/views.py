"""GeoReport v2 endpoints: parse the request strictly, call a selector or service, render XML or JSON.

Every refusal is the specification's error document in the requested format: 403 for a missing or
wrong api_key, 404 for an unknown service, request or jurisdiction, 429 over a key's rate limit, 400
otherwise. A request is named by its random public id; the numeric ids of earlier versions still read.
"""

import functools
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from massline.lib.errors import DomainError
from massline.lib.ratelimit import count_hit, seconds_left

from . import inputs, present, selectors, services
from .errors import Open311Error, bad_request, forbidden, not_found
from .models import Submission
from .render import respond, respond_error

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the list of endpoints below last changed (discovery's `changeset`): bump it with the endpoints.
CHANGESET = "2026-11-26T00:00:00+08:00"
MAX_RANGE = timedelta(days=90)
DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 1000


def endpoint(methods):
    """Decorate a view(request, params, fmt, …): strict parameters, jurisdiction, errors in `fmt`."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, fmt, **kwargs):
            try:
                if request.method not in methods:
                    raise Open311Error(
                        405,
                        _("%(method)s is not allowed here: use %(allowed)s.")
                        % {"method": request.method, "allowed": ", ".join(methods)},
                        headers={"Allow": ", ".join(methods)},
                    )
                params = inputs.query_params(request)
                if request.method == "POST":
                    params = _form_params(request, params)
                _check_jurisdiction(params)
                return view(request, params, fmt, **kwargs)
            except Open311Error as error:
                return respond_error(fmt, error)

        return wrapper

    return decorate


def _form_params(request, query):
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise bad_request(_("Send the request as application/x-www-form-urlencoded, as GeoReport v2 says."))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length < 0 or length > inputs.MAX_BODY_BYTES:
        raise bad_request(
            _("The request body is too large: at most %(size)d KB.") % {"size": inputs.MAX_BODY_BYTES // 1024}
        )
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise bad_request(_("The request body is too large.")) from exc
    form = inputs.parse_pairs(body)
    for name in query.names():
        if name not in form:
            for value in query.getlist(name):
                form.lists.setdefault(name, []).append(value)
    return form


def _check_jurisdiction(params):
    served = settings.MASSLINE_OPEN311_JURISDICTION
    sent = params.get("jurisdiction_id").strip()
    if served and sent and sent != served:
        raise not_found(
            _("This server serves jurisdiction_id “%(served)s”, not “%(sent)s”.")
            % {"served": served, "sent": sent[:100]}
        )


def _require_key(params):
    key = selectors.apikey_find(params.get("api_key").strip())
    if key is None:
        raise forbidden()
    limit = key.limit_per_minute()
    if limit:
        if count_hit(f"open311:{key.pk}", window=60) > limit:
            raise Open311Error(
                429,
                _("This api_key made more than %(limit)d requests this minute: wait a minute and retry.")
                % {"limit": limit},
                headers={"Retry-After": str(seconds_left(60))},
            )
    return key


@endpoint(["GET"])
def discovery(request, params, fmt):
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "xml"})).rsplit("/", 1)[0]
    document = {
        "changeset": CHANGESET,
        "contact": settings.MASSLINE_OPEN311_CONTACT
        or _("Ask the platform's administrator (see docs/open311.md)."),
        "key_service": settings.MASSLINE_OPEN311_CONTACT
        or _("API keys are issued by the platform's administrator."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", document)


@endpoint(["GET"])
def service_list(request, params, fmt):
    services_ = [
        {
            "service_code": category.code,
            "service_name": category.label,
            "description": description,
            "metadata": has_attributes,
            "type": service_type,
            "keywords": category.keywords,
            "group": group,
        }
        for category, group, has_attributes, service_type, description in selectors.service_list()
    ]
    return respond(fmt, "services", services_)


@endpoint(["GET"])
def service_definition(request, params, fmt, code):
    service = selectors.service_get(code, cached=False)
    if service is None:
        raise not_found(
            _("There is no service “%(code)s”: see services.%(fmt)s.") % {"code": code, "fmt": fmt}
        )
    document = {
        "service_code": service.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                "values": [{"key": key, "name": name} for key, name in a.values],
            }
            for a in service.attributes
        ],
    }
    return respond(fmt, "service_definition", document)


@endpoint(["GET", "POST"])
def requests_(request, params, fmt):
    if request.method == "POST":
        return _post_request(request, params, fmt)
    return _list_requests(request, params, fmt)


def _post_request(request, params, fmt):
    key = _require_key(params)
    data = inputs.read_request_form(params)
    service = selectors.service_get(data.service_code)
    if service is None:
        raise not_found(
            _("There is no service “%(code)s”: see services.%(fmt)s.")
            % {"code": data.service_code[:40], "fmt": fmt}
        )
    attributes = inputs.check_attributes(inputs.attribute_answers(params), service.attributes)
    idempotency_key = request.headers.get("Idempotency-Key", "").strip()[:64] or None
    try:
        submission = services.request_submit(
            api_key=key, service=service, data=data, attributes=attributes, idempotency_key=idempotency_key
        )
    except DomainError as exc:
        raise bad_request(str(exc.message)) from exc
    answer = {"service_notice": service.service_notice, "account_id": submission.account_id or None}
    if submission.token:
        answer = {"token": submission.token, **answer}
    else:
        answer = {"service_request_id": submission.case.public_id, **answer}
    return respond(fmt, "service_requests", [answer], status=201)


def _csv(params, name):
    """Every value of `name`: comma-separated lists and repeated parameters (?status=open&status=closed)."""
    return [part.strip() for value in params.getlist(name) for part in value.split(",") if part.strip()]


def _id_filter(ids):
    """Public ids, or the numeric ids earlier versions answered (still readable by their clients)."""
    numeric = [int(part) for part in ids if part.isdigit() and len(part) < 19]
    public = [part for part in ids if not part.isdigit()]
    if any(not selectors.PUBLIC_ID_SHAPE.match(part) for part in public) or len(numeric) + len(public) < len(
        ids
    ):
        raise bad_request(_("service_request_id must be a comma-separated list of request ids."))
    return Q(public_id__in=public) | Q(pk__in=numeric)


def _list_requests(request, params, fmt):
    queryset = selectors.public_requests()
    ids = _csv(params, "service_request_id")
    extensions = params.get("extensions").strip().lower() == "true"
    if ids:
        queryset = queryset.filter(_id_filter(ids))
        page, page_size = 1, MAX_PAGE_SIZE
    else:
        queryset, page, page_size = _filtered(queryset, params)
    queryset = queryset.order_by("-received_at", "-pk")
    offset = (page - 1) * page_size
    cases = queryset[offset : offset + page_size]
    if extensions:
        cases = selectors.with_notes(cases)
    return respond(fmt, "service_requests", _present(list(cases), extensions=extensions))


def _date_range(params):
    """start_date and end_date, at most 90 days apart; by default the last 90 days."""
    now = timezone.now()
    start = (
        inputs.parse_datetime("start_date", params.get("start_date")) if params.get("start_date") else None
    )
    end = inputs.parse_datetime("end_date", params.get("end_date")) if params.get("end_date") else None
    try:
        if start is None and end is None:
            end = now
            start = now - MAX_RANGE
        elif start is None:
            start = end - MAX_RANGE
        elif end is None:
            end = min(now, start + MAX_RANGE) if start < now else start + MAX_RANGE
    except OverflowError as exc:
        raise bad_request(_("start_date and end_date must lie between the years 1 and 9999.")) from exc
    if end < start:
        raise bad_request(_("end_date is before start_date."))
    if end - start > MAX_RANGE:
        raise bad_request(_("start_date and end_date may be at most 90 days apart."))
    return start, end


def _filtered(queryset, params):
    start, end = _date_range(params)
    queryset = queryset.filter(received_at__gte=start, received_at__lte=end)
    codes = _csv(params, "service_code")
    if codes:
        queryset = queryset.filter(category__code__in=codes)
    statuses = [s.lower() for s in _csv(params, "status")]
    if statuses:
        if any(s not in ("open", "closed") for s in statuses):
            raise bad_request(_("status must be open, closed, or both comma-separated."))
        wanted = [code for code, label in present.OPEN311_STATUS.items() if label in statuses]
        queryset = queryset.filter(status__in=wanted)
    page, page_size = _paging(params)
    return queryset, page, page_size


def _paging(params):
    page = _positive_int(params, "page", 1)
    page_size = _positive_int(params, "page_size", DEFAULT_PAGE_SIZE)
    if page_size > MAX_PAGE_SIZE:
        raise bad_request(_("page_size may be at most %(max)d.") % {"max": MAX_PAGE_SIZE})
    return page, page_size


def _positive_int(params, name, default):
    value = params.get(name).strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1 or len(value) > 9:
        raise bad_request(_("%(name)s must be a whole number of 1 or more.") % {"name": name})
    return int(value)


def _present(cases, *, extensions):
    expected = present.ExpectedTimes()
    notices = _notices({c.category.code for c in cases if c.category_id})
    return [
        present.request_fields(
            case,
            expected=expected,
            service_notice=notices.get(case.category.code if case.category_id else "", ""),
            extensions=extensions,
        )
        for case in cases
    ]


def _notices(codes):
    from .models import ServiceOptions

    return dict(
        ServiceOptions.objects.filter(category__code__in=codes)
        .exclude(service_notice="")
        .values_list("category__code", "service_notice")
    )


@endpoint(["GET"])
def request_detail(request, params, fmt, request_id):
    queryset = selectors.public_requests()
    if params.get("extensions").strip().lower() == "true":
        queryset = selectors.with_notes(queryset)
        extensions = True
    else:
        extensions = False
    if request_id.isdigit():
        case = queryset.filter(pk=int(request_id)).first() if len(request_id) < 19 else None
    else:
        case = queryset.filter(public_id=request_id).first() if len(request_id) <= 16 else None
    if case is None:
        raise not_found(_("There is no public request %(id)s.") % {"id": request_id})
    return respond(fmt, "service_requests", _present([case], extensions=extensions))


@endpoint(["GET"])
def token_detail(request, params, fmt, token):
    submission = (
        Submission.objects.filter(token=token).select_related("case").only("case__public_id", "token").first()
    )
    if submission is None:
        raise not_found(_("There is no request with this token."))
    return respond(
        fmt,
        "service_requests",
        [{"service_request_id": submission.case.public_id, "token": submission.token}],
    )


@endpoint(["GET"])
def request_updates(request, params, fmt):
    """mySociety's updates feed, oldest first; `page` and `page_size` (≤ 1000) page through a busy range."""
    _require_key(params)
    start, end = _date_range(params)
    page, page_size = _paging(params)
    offset = (page - 1) * page_size
    events = (
        selectors.public_events(selectors.public_requests().values("pk"))
        .filter(at__gte=start, at__lte=end)
        .annotate(case_public_id=F("case__public_id"))
        .order_by("at", "id")[offset : offset + page_size]
    )
    updates = [present.update_fields(event) for event in events]
    return respond(fmt, "service_request_updates", updates)


def not_an_endpoint(request, path):
    """Anything else under /open311/v2/: a 404 in the format the path asks for (XML by default)."""
    fmt = "json" if path.endswith(".json") else "xml"
    return respond_error(
        fmt, not_found(_("There is no such Open311 endpoint: see discovery.%(fmt)s.") % {"fmt": fmt})
    )
