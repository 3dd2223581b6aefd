"""Import of historical demands (导入历史诉求) with their real timestamps, status, category and unit.

Formats:
- ``open311``: the City of Boston's Open311 GeoReport v2 requests as CSV (service_request_id, status,
  status_notes, service_name, description, requested/updated_datetime, address, lat, long, …).
- ``teddy``: the messages of the 2020 Teddy Cup data (留言编号, 留言主题, 留言时间, 留言详情, and where the
  file has them 一级分类 / 一级标签, 答复意见, 答复时间).
- ``boston2015``: the City of Boston's 2015 case export (OPEN_DT, TARGET_DT, CLOSED_DT, OnTime_Status, TYPE,
  REASON, QUEUE, Department, CLOSURE_REASON, …); its target date becomes the reply due time and its
  on-time flag `was_late`, so the city's own on-time figures can be reproduced.

Every row becomes a demand with `source` and `source_ref` (unique together), so a re-run adds nothing.
Rows are written in batches with bulk_create (each batch in its own transaction: an interrupted run keeps
whole batches and the next run completes it); the run writes one audit event with its counts. Rows that
cannot be used are counted by reason, with the first few ids or line numbers, and never half-written.
Free text is stored as received (staff see it); the public summary is masked (contacts, house numbers).
"""

import csv
import gzip
import io
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from massline.audit.services import audit_record
from massline.lib.errors import DomainError
from massline.org.choices import RegionLevel, UnitKind
from massline.org.models import Unit

from .. import categories
from ..choices import (
    AssignmentRole,
    AssignmentStatus,
    CaseStatus,
    CaseType,
    Channel,
    EventKind,
    Satisfaction,
    Urgency,
)
from ..masking import mask_public
from ..models import Assignment, Case, CaseEvent, Category

BATCH_SIZE = 1000
# The reply of a closed Boston case whose notes are empty: the city's own wording, stored untranslated.
CLOSED_NOTE = "Case closed."
EXAMPLES_PER_REASON = 5
FORMATS = ("open311", "teddy", "boston2015")
SOURCES = {"open311": "boston-open311", "teddy": "teddy2020c", "boston2015": "boston-2015"}
BOSTON_TZ = ZoneInfo("America/New_York")
# The Teddy messages were posted in China; their times carry no zone.
TEDDY_TZ = ZoneInfo("Asia/Shanghai")
# Coordinates of a Boston demand must fall in and around the city (a wide box: Greater Boston).
BOSTON_BOX = ((Decimal("41.5"), Decimal("43.5")), (Decimal("-72.5"), Decimal("-70.0")))
TITLE_MAX = Case._meta.get_field("title").max_length
TEXT_MAX = Case._meta.get_field("description").max_length
SUMMARY_MAX = Case._meta.get_field("public_summary").max_length
ADDRESS_MAX = Case._meta.get_field("address").max_length

REJECT_REASONS = {
    "missing_id": gettext_lazy("no id"),
    "missing_date": gettext_lazy("no date received"),
    "bad_date": gettext_lazy("unreadable date"),
    "missing_text": gettext_lazy("no title or description"),
    "bad_coordinates": gettext_lazy("coordinates out of range"),
    "closed_before_received": gettext_lazy("closed or replied before it was received"),
    "duplicate_in_file": gettext_lazy("id repeated in the file"),
}

# Formats people write dates in, tried in order (the data mixes them).
DATE_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日",
)


class ImportFormatError(DomainError):
    code = "import_format"


class Rejected(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class BadDate(ValueError):
    pass


_format_order = list(DATE_FORMATS)


def parse_datetime_lenient(text, tz):
    """An aware datetime from `text` in any of the usual formats (ISO with an offset included); naive
    times are read in `tz`. Empty text gives None; unreadable text raises BadDate."""
    text = " ".join((text or "").split())
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
        # A file keeps to one or two formats: the last one that worked is tried first.
        for fmt in _format_order:
            try:
                value = datetime.strptime(text, fmt)  # noqa: DTZ007 (made aware just below)
            except ValueError:
                continue
            if fmt is not _format_order[0]:
                _format_order.remove(fmt)
                _format_order.insert(0, fmt)
            break
        if value is None:
            raise BadDate(text) from None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=tz)
    return value


