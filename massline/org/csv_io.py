"""Regions and units to and from CSV, shared by `massline org import-… / export-…` and the admin.

An import is an upsert by code in one transaction: every row is checked, every problem is reported
with its row number (the header is row 1), and if there is any problem nothing is saved. Writes go
through the org services, so each created or changed record leaves an audit event. Exporting and
importing the result changes nothing.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from massline.lib.csvfile import read_csv, write_csv
from massline.lib.errors import DomainError

from . import services
from .choices import REGION_PARENT_LEVEL, RegionLevel, UnitKind
from .models import Region, Unit

REGION_COLUMNS = ("code", "name", "name_en", "level", "parent_code", "centre_lat", "centre_lon")
REGION_REQUIRED = ("code", "name", "level")
UNIT_COLUMNS = ("code", "name", "name_en", "kind", "parent_code", "region_codes", "public_phone")
UNIT_REQUIRED = ("code", "name", "kind")
REGION_CODE_SEPARATOR = ";"
# Parents come before children: a file sorted by level imports in one pass.
LEVEL_ORDER = {level: depth for depth, level in enumerate(REGION_PARENT_LEVEL)}


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class CsvImportError(DomainError):
    """Some rows are wrong; `errors` lists them ("Row 3: …"). Nothing was saved."""

    code = "csv_import"

    def __init__(self, errors):
        self.errors = [text for _row, text in sorted(errors, key=lambda pair: pair[0])]
        message = ngettext(
            "Nothing was imported: %(count)d row has a problem. Correct it and import the file again.",
            "Nothing was imported: %(count)d rows have problems. Correct them and import the file again.",
            len(self.errors),
        ) % {"count": len(self.errors)}
        super().__init__(message)

    def __str__(self):
        return "\n".join([str(self.message), *self.errors])


class _Rows:
    """Collects row problems as (row number, translated text)."""

    def __init__(self):
        self.errors = []

    def add(self, row, message):
        self.errors.append((row, _("Row %(row)d: %(message)s") % {"row": row, "message": message}))


def _decimal_text(value):
    return "" if value is None else format(value.normalize(), "f")


def _parse_coordinate(text, name, limit, rows, row):
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        rows.add(
            row,
            _("%(column)s “%(value)s” is not a number: write decimal degrees, e.g. 28.228.")
            % {"column": name, "value": text},
        )
        return None
    if not value.is_finite() or not -limit <= value <= limit:
        rows.add(
            row,
            _("%(column)s %(value)s is out of range: it must lie between -%(limit)d and %(limit)d.")
            % {"column": name, "value": text, "limit": limit},
        )
        return None
    return value


def _check_codes(parsed, rows):
    """Each row needs a code, and a code may appear once in a file."""
    first_row = {}
    for row, values in parsed:
        code = values["code"]
        if not code:
            rows.add(row, _("the code is empty: every row needs its own code."))
        elif code in first_row:
            rows.add(
                row,
                _("the code %(code)s already appears on row %(first)d: each code may appear only once.")
                % {"code": code, "first": first_row[code]},
            )
        else:
            first_row[code] = row
        if not values["name"]:
            rows.add(row, _("the name is empty: give the Chinese name."))


# Regions ------------------------------------------------------------------------------------------


def region_rows(regions):
    for region in regions:
        yield [
            region.code,
            region.name,
            region.name_en,
            region.level,
            region.parent.code if region.parent_id else "",
            _decimal_text(region.centre_lat),
            _decimal_text(region.centre_lon),
        ]


def regions_write_csv(stream, regions=None, *, bom=False):
    """Write regions (all of them by default) in tree order."""
    regions = Region.objects.all() if regions is None else regions
    write_csv(stream, REGION_COLUMNS, region_rows(regions.select_related("parent").order_by("path")), bom=bom)


@transaction.atomic
def regions_import(*, data, by=None) -> ImportResult:
    """Create or update regions from CSV bytes; raises CsvImportError (nothing saved) if any row is wrong."""
    parsed = read_csv(data, columns=REGION_COLUMNS, required=REGION_REQUIRED)
    rows = _Rows()
    _check_codes(parsed, rows)
    in_file = {values["code"] for _row, values in parsed}
    parent_codes = {values["parent_code"] for _row, values in parsed if values["parent_code"]}
    existing = Region.objects.in_bulk(in_file | parent_codes, field_name="code")
    valid = []
    for row, values in parsed:
        ok = True
        if values["level"] not in RegionLevel.values:
            rows.add(
                row,
                _("the level “%(level)s” is unknown: use one of %(levels)s.")
                % {"level": values["level"], "levels": ", ".join(RegionLevel.values)},
            )
            ok = False
        parent_code = values["parent_code"]
        if parent_code and parent_code not in in_file and parent_code not in existing:
            rows.add(
                row,
                _("the parent region %(code)s is neither in the file nor in the database: add it first.")
                % {"code": parent_code},
            )
            ok = False
        lat = _parse_coordinate(values["centre_lat"], "centre_lat", 90, rows, row)
        lon = _parse_coordinate(values["centre_lon"], "centre_lon", 180, rows, row)
        if ok:
            valid.append((row, values, lat, lon))
    if rows.errors:
        raise CsvImportError(rows.errors)

    created = updated = unchanged = 0
    valid.sort(key=lambda item: LEVEL_ORDER[item[1]["level"]])
    for row, values, lat, lon in valid:
        code = values["code"]
        parent = existing.get(values["parent_code"]) if values["parent_code"] else None
        if values["parent_code"] and parent is None:
            rows.add(
                row, _("its parent region %(code)s could not be imported.") % {"code": values["parent_code"]}
            )
            continue
        fields = {"name": values["name"], "name_en": values["name_en"], "centre_lat": lat, "centre_lon": lon}
        try:
            region = existing.get(code)
            if region is None:
                existing[code] = services.region_create(
                    code=code, level=values["level"], parent=parent, by=by, **fields
                )
                created += 1
                continue
            changes = {"level": values["level"], "parent": parent, **fields}
            before = (region.name, region.name_en, region.centre_lat, region.centre_lon)
            services.region_update(region=region, changes=changes, by=by)
            if before == (region.name, region.name_en, region.centre_lat, region.centre_lon):
                unchanged += 1
            else:
                updated += 1
        except DomainError as exc:
            rows.add(row, exc.message)
    if rows.errors:
        raise CsvImportError(rows.errors)
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


# Units --------------------------------------------------------------------------------------------


def unit_rows(units):
    for unit in units:
        yield [
            unit.code,
            unit.name,
            unit.name_en,
            unit.kind,
            unit.parent.code if unit.parent_id else "",
            REGION_CODE_SEPARATOR.join(sorted(region.code for region in unit.regions.all())),
            unit.public_phone,
        ]


def units_write_csv(stream, units=None, *, bom=False):
    """Write units (all of them by default) in tree order, with the codes of the regions they serve."""
    units = Unit.objects.all() if units is None else units
    units = units.select_related("parent").prefetch_related("regions").order_by("path")
    write_csv(stream, UNIT_COLUMNS, unit_rows(units), bom=bom)


def _split_codes(text):
    return sorted({code.strip() for code in text.split(REGION_CODE_SEPARATOR) if code.strip()})


@transaction.atomic
def units_import(*, data, by=None) -> ImportResult:
    """Create or update units from CSV bytes; raises CsvImportError (nothing saved) if any row is wrong.

    The regions a unit serves are set to exactly those listed; the regions must exist already.
    """
    parsed = read_csv(data, columns=UNIT_COLUMNS, required=UNIT_REQUIRED)
    rows = _Rows()
    _check_codes(parsed, rows)
    in_file = {values["code"] for _row, values in parsed}
    parent_codes = {values["parent_code"] for _row, values in parsed if values["parent_code"]}
    existing = Unit.objects.in_bulk(in_file | parent_codes, field_name="code")
    all_region_codes = {code for _row, values in parsed for code in _split_codes(values["region_codes"])}
    regions = Region.objects.in_bulk(all_region_codes, field_name="code")
    pending = []
    for row, values in parsed:
        ok = True
        if values["kind"] not in UnitKind.values:
            rows.add(
                row,
                _("the kind “%(kind)s” is unknown: use one of %(kinds)s.")
                % {"kind": values["kind"], "kinds": ", ".join(UnitKind.values)},
            )
            ok = False
        parent_code = values["parent_code"]
        if parent_code == values["code"] and parent_code:
            rows.add(row, _("a unit cannot be its own parent: leave parent_code empty or name another unit."))
            ok = False
        elif parent_code and parent_code not in in_file and parent_code not in existing:
            rows.add(
                row,
                _("the parent unit %(code)s is neither in the file nor in the database: add it first.")
                % {"code": parent_code},
            )
            ok = False
        unknown = [code for code in _split_codes(values["region_codes"]) if code not in regions]
        if unknown:
            rows.add(
                row,
                _("unknown region codes: %(codes)s. Import the regions first, or correct the codes.")
                % {"codes": ", ".join(unknown)},
            )
            ok = False
        if ok:
            pending.append((row, values))
    if rows.errors:
        raise CsvImportError(rows.errors)

    created = updated = unchanged = 0
    # Parents first, whatever the order of the file: repeat passes until no row can proceed.
    while pending:
        waiting = []
        for row, values in pending:
            parent_code = values["parent_code"]
            if parent_code and parent_code not in existing:
                waiting.append((row, values))
                continue
            outcome = _upsert_unit(row, values, existing, regions, rows, by)
            created += outcome == "created"
            updated += outcome == "updated"
            unchanged += outcome == "unchanged"
        if len(waiting) == len(pending):
            for row, values in waiting:
                rows.add(
                    row,
                    _("its parent unit %(code)s could not be imported (the parents may form a loop).")
                    % {"code": values["parent_code"]},
                )
            break
        pending = waiting
    if rows.errors:
        raise CsvImportError(rows.errors)
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


def _upsert_unit(row, values, existing, regions, rows, by):
    code = values["code"]
    parent = existing.get(values["parent_code"]) if values["parent_code"] else None
    served = [regions[c] for c in _split_codes(values["region_codes"])]
    fields = {
        "name": values["name"],
        "name_en": values["name_en"],
        "kind": values["kind"],
        "public_phone": values["public_phone"],
    }
    try:
        unit = existing.get(code)
        if unit is None:
            existing[code] = services.unit_create(code=code, parent=parent, regions=served, by=by, **fields)
            return "created"
        same = all(getattr(unit, name) == value for name, value in fields.items()) and sorted(
            unit.regions.values_list("code", flat=True)
        ) == sorted(region.code for region in served)
        services.unit_update(unit=unit, changes={"parent": parent, **fields}, regions=served, by=by)
        return "unchanged" if same else "updated"
    except DomainError as exc:
        rows.add(row, exc.message)
        return "failed"
