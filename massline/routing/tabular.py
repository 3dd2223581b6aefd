"""Reading a centre's history from CSV or CSV.gz for the backtests: named columns checked up front, broken
rows counted and skipped, dates parsed leniently."""

import csv
import gzip
import io
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from massline.lib.errors import DomainError

_DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M")
# A form question the city's web form put in front of the citizen's answer ("Type of vehicle: Bus |").
_FORM_QUESTION = re.compile(r"^\s*[^|?:]{2,120}[?:]\s*")


@dataclass
class Table:
    rows: list
    skipped: dict = field(default_factory=dict)

    def skip(self, reason):
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def open_text(path):
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the caller's context manager
    except OSError as exc:
        raise DomainError(
            _("Cannot open %(path)s: %(error)s.") % {"path": path, "error": exc.strerror}
        ) from exc
    head = raw.read(2)
    raw.seek(0)
    stream = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
    return io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")


def read_table(path, *, columns):
    """Rows of `path` as dicts restricted to `columns`; a missing column is refused naming what exists."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with open_text(path) as stream:
        reader = csv.DictReader(stream)
        try:
            header = reader.fieldnames or []
        except (csv.Error, UnicodeError) as exc:
            raise DomainError(  # noqa: B904 - the cause is named in the message
                _("%(path)s is not a readable CSV file: %(error)s.") % {"path": path, "error": exc}
            )
        missing = [c for c in columns if c not in header]
        if missing:
            raise DomainError(
                _("%(path)s has no column %(missing)s. Its columns are: %(header)s.")
                % {"path": path, "missing": ", ".join(missing), "header": ", ".join(header) or _("(none)")}
            )
        table = Table(rows=[])
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error:
                table.skip("broken row")
                continue
            if None in row or any(row.get(c) is None for c in columns):
                table.skip("wrong number of fields")
                continue
            table.rows.append({c: row[c] for c in columns})
    return table


def parse_time(value):
    """A timestamp in any of the common forms (ISO 8601 with or without zone, 2020/1/6 12:09:38), or None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def strip_form_questions(text):
    """The citizen's words without the form's questions: "Type of vehicle: Bus | Details: x" → "Bus | x"."""
    if "|" not in text and not _FORM_QUESTION.match(text):
        return text
    return " | ".join(_FORM_QUESTION.sub("", part, count=1).strip() for part in text.split("|")).strip(" |")