@dataclass
class ImportSummary:
    """What an import did: rows read, loaded, already there, and rejected by reason (with examples)."""

    fmt: str
    source: str
    file: str
    read: int = 0
    loaded: int = 0
    existing: int = 0
    truncated: int = 0
    rejected: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def rejected_total(self):
        return sum(self.rejected.values())

    @property
    def rows_per_second(self):
        return round(self.read / self.seconds, 1) if self.seconds else 0.0

    def reject(self, reason, ref):
        self.rejected[reason] += 1
        if len(self.examples[reason]) < EXAMPLES_PER_REASON:
            self.examples[reason].append(ref)

    def as_dict(self):
        return {
            "format": self.fmt,
            "source": self.source,
            "file": self.file,
            "read": self.read,
            "loaded": self.loaded,
            "existing": self.existing,
            "rejected": dict(self.rejected),
            "rejected_examples": {k: v for k, v in self.examples.items() if v},
            "truncated_texts": self.truncated,
            "statuses": dict(self.statuses),
            "seconds": round(self.seconds, 2),
        }

    def lines(self):
        """The summary as a person reads it."""
        out = [
            _(
                "%(file)s (%(fmt)s): %(read)d rows read, %(loaded)d demands loaded, %(existing)d already "
                "there, %(rejected)d rejected, in %(seconds).1f s (%(rate).0f rows/s)."
            )
            % {
                "file": self.file,
                "fmt": self.fmt,
                "read": self.read,
                "loaded": self.loaded,
                "existing": self.existing,
                "rejected": self.rejected_total,
                "seconds": self.seconds,
                "rate": self.rows_per_second,
            }
        ]
        for reason, count in self.rejected.most_common():
            out.append(
                _("  rejected, %(reason)s: %(count)d (for example %(examples)s)")
                % {
                    "reason": REJECT_REASONS[reason],
                    "count": count,
                    "examples": ", ".join(self.examples[reason]),
                }
            )
        if self.truncated:
            out.append(
                _("  %(count)d texts longer than %(max)d characters were cut to that length.")
                % {"count": self.truncated, "max": TEXT_MAX}
            )
        if self.statuses:
            out.append(
                _("  loaded by status: %(statuses)s")
                % {
                    "statuses": ", ".join(
                        f"{CaseStatus(status).label} {count}" for status, count in self.statuses.most_common()
                    )
                }
            )
        return out


# --- helpers shared by the formats -----------------------------------------------------------------


def _clean(value):
    return (value or "").strip()


def _text(value, summary):
    value = _clean(value)
    if len(value) > TEXT_MAX:
        summary.truncated += 1
        value = value[:TEXT_MAX]
    return value


def _shorten(text, limit):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _coordinates(lat, lon, box=None):
    """(lat, lon) as Decimals, (None, None) when absent; Rejected when out of range."""
    lat, lon = _clean(lat), _clean(lon)
    if not lat and not lon:
        return None, None
    try:
        lat_d = Decimal(lat).quantize(Decimal("0.000001"))
        lon_d = Decimal(lon).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise Rejected("bad_coordinates") from None
    (lat_min, lat_max), (lon_min, lon_max) = box or (
        (Decimal(-90), Decimal(90)),
        (Decimal(-180), Decimal(180)),
    )
    if not (lat_min <= lat_d <= lat_max and lon_min <= lon_d <= lon_max):
        raise Rejected("bad_coordinates")
    return lat_d, lon_d


