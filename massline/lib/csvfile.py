"""CSV files people open in spreadsheets: safe to export (no formula injection), strict to import.

A cell that starts with = + - @ (or a tab / carriage return) would run as a formula in Excel or
LibreOffice; exported cells like that get a leading apostrophe, which spreadsheets hide and which
`read_csv` removes again, so an export imports back unchanged. Plain numbers ("-12.5") are left alone.
"""

import csv
import io
import re

from django.http import HttpResponse
from django.utils.translation import gettext as _

from .errors import DomainError

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
# Apostrophes then a trigger: a cell `neutralise` has (or would have) prefixed.
_PREFIXED = re.compile(r"^'+[=+\-@\t\r]")
BOM = "\ufeff"


class CsvFormatError(DomainError):
    """The file as a whole cannot be read (not UTF-8, empty, wrong header)."""

    code = "csv_format"


def neutralise(value):
    """The text of one exported cell, with a leading apostrophe if a spreadsheet would run it as a formula.

    Text that already starts with apostrophes before such a character gets one more, so that
    `unneutralise` gives every text back exactly.
    """
    text = "" if value is None else str(value)
    if (text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(text)) or _PREFIXED.match(text):
        return "'" + text
    return text


def unneutralise(text):
    """Undo `neutralise` on an imported cell."""
    return text[1:] if _PREFIXED.match(text) else text


def write_csv(stream, header, rows, *, bom=False):
    """Write `header` and `rows` (sequences of values) to a text stream, every cell neutralised.

    `bom` starts the file with a byte-order mark, which Excel needs to read UTF-8 as UTF-8.
    """
    if bom:
        stream.write(BOM)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])


def csv_response(filename, header, rows):
    """An HTTP download of a CSV file (UTF-8 with BOM, so spreadsheets show Chinese correctly)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, header, rows, bom=True)
    return response


def read_csv(data, *, columns, required=()):
    """Parse the bytes of a CSV file into [(row_number, {column: text})], row 1 being the header.

    Every column in `columns` may appear, in any order; those in `required` must. Cells are stripped
    and un-neutralised; blank lines are skipped. Raises CsvFormatError for a file that cannot be read.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CsvFormatError(
                _(
                    "The file is not UTF-8 text (byte %(position)d cannot be read): "
                    "save it as “CSV UTF-8” and try again."
                )
                % {"position": exc.start + 1}
            ) from exc
    else:
        text = data.removeprefix(BOM)
    if "\x00" in text:
        raise CsvFormatError(_("The file contains NUL bytes, so it is not a CSV text file: export it again."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFormatError(
            _("The file is empty: it needs a header row (%(columns)s) and one row per record.")
            % {"columns": ",".join(columns)}
        ) from None
    except csv.Error as exc:
        raise CsvFormatError(_("The header row cannot be read (%(error)s).") % {"error": exc}) from exc
    header = [unneutralise(cell).strip().lower() for cell in header]
    unknown = [name for name in header if name not in columns]
    missing = [name for name in required if name not in header]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if unknown:
        problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
    if missing:
        problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
    if duplicated:
        problems.append(_("repeated columns: %(names)s") % {"names": ", ".join(duplicated)})
    if problems:
        raise CsvFormatError(
            _("The header row does not match (%(problems)s). The columns are: %(columns)s.")
            % {"problems": "; ".join(problems), "columns": ",".join(columns)}
        )
    rows = []
    try:
        for index, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise CsvFormatError(
                    _(
                        "Row %(row)d has %(found)d cells but the header has %(expected)d: "
                        "check for stray commas."
                    )
                    % {"row": index, "found": len(cells), "expected": len(header)}
                )
            values = {name: "" for name in columns}
            for name, cell in zip(header, cells, strict=False):
                values[name] = unneutralise(cell).strip()
            rows.append((index, values))
    except csv.Error as exc:
        raise CsvFormatError(
            _("Row %(row)d cannot be read (%(error)s): check its quotes.")
            % {"row": reader.line_num, "error": exc}
        ) from exc
    return rows
