"""Reading a year's holiday notice from a file (CSV or JSON) or from text pasted in the admin.

CSV, one line per date or inclusive range, header optional, `#` starts a comment:

    date,kind,name
    2027-01-01,holiday,元旦
    2027-02-05..2027-02-11,holiday,春节
    2027-02-14,workday,春节

JSON: {"year": 2027, "notice": "…", "days": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}

Kinds: holiday (also 休, off) and workday (also 班, work). A file marked as an example (a CSV line
`# massline: example`, or "example": true in JSON) is refused unless explicitly allowed, so the example
shipped with Massline is never loaded as if it were the State Council's notice.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.utils.translation import gettext as _

from massline.lib.errors import DomainError

from .choices import DayKind

EXAMPLE_MARKER = "massline: example"
_KINDS = {
    "holiday": DayKind.HOLIDAY,
    "off": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "work": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
}
# A range longer than this is a typo (the longest official break is 9 days).
_MAX_RANGE_DAYS = 31


@dataclass
class YearNotice:
    year: int
    days: list = field(default_factory=list)  # (date, DayKind, name), in file order
    notice: str = ""


def _where(line):
    return _("Line %(line)d") % {"line": line} if line else _("Entry")


def _date(text, line):
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(
            _("%(where)s: %(value)r is not a date: write YYYY-MM-DD, or YYYY-MM-DD..YYYY-MM-DD for a range.")
            % {"where": _where(line), "value": text}
        ) from None


def _dates(text, line):
    if ".." not in text:
        return [_date(text, line)]
    first, last = (_date(part, line) for part in text.split("..", 1))
    if not 0 <= (last - first).days < _MAX_RANGE_DAYS:
        raise DomainError(
            _("%(where)s: the range %(value)s must run forwards and span at most %(max)d days.")
            % {"where": _where(line), "value": text.strip(), "max": _MAX_RANGE_DAYS}
        )
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _kind(text, line):
    kind = _KINDS.get((text or "").strip().lower())
    if kind is None:
        raise DomainError(
            _("%(where)s: %(value)r is not a kind of day: write “holiday” (休) or “workday” (班).")
            % {"where": _where(line), "value": text}
        )
    return kind


def _refuse_example(allow_example):
    if not allow_example:
        raise DomainError(
            _(
                "This file is marked as an example of the format, not a State Council notice: enter the real "
                "notice's days instead (copy the example and remove its “%(marker)s” line)."
            )
            % {"marker": EXAMPLE_MARKER}
        )


def _year_of(days, year):
    if not days:
        raise DomainError(_("The notice lists no days: give one line per day off or make-up working day."))
    years = {day.year for day, _kind, _name in days}
    if year is None:
        if len(years) != 1:
            raise DomainError(
                _("The days span %(years)s: a notice covers one year, so load one file per year.")
                % {"years": ", ".join(str(y) for y in sorted(years))}
            )
        year = years.pop()
    return year


def parse_csv(text, *, year=None, allow_example=False):
    days = []
    rows = csv.reader(io.StringIO(text))
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not cells or not any(cells):
            continue
        if cells[0].startswith("#"):
            if EXAMPLE_MARKER in ",".join(cells).lower():
                _refuse_example(allow_example)
            continue
        if cells[0].lower() == "date":
            continue
        if len(cells) < 2:
            raise DomainError(
                _("%(where)s: write the date and the kind of day, e.g. 2027-01-01,holiday,元旦.")
                % {"where": _where(number)}
            )
        kind = _kind(cells[1], number)
        name = cells[2] if len(cells) > 2 else ""
        days.extend((day, kind, name) for day in _dates(cells[0], number))
    return YearNotice(year=_year_of(days, year), days=days)


def parse_json(text, *, year=None, allow_example=False):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DomainError(
            _("The file is not valid JSON (line %(line)d: %(error)s).")
            % {"line": exc.lineno, "error": exc.msg}
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("days"), list):
        raise DomainError(_("The JSON file must be an object with a “days” list: see docs/deadlines.md."))
    if data.get("example"):
        _refuse_example(allow_example)
    days = []
    for index, entry in enumerate(data["days"], start=1):
        if not isinstance(entry, dict) or "date" not in entry or "kind" not in entry:
            raise DomainError(
                _("Day %(index)d of the JSON file needs a “date” and a “kind”.") % {"index": index}
            )
        kind = _kind(str(entry["kind"]), 0)
        days.extend((day, kind, str(entry.get("name", ""))) for day in _dates(str(entry["date"]), 0))
    declared = data.get("year")
    if declared is not None and year is not None and declared != year:
        raise DomainError(
            _("The file is for %(declared)s, not %(year)d.") % {"declared": declared, "year": year}
        )
    notice = YearNotice(year=_year_of(days, year if year is not None else declared), days=days)
    notice.notice = str(data.get("notice", ""))
    return notice


def parse_year_file(path, *, year=None, allow_example=False):
    """Read a notice from a .json file, or from CSV (any other name). Raises DomainError on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DomainError(
            _("Cannot read %(path)s (%(error)s): check the file name.")
            % {"path": path, "error": exc.strerror}
        ) from None
    except UnicodeDecodeError:
        raise DomainError(
            _("%(path)s is not UTF-8 text: save it as UTF-8 and try again.") % {"path": path}
        ) from None
    parse = parse_json if path.suffix.lower() == ".json" else parse_csv
    return parse(text, year=year, allow_example=allow_example)