def _date(value, tz, *, required=False):
    try:
        parsed = parse_datetime_lenient(value, tz)
    except BadDate:
        raise Rejected("bad_date") from None
    if parsed is None and required:
        raise Rejected("missing_date")
    return parsed


_COMPLAINT = re.compile(r"投诉|complain", re.IGNORECASE)
_REPORT = re.compile(r"举报|违法|违规|非法|illegal", re.IGNORECASE)
_CONSULTATION = re.compile(
    r"咨询|请问|能否|是否|怎么|如何|什么时候|何时|[?？]|inquiry|question", re.IGNORECASE
)
_SUGGESTION = re.compile(r"建议|希望|呼吁|suggest|idea|comments for", re.IGNORECASE)


def guess_type(title):
    """The demand type a title most likely means (complaint, report, consultation, suggestion, help)."""
    for pattern, kind in (
        (_COMPLAINT, CaseType.COMPLAINT),
        (_REPORT, CaseType.REPORT),
        (_CONSULTATION, CaseType.CONSULTATION),
        (_SUGGESTION, CaseType.SUGGESTION),
    ):
        if pattern.search(title or ""):
            return kind
    return CaseType.HELP


class Routing:
    """Category → handling unit for imported demands: the category's default unit (up the tree), or the
    township/street government of the demand's region when the category is routed by place."""

    def __init__(self):
        self._categories = None
        self._township_units = {}

    def category(self, category_id):
        if self._categories is None or category_id not in self._categories:
            # One read of the whole tree (hundreds of rows), again only when a batch added nodes.
            self._categories = {c.pk: c for c in Category.objects.select_related("default_unit")}
        return self._categories[category_id]

    def default_unit(self, category):
        node = category
        while node is not None:
            if node.default_unit_id:
                return node.default_unit
            node = self.category(node.parent_id) if node.parent_id else None
        return None

    def by_place(self, category):
        node = category
        while node is not None:
            if node.route_by_place:
                return True
            node = self.category(node.parent_id) if node.parent_id else None
        return False

    def township_unit(self, region):
        if region.pk not in self._township_units:
            codes = [code for code in region.path.strip("/").split("/") if code]
            self._township_units[region.pk] = (
                Unit.objects.filter(
                    kind=UnitKind.TOWNSHIP_GOVERNMENT,
                    regions__code__in=codes,
                    regions__level=RegionLevel.TOWNSHIP,
                )
                .order_by("code")
                .first()
            )
        return self._township_units[region.pk]

    def unit_for(self, category_id, region=None):
        if category_id is None:
            return None
        category = self.category(category_id)
        if region is not None and self.by_place(category):
            unit = self.township_unit(region)
            if unit is not None:
                return unit
        return self.default_unit(category)


class Deadlines:
    """The reply due time from the category's policy, cached per (category, urgency); None if none applies."""

    def __init__(self):
        self._policies = {}

    def reply_due(self, *, category_id, urgency, start):
        from ..timelimits import policy_for, stage_due

        key = (category_id, urgency)
        if key not in self._policies:
            category = Category.objects.filter(pk=category_id).first() if category_id else None
            try:
                self._policies[key] = policy_for(category=category, urgency=urgency)
            except DomainError:
                self._policies[key] = None
        policy = self._policies[key]
        if policy is None:
            return None
        try:
            return stage_due(policy=policy, stage="reply", start=start)
        except DomainError:
            return None  # a year the working calendar does not know


# --- the formats -------------------------------------------------------------------------------------


def _teddy_category_index():
    """Names of the Chinese tree for keyword matching: [(name, category id)], longest names first."""
    rows = Category.objects.filter(code__startswith=f"{categories.ZH_PREFIX}-").values_list(
        "pk", "name", "parent_id"
    )
    first_level = {name: pk for pk, name, parent in rows if parent is None}
    keywords = sorted(
        ((name, pk) for pk, name, parent in rows if parent is not None and len(name) >= 2 and name != "其他"),
        key=lambda item: -len(item[0]),
    )
    return first_level, keywords


