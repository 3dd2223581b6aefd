"""Parsing what an Open311 client sends, strictly: broken UTF-8, NUL bytes, a body that is too large,
dates without a time zone or coordinates out of range are refused with the specification's 400.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from .choices import Datatype
from .errors import bad_request

# A form-encoded POST never needs more: 4,000 characters of description percent-encoded are ~36 KB.
MAX_BODY_BYTES = 256 * 1024
MAX_FIELDS = 200
DESCRIPTION_MAX = 4000
# Longest values of the other fields (the demand's and the submission's columns).
MAX_LENGTHS = {
    "service_code": 40,
    "address_string": 300,
    "address_id": 100,
    "email": 254,
    "device_id": 100,
    "account_id": 100,
    "first_name": 50,
    "last_name": 50,
    "phone": 40,
    "media_url": 500,
    "jurisdiction_id": 100,
    "api_key": 200,
}
ATTRIBUTE_MAX = 1000


class Params:
    """Decoded form or query parameters: name → list of values, in the order sent."""

    def __init__(self, pairs):
        self.lists = {}
        for name, value in pairs:
            self.lists.setdefault(name, []).append(value)

    def get(self, name, default=""):
        values = self.lists.get(name)
        return values[-1] if values else default

    def getlist(self, name):
        return self.lists.get(name, [])

    def __contains__(self, name):
        return name in self.lists

    def names(self):
        return list(self.lists)


def parse_pairs(raw):
    """`raw` (bytes of a query string or form body) as Params; a 400 when it is not valid UTF-8."""
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(
            text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS
        )
    except UnicodeDecodeError as exc:
        raise bad_request(_("The request is not valid UTF-8: encode every parameter as UTF-8.")) from exc
    except ValueError as exc:
        raise bad_request(_("Too many parameters: send at most %(count)d.") % {"count": MAX_FIELDS}) from exc
    for name, value in pairs:
        if "\x00" in name or "\x00" in value:
            raise bad_request(_("Parameters may not contain NUL characters."))
    return Params(pairs)


def query_params(request):
    return parse_pairs(request.META.get("QUERY_STRING", "").encode("latin-1", "replace"))


def parse_datetime(name, value):
    """A W3C/ISO 8601 date-time with a time zone (2010-04-14T06:37:38-08:00 or …Z)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        parsed = None
    if parsed is not None and parsed.tzinfo is not None and "T" in value:
        try:
            return parsed.astimezone(UTC)  # the database refuses offsets beyond ±15:59
        except (OverflowError, ValueError):
            pass
    raise bad_request(
        _("%(name)s must be a date and time with a time zone, e.g. 2024-05-01T08:00:00+08:00.")
        % {"name": name}
    )


def parse_decimal(name, value, low, high):
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not low <= number <= high:
        raise bad_request(
            _("%(name)s must be a number from %(low)s to %(high)s.")
            % {"name": name, "low": low, "high": high}
        )
    return number.quantize(Decimal("0.000001"))


@dataclass
class RequestInput:
    """A POST requests form, checked: what case_submit and the submission record need."""

    service_code: str
    lat: Decimal | None = None
    lon: Decimal | None = None
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    attributes: dict = field(default_factory=dict)


