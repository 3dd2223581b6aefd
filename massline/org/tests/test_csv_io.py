"""Regions and units as CSV: round trips, upserts, and files refused as a whole with every bad row named."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from massline.audit.models import AuditEvent
from massline.lib.csvfile import CsvFormatError
from massline.org import csv_io, services
from massline.org.models import Region, Unit

REGION_HEADER = "code,name,name_en,level,parent_code,centre_lat,centre_lon\n"
UNIT_HEADER = "code,name,name_en,kind,parent_code,region_codes,public_phone\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def export(write, queryset=None):
    stream = io.StringIO(newline="")
    write(stream, queryset)
    return stream.getvalue()


def table():
    """Everything the CSV formats carry, for comparing before and after a round trip."""
    regions = [
        (
            r.code,
            r.name,
            r.name_en,
            r.level,
            r.parent.code if r.parent else "",
            r.centre_lat,
            r.centre_lon,
            r.path,
        )
        for r in Region.objects.select_related("parent").order_by("code")
    ]
    units = [
        (u.code, u.name, u.name_en, u.kind, u.parent.code if u.parent else "", u.public_phone, u.path)
        + (tuple(sorted(u.regions.values_list("code", flat=True))),)
        for u in Unit.objects.select_related("parent").order_by("code")
    ]
    return regions, units


def test_export_then_import_into_an_empty_database_rebuilds_the_same_tree(org):
    services.region_update(
        region=org.county, changes={"centre_lat": "28.2", "centre_lon": "-112.95"}, by=None
    )
    services.unit_create(code="a-office", name="=甲局办公室", kind="office", parent=org.unit_a, by=None)
    services.unit_update(unit=org.unit_a, changes={"public_phone": "+86 731 1234"}, by=None)
    regions_csv = export(csv_io.regions_write_csv)
    units_csv = export(csv_io.units_write_csv)
    before = table()

    for model in (Unit, Region):  # children first: parents are protected
        for obj in model.objects.order_by("-path"):
            obj.delete()
    assert csv_io.regions_import(data=regions_csv.encode()) == csv_io.ImportResult(created=7)
    assert csv_io.units_import(data=units_csv.encode()) == csv_io.ImportResult(created=5)
    assert table() == before


def test_importing_an_export_again_changes_nothing(org):
    regions_csv, units_csv = export(csv_io.regions_write_csv), export(csv_io.units_write_csv)
    events = AuditEvent.objects.count()
    assert csv_io.regions_import(data=regions_csv.encode()) == csv_io.ImportResult(unchanged=7)
    assert csv_io.units_import(data=units_csv.encode()) == csv_io.ImportResult(unchanged=4)
    assert AuditEvent.objects.count() == events


def test_an_import_creates_new_codes_and_updates_existing_ones(org, admin_user):
    data = REGION_HEADER + (
        "c0-t1,一号镇,Town No. 1,township,c0,28.1,112.9\n"  # existing: English name and centre change
        "c0-t1-v2,新村,New Village,village,c0-t1,,\n"  # new
    )
    result = csv_io.regions_import(data=data.encode(), by=admin_user)
    assert result == csv_io.ImportResult(created=1, updated=1)
    org.township_1.refresh_from_db()
    assert (org.township_1.name_en, org.township_1.centre_lat) == ("Town No. 1", Decimal("28.1"))
    assert Region.objects.get(code="c0-t1-v2").path == "/c0/c0-t1/c0-t1-v2/"
    assert AuditEvent.objects.filter(action="org.region.update", actor_id=admin_user.pk).count() == 1


def test_children_may_come_before_their_parents_in_the_file(db):
    regions = REGION_HEADER + "x-t,镇,,township,x,,\nx-t-v,村,,village,x-t,,\nx,县,,county,,,\n"
    assert csv_io.regions_import(data=regions.encode()).created == 3
    units = UNIT_HEADER + "u-office,科室,,office,u,,\nu,局,,department,,x-t;x,\n"
    assert csv_io.units_import(data=units.encode()).created == 2
    assert Unit.objects.get(code="u-office").path == "/u/u-office/"
    assert sorted(Unit.objects.get(code="u").regions.values_list("code", flat=True)) == ["x", "x-t"]


# Row 2 of every file below is a good county (n0), so the bad rows start at row 3.
@pytest.mark.parametrize(
    ("rows", "messages"),
    [
        ("n1,新县,,province,,,\n", ["Row 3: the level “province” is unknown"]),
        ("n1,新镇,,township,nowhere,,\n", ["Row 3: the parent region nowhere is neither in the file"]),
        ("n1,新县,,county,,,\nn1,又一县,,county,,,\n", ["Row 4: the code n1 already appears on row 3"]),
        ("n0,又一县,,county,,,\n", ["Row 3: the code n0 already appears on row 2"]),
        ("n1,新县,,county,,91.5,112.9\n", ["Row 3: centre_lat 91.5 is out of range"]),
        ("n1,新县,,county,,28.1,east\n", ["Row 3: centre_lon “east” is not a number"]),
        ("n1,新县,,county,,28.1,\n", ["Row 3: Give both the centre latitude and longitude"]),
        (
            "n1,新县,,county,,28.1234567,112\n",
            ["Row 3: centre_lat: Ensure that there are no more than 6 decimal"],
        ),
        (",无码,,county,,,\n", ["Row 3: the code is empty"]),
        ("n1,,,county,,,\n", ["Row 3: the name is empty"]),
        ("n 1,新县,,county,,,\n", ["Row 3: code: Enter a valid “slug”"]),
        (
            "n1,新村,,village,c0,,\n",
            ["Row 3: parent: A Village / community must belong to a Township / street"],
        ),
        (
            "c0-t1,一号镇,,township,c0-t2,,\n",
            ["Row 3: The parent region of an existing record cannot change"],
        ),
        ("c0-t1,一号镇,,village,c0,,\n", ["Row 3: The level of an existing record cannot change"]),
        (
            "n2,新镇,,township,n0,95,1\nn3,新镇,,town,n0,,\n",
            ["Row 3: centre_lat 95 is out of range", "Row 4: the level “town” is unknown"],
        ),
    ],
)
def test_a_bad_region_row_is_named_and_nothing_is_saved(org, rows, messages):
    before, events = table(), AuditEvent.objects.count()
    with pytest.raises(csv_io.CsvImportError) as caught:
        csv_io.regions_import(data=(REGION_HEADER + "n0,好县,,county,,,\n" + rows).encode())
    errors = caught.value.errors
    assert len(errors) == len(messages), errors
    for error, message in zip(errors, messages, strict=True):
        assert error.startswith(message), errors
    assert str(caught.value).startswith("Nothing was imported")
    assert table() == before
    assert not Region.objects.filter(code="n0").exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("n1,新局,,bureau,,,\n", "Row 2: the kind “bureau” is unknown"),
        ("n1,新局,,department,ghost,,\n", "Row 2: the parent unit ghost is neither in the file"),
        ("n1,新局,,department,,c0;mars,\n", "Row 2: unknown region codes: mars"),
        ("n1,新局,,department,n1,,\n", "Row 2: a unit cannot be its own parent"),
        (
            "n1,甲,,department,n2,,\nn2,乙,,department,n1,,\n",
            "Row 2: its parent unit n2 could not be imported",
        ),
        ("unit-a,甲局,,department,centre,,\n", "Row 2: The parent unit of an existing record cannot change"),
        ("n1,新局,,department,,,\nn1,新局,,department,,,\n", "Row 3: the code n1 already appears on row 2"),
    ],
)
def test_a_bad_unit_row_is_named_and_nothing_is_saved(org, rows, message):
    before = table()
    with pytest.raises(csv_io.CsvImportError) as caught:
        csv_io.units_import(data=(UNIT_HEADER + rows).encode())
    assert any(error.startswith(message) for error in caught.value.errors), caught.value.errors
    assert table() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\xff\xfec\x00o\x00d\x00e\x00", "not UTF-8"),
        ("code,name,level\n".encode("utf-16"), "not UTF-8"),
        ("code,名称,level\nx,县,county\n".encode("gb18030"), "not UTF-8"),
        (b"code,name\nx,y\n", "missing columns: level"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(db, data, message):
    with pytest.raises(CsvFormatError, match=message):
        csv_io.regions_import(data=data)
    assert not Region.objects.exists()


def test_exported_cells_cannot_run_as_formulas(org):
    services.region_update(region=org.county, changes={"name_en": '=HYPERLINK("http://evil")'}, by=None)
    services.unit_update(unit=org.unit_a, changes={"name": "@SUM(1)", "public_phone": "+86-731"}, by=None)
    regions_csv, units_csv = export(csv_io.regions_write_csv), export(csv_io.units_write_csv)
    assert "'=HYPERLINK" in regions_csv
    assert "'@SUM(1)" in units_csv and "'+86-731" in units_csv


def test_the_command_exports_to_stdout_and_a_file_and_imports_back(org, tmp_path):
    out = io.StringIO()
    call_command("org", "export-regions", stdout=out)
    assert out.getvalue().startswith(REGION_HEADER.replace("\n", "\r\n"))
    assert "c0-t1-v1-g1,一号网格,Grid One,grid,c0-t1-v1,," in out.getvalue()

    path = tmp_path / "units.csv"
    call_command("org", "export-units", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert path.read_bytes().startswith("\ufeff".encode())  # a BOM, for Excel
    services.unit_update(unit=org.unit_b, changes={"name_en": "Changed"}, by=None)
    out = io.StringIO()
    call_command("org", "import-units", str(path), stdout=out)
    assert "0 created, 1 updated, 3 unchanged" in out.getvalue()
    org.unit_b.refresh_from_db()
    assert org.unit_b.name_en == "Bureau B"


def test_the_command_reports_every_bad_row(org, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(REGION_HEADER + "a,甲,,county,,95,0\nb,乙,,nowhere,,,\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("org", "import-regions", str(path))
    text = str(caught.value)
    assert "Nothing was imported: 2 rows have problems" in text
    assert "Row 2: centre_lat 95 is out of range" in text
    assert "Row 3: the level “nowhere” is unknown" in text


def test_the_command_says_when_a_file_is_missing(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("org", "import-regions", str(tmp_path / "missing.csv"))