class TeddyFormat:
    source = SOURCES["teddy"]
    required = ("留言编号", "留言主题", "留言时间", "留言详情")

    def __init__(self, options):
        self.first_level, self.keywords = _teddy_category_index()
        self.regions = options.get("regions") or []
        self.classify = options.get("classify")
        self.routing = Routing()
        self.deadlines = Deadlines()
        self.shift = options.get("shift") or timedelta(0)

    def ref(self, row, line):
        return _clean(row.get("留言编号"))

    def category_id(self, row, title, description):
        label = _clean(row.get("一级分类") or row.get("一级标签"))
        if label in self.first_level:
            # The label says the first level; a keyword may place it deeper within that class.
            top = self.first_level[label]
            for name, pk in self.keywords:
                if name in title and self.routing.category(pk).path.startswith(f"/{self._code(top)}/"):
                    return pk
            return top
        for text in (title, description[:300]):
            for name, pk in self.keywords:
                if name in text:
                    return pk
        return self.classify(title, description) if self.classify else None

    def _code(self, pk):
        return self.routing.category(pk).code

    def region(self, ref):
        if not self.regions:
            return None
        digits = int(re.sub(r"\D", "", ref) or 0)
        return self.regions[digits % len(self.regions)]

    def parse(self, row, ref, summary):
        title = _shorten(_clean(row.get("留言主题")), TITLE_MAX)
        description = _text(row.get("留言详情"), summary)
        if not title or not description:
            raise Rejected("missing_text")
        received = _date(row.get("留言时间"), TEDDY_TZ, required=True) + self.shift
        reply = _text(row.get("答复意见"), summary)
        replied = _date(row.get("答复时间"), TEDDY_TZ) if reply else None
        if reply and replied is None:
            raise Rejected("missing_date")
        if replied is not None:
            replied += self.shift
        if replied and replied < received:
            raise Rejected("closed_before_received")
        category_id = self.category_id(row, title, description)
        region = self.region(ref)
        unit = self.routing.unit_for(category_id, region)
        due = self.deadlines.reply_due(category_id=category_id, urgency=Urgency.NORMAL, start=received)
        fields = {
            "type": guess_type(title),
            "title": title,
            "description": description,
            "public_summary": _shorten(mask_public(f"{title}：{description}"), SUMMARY_MAX),
            "category_id": category_id,
            "channel": Channel.WEB,
            "region": region,
            # Published by the citizens themselves on the government's public message board.
            "is_public": True,
            "received_at": received,
            "due_reply_at": due,
            "lead_unit": unit,
            "first_unit": unit,
        }
        if reply:
            fields.update(
                status=CaseStatus.CLOSED,
                reply=reply,
                replied_at=replied,
                closed_at=replied,
                satisfaction=Satisfaction.NOT_RATED,
                was_late=bool(due and replied > due),
            )
        else:
            fields["status"] = CaseStatus.IN_PROGRESS if unit else CaseStatus.RECEIVED
        return fields


BOSTON_CHANNELS = {
    "Constituent Call": Channel.PHONE,
    "Citizens Connect App": Channel.API,
    "Self Service": Channel.WEB,
    "Employee Generated": Channel.VISIT,
    "City Worker App": Channel.VISIT,
    "Maximo Integration": Channel.API,
    "Twitter": Channel.WEB,
}


class BostonTree:
    """The Boston categories and units, created as rows name them (no need to read another file)."""

    def __init__(self):
        self.units = categories.ensure_boston_units()
        self.nodes = {}

    def category_ids(self, wanted):
        """{path: category id} for the (path, department) pairs of a batch, creating missing nodes."""
        missing = {}
        for path, dept in wanted:
            if path not in self.nodes:
                missing.setdefault(path, dept)
        if missing:
            nodes, _summary = categories.ensure_boston_paths(missing, units=self.units)
            self.nodes.update({path: node.pk for path, node in nodes.items()})
        return self.nodes

    def unit(self, department):
        return self.units.get(department) or self.units[categories.BOSTON_FALLBACK_DEPARTMENT]