def read_request_form(params):
    """Check the generic fields of POST requests; attribute answers are checked against the service."""
    errors = []
    if not params.get("service_code").strip():
        errors.append(_("service_code is required: choose one from services.json."))
    for name, limit in MAX_LENGTHS.items():
        if len(params.get(name)) > limit:
            errors.append(
                _("%(name)s is too long: at most %(limit)d characters.") % {"name": name, "limit": limit}
            )
    description = params.get("description")
    if len(description) > DESCRIPTION_MAX:
        errors.append(
            _("description is too long: at most %(limit)d characters (it has %(count)d).")
            % {"limit": DESCRIPTION_MAX, "count": len(description)}
        )
    lat = lon = None
    has_lat, has_lon = bool(params.get("lat").strip()), bool(params.get("long").strip())
    if has_lat != has_lon:
        errors.append(_("Send lat and long together, or neither."))
    elif has_lat:
        for name, low, high in (("lat", -90, 90), ("long", -180, 180)):
            try:
                value = parse_decimal(name, params.get(name), low, high)
            except Exception as exc:  # noqa: BLE001 (collect every field's error)
                errors.extend(getattr(exc, "descriptions", [str(exc)]))
                continue
            if name == "lat":
                lat = value
            else:
                lon = value
    address_string, address_id = params.get("address_string").strip(), params.get("address_id").strip()
    if not has_lat and not has_lon and not address_string and not address_id:
        errors.append(_("A location is required: send lat and long, address_string or address_id."))
    email = params.get("email").strip()
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors.append(_("email is not a valid e-mail address."))
    media_url = params.get("media_url").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append(_("media_url must be an http or https URL."))
    if errors:
        raise bad_request(*errors)
    return RequestInput(
        service_code=params.get("service_code").strip(),
        lat=lat,
        lon=lon,
        address_string=address_string,
        address_id=address_id,
        email=email,
        device_id=params.get("device_id").strip(),
        account_id=params.get("account_id").strip(),
        first_name=params.get("first_name").strip(),
        last_name=params.get("last_name").strip(),
        phone=params.get("phone").strip(),
        description=description.strip(),
        media_url=media_url,
    )


def attribute_answers(params):
    """{code: [values]} from attribute[code] and attribute[code][]; a 400 for a malformed name."""
    answers = {}
    for name in params.names():
        if not name.startswith("attribute["):
            continue
        inner = name[len("attribute[") :]
        many = inner.endswith("][]")
        code = inner[:-3] if many else inner[:-1] if inner.endswith("]") else None
        if not code or "[" in code or "]" in code:
            raise bad_request(
                _("%(name)s is not a valid attribute parameter: use attribute[code] or attribute[code][].")
                % {"name": name[:60]}
            )
        answers.setdefault(code, []).extend(params.getlist(name))
    return answers


def check_attributes(answers, attributes):
    """Validate answers against the service's attributes; returns {code: value or [values]}."""
    errors, cleaned = [], {}
    by_code = {attribute.code: attribute for attribute in attributes}
    for code, values in answers.items():
        if not any(value.strip() for value in values):
            continue  # clients send empty answers for questions they skipped
        if code not in by_code or not by_code[code].variable:
            errors.append(_("attribute[%(code)s] is not part of this service's definition.") % {"code": code})
    for attribute in attributes:
        if not attribute.variable:
            continue
        values = [value.strip() for value in answers.get(attribute.code, []) if value.strip()]
        if not values:
            if attribute.required:
                errors.append(
                    _("attribute[%(code)s] is required: %(question)s")
                    % {"code": attribute.code, "question": attribute.description}
                )
            continue
        problem = _attribute_problem(attribute, values)
        if problem:
            errors.append(problem)
        elif attribute.datatype == Datatype.MULTIVALUELIST:
            cleaned[attribute.code] = values
        else:
            cleaned[attribute.code] = values[0]
    if errors:
        raise bad_request(*errors)
    return cleaned


def _attribute_problem(attribute, values):
    code, datatype = attribute.code, attribute.datatype
    if datatype != Datatype.MULTIVALUELIST and len(values) > 1:
        return _("attribute[%(code)s] takes one value.") % {"code": code}
    if any(len(value) > ATTRIBUTE_MAX for value in values):
        return _("attribute[%(code)s] is too long: at most %(limit)d characters.") % {
            "code": code,
            "limit": ATTRIBUTE_MAX,
        }
    if datatype == Datatype.NUMBER:
        try:
            number = Decimal(values[0])
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            return _("attribute[%(code)s] must be a number.") % {"code": code}
    if datatype == Datatype.DATETIME:
        try:
            parse_datetime(f"attribute[{code}]", values[0])
        except Exception as exc:  # noqa: BLE001 (turned into this attribute's message)
            return str(exc)
    if datatype in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST):
        keys = attribute.value_keys
        unknown = [value for value in values if value not in keys]
        if unknown:
            return _("attribute[%(code)s]: %(values)s is not one of the allowed keys (%(keys)s).") % {
                "code": code,
                "values": ", ".join(unknown)[:200],
                "keys": ", ".join(keys),
            }
    return None