class Open311Format:
    source = SOURCES["open311"]
    required = ("service_request_id", "status", "service_name", "requested_datetime")

    def __init__(self, options):
        self.tree = BostonTree()
        self.routing = Routing()

    def ref(self, row, line):
        return _clean(row.get("service_request_id"))

    def path(self, row):
        service = _clean(row.get("service_name")) or "Other"
        return categories.OPEN311_SERVICES.get(service) or (
            *categories.OPEN311_SERVICES["Other"][:1],
            service,
        )

    def batch_paths(self, rows):
        return [(self.path(row), None) for row in rows]

    def parse(self, row, ref, summary):
        service = _clean(row.get("service_name"))
        description = _text(row.get("description"), summary) or _text(row.get("status_notes"), summary)
        if not service:
            raise Rejected("missing_text")
        received = _date(row.get("requested_datetime"), BOSTON_TZ, required=True)
        updated = _date(row.get("updated_datetime"), BOSTON_TZ)
        lat, lon = _coordinates(row.get("lat"), row.get("long"), BOSTON_BOX)
        closed = _clean(row.get("status")).lower() == "closed"
        if closed and updated is not None and updated < received:
            raise Rejected("closed_before_received")
        category_id = self.tree.nodes[self.path(row)]
        unit = self.routing.unit_for(category_id)
        title = service if not description else f"{service}: {mask_public(description)}"
        fields = {
            "type": guess_type(service if service != "Other" else description[:200]),
            "title": _shorten(title, TITLE_MAX),
            "description": description or service,
            "public_summary": _shorten(mask_public(description or service), SUMMARY_MAX),
            "category_id": category_id,
            "channel": Channel.API,
            "address": _clean(row.get("address"))[:ADDRESS_MAX],
            "lat": lat,
            "lon": lon,
            "is_public": True,
            "received_at": received,
            "lead_unit": unit,
            "first_unit": unit,
        }
        if closed:
            closed_at = updated or received
            fields.update(
                status=CaseStatus.CLOSED,
                reply=_text(row.get("status_notes"), summary) or CLOSED_NOTE,
                replied_at=closed_at,
                closed_at=closed_at,
                satisfaction=Satisfaction.NOT_RATED,
            )
        else:
            fields["status"] = CaseStatus.IN_PROGRESS if unit else CaseStatus.RECEIVED
        return fields


class Boston2015Format:
    source = SOURCES["boston2015"]
    required = (
        "CASE_ENQUIRY_ID",
        "OPEN_DT",
        "TARGET_DT",
        "CLOSED_DT",
        "OnTime_Status",
        "CASE_STATUS",
        "TYPE",
    )

    def __init__(self, options):
        self.tree = BostonTree()

    def ref(self, row, line):
        return _clean(row.get("CASE_ENQUIRY_ID"))

    def path(self, row):
        reason = _clean(row.get("REASON")) or categories.BOSTON_OTHER_GROUP
        return categories.boston_type_path(reason, _clean(row.get("TYPE")) or "Other")

    def batch_paths(self, rows):
        return [(self.path(row), _clean(row.get("Department"))) for row in rows]

    def parse(self, row, ref, summary):
        title = _clean(row.get("CASE_TITLE")) or _clean(row.get("TYPE"))
        if not title:
            raise Rejected("missing_text")
        received = _date(row.get("OPEN_DT"), BOSTON_TZ, required=True)
        target = _date(row.get("TARGET_DT"), BOSTON_TZ)
        closed_at = _date(row.get("CLOSED_DT"), BOSTON_TZ)
        lat, lon = _coordinates(row.get("LATITUDE"), row.get("LONGITUDE"), BOSTON_BOX)
        if closed_at is not None and closed_at < received:
            raise Rejected("closed_before_received")
        flag = _clean(row.get("OnTime_Status")).upper()
        is_closed = _clean(row.get("CASE_STATUS")).lower() == "closed" and closed_at is not None
        unit = self.tree.unit(_clean(row.get("Department")))
        address = " ".join(_clean(row.get("Location")).split())
        fields = {
            "type": guess_type(title),
            "title": _shorten(title, TITLE_MAX),
            "description": _text(" · ".join(p for p in (title, _clean(row.get("QUEUE"))) if p), summary),
            "public_summary": _shorten(mask_public(title), SUMMARY_MAX),
            "category_id": self.tree.nodes[self.path(row)],
            "channel": BOSTON_CHANNELS.get(_clean(row.get("Source")), Channel.PHONE),
            "address": address[:ADDRESS_MAX],
            "lat": lat,
            "lon": lon,
            "is_public": True,
            "received_at": received,
            "due_reply_at": target,
            "was_late": flag == "OVERDUE",
            "lead_unit": unit,
            "first_unit": unit,
        }
        if is_closed:
            fields.update(
                status=CaseStatus.CLOSED,
                reply=_text(row.get("CLOSURE_REASON"), summary) or CLOSED_NOTE,
                replied_at=closed_at,
                closed_at=closed_at,
                satisfaction=Satisfaction.NOT_RATED,
            )
        else:
            fields.update(status=CaseStatus.IN_PROGRESS, is_overdue=flag == "OVERDUE")
        return fields


FORMAT_CLASSES = {"open311": Open311Format, "teddy": TeddyFormat, "boston2015": Boston2015Format}


# --- the run -------------------------------------------------------------------------------------------


def _open_rows(path):
    path = Path(path)
    if not path.exists():
        raise ImportFormatError(
            _("There is no file at %(path)s: give the path of the CSV file (.csv or .csv.gz).")
            % {"path": path}
        )
    raw = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")  # noqa: SIM115 (closed by caller)
    return raw, csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))


def _check_header(reader, fmt_class, path):
    header = reader.fieldnames or []
    missing = [column for column in fmt_class.required if column not in header]
    if missing:
        raise ImportFormatError(
            _(
                "%(file)s is not a %(fmt)s file: the columns %(missing)s are missing. "
                "Check the --format option."
            )
            % {
                "file": Path(path).name,
                "fmt": fmt_class.__name__.removesuffix("Format"),
                "missing": ", ".join(missing),
            }
        )


def _events_for(case, source):
    data = {"imported_from": source, "source_ref": case.source_ref}
    events = [CaseEvent(case=case, kind=EventKind.RECEIVED, at=case.received_at, unit=None, data=data)]
    if case.replied_at:
        events.append(
            CaseEvent(case=case, kind=EventKind.REPLIED, at=case.replied_at, unit=case.lead_unit, data=data)
        )
    if case.closed_at:
        events.append(CaseEvent(case=case, kind=EventKind.CLOSED, at=case.closed_at, unit=None, data=data))
    return events


def _assignment_for(case):
    return Assignment(
        case=case,
        unit=case.lead_unit,
        role=AssignmentRole.LEAD,
        status=AssignmentStatus.DONE if case.status == CaseStatus.CLOSED else AssignmentStatus.SIGNED,
        dispatched_at=case.received_at,
        signed_at=None,
    )


def _write_batch(batch, source, summary, created_by):
    cases = [Case(source=source, source_ref=ref, created_by=created_by, **fields) for ref, fields in batch]
    if cases:
        Case.objects.bulk_create(cases)
        if not all(case.pk for case in cases):
            ids = dict(
                Case.objects.filter(source=source, source_ref__in=[c.source_ref for c in cases]).values_list(
                    "source_ref", "pk"
                )
            )
            for case in cases:
                case.pk = case.id = ids[case.source_ref]
        Assignment.objects.bulk_create([_assignment_for(case) for case in cases if case.lead_unit_id])
        CaseEvent.objects.bulk_create([event for case in cases for event in _events_for(case, source)])
        summary.loaded += len(cases)
        summary.statuses.update(case.status for case in cases)


def teddy_last_moment(path, *, limit=None):
    """The latest message or reply time among the first `limit` rows of a Teddy file (None if none)."""
    raw, reader = _open_rows(path)
    latest = None
    try:
        for index, row in enumerate(reader):
            if limit is not None and index >= limit:
                break
            for column in ("留言时间", "答复时间"):
                try:
                    moment = parse_datetime_lenient(row.get(column), TEDDY_TZ)
                except BadDate:
                    continue
                if moment is not None and (latest is None or moment > latest):
                    latest = moment
    finally:
        raw.close()
    return latest


def import_cases(path, *, fmt, limit=None, by=None, progress=False, regions=None, classify=None, shift=None):
    """Load the demands of the CSV file at `path` (format `fmt`: open311, teddy or boston2015).

    `limit` stops after that many rows; `regions` (teddy only) spreads the demands over these regions,
    deterministically by message id (the messages' own places are pseudonymised); `classify` (teddy only),
    a function (title, description) -> category id or None, categorises messages that carry no label and
    name no category; `shift` (teddy only, a timedelta) moves every message and reply time by that much
    (the demo moves old history to end last month). Returns ImportSummary.
    """
    if fmt not in FORMAT_CLASSES:
        raise ImportFormatError(
            _("Unknown format “%(fmt)s”: use one of %(formats)s.")
            % {"fmt": fmt, "formats": ", ".join(FORMATS)}
        )
    fmt_class = FORMAT_CLASSES[fmt]
    started = time.perf_counter()
    summary = ImportSummary(fmt=fmt, source=fmt_class.source, file=Path(path).name)
    raw, reader = _open_rows(path)
    bar = None
    try:
        _check_header(reader, fmt_class, path)
        parser = fmt_class({"regions": list(regions or []), "classify": classify, "shift": shift})
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=limit, unit=" rows", file=sys.stderr, desc=Path(path).name, mininterval=0.5)
        seen = set()
        pending = []

        def flush():
            if not pending:
                return
            with transaction.atomic():
                existing = set(
                    Case.objects.filter(
                        source=fmt_class.source, source_ref__in=[ref for _l, ref, _r in pending]
                    ).values_list("source_ref", flat=True)
                )
                summary.existing += len(existing)
                fresh = [item for item in pending if item[1] not in existing]
                if hasattr(parser, "batch_paths"):
                    parser.tree.category_ids(parser.batch_paths([row for _l, _r, row in fresh]))
                batch = []
                for line, ref, row in fresh:
                    try:
                        batch.append((ref, parser.parse(row, ref, summary)))
                    except Rejected as rejected:
                        summary.reject(rejected.reason, ref or f"line {line}")
                _write_batch(batch, fmt_class.source, summary, by)
            if bar is not None:
                bar.update(len(pending))
            pending.clear()

        for line, row in enumerate(reader, start=2):
            if limit is not None and summary.read >= limit:
                break
            summary.read += 1
            ref = parser.ref(row, line)
            if not ref:
                summary.reject("missing_id", f"line {line}")
                continue
            if ref in seen:
                summary.reject("duplicate_in_file", ref)
                continue
            seen.add(ref)
            pending.append((line, ref, row))
            if len(pending) >= BATCH_SIZE:
                flush()
        flush()
    finally:
        if bar is not None:
            bar.close()
        raw.close()
    summary.seconds = time.perf_counter() - started
    audit_record(
        action="cases.case.imported",
        object_type="cases.case",
        object_id=fmt_class.source,
        object_repr=summary.file,
        actor=by,
        details=summary.as_dict(),
    )
    return summary
