"""Region boundaries from GeoJSON: matching by code and name, centroids, files refused as a whole with
every bad feature named, the command, the demo's made-up boundaries, point-in-polygon and map helpers."""

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from massline.audit.models import AuditEvent
from massline.org import geojson_io, maps
from massline.org.geojson_io import GeoJsonImportError, boundaries_import
from massline.org.models import Region

# Township one: a 0.1° square whose centroid is (28.25, 112.85); township two: an L of three unit cells.
SQUARE = [[112.8, 28.2], [112.9, 28.2], [112.9, 28.3], [112.8, 28.3], [112.8, 28.2]]
L_SHAPE = [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def feature(geometry, **properties):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def polygon(ring):
    return {"type": "Polygon", "coordinates": [ring]}


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_boundaries_match_by_code_and_by_name_and_fill_missing_centres(org):
    org.township_2.centre_lat, org.township_2.centre_lon = Decimal("1.5"), Decimal("1.5")
    org.township_2.save()
    result = boundaries_import(
        data=collection(
            feature(polygon(SQUARE), code="c0-t1"),
            feature({"type": "MultiPolygon", "coordinates": [[L_SHAPE]]}, name="二号镇"),
        ),
        by=None,
    )
    assert (result.updated, result.unchanged, result.ignored) == (2, 0, 0)
    one, two = Region.objects.get(code="c0-t1"), Region.objects.get(code="c0-t2")
    assert one.boundary == polygon(SQUARE)
    # The square's centroid, filled in because the township had no centre.
    assert (one.centre_lat, one.centre_lon) == (Decimal("28.250000"), Decimal("112.850000"))
    assert two.boundary["type"] == "MultiPolygon"
    assert (two.centre_lat, two.centre_lon) == (Decimal("1.500000"), Decimal("1.500000"))  # kept
    assert AuditEvent.objects.filter(action="org.region.update").count() == 2
    # The same file again changes nothing and records nothing.
    again = boundaries_import(
        data=collection(
            feature(polygon(SQUARE), code="c0-t1"),
            feature({"type": "MultiPolygon", "coordinates": [[L_SHAPE]]}, name="二号镇"),
        ),
        by=None,
    )
    assert (again.updated, again.unchanged) == (0, 2)
    assert AuditEvent.objects.filter(action="org.region.update").count() == 2


def test_the_centroid_of_an_l_is_hand_computed():
    # Three unit cells with centres (0.5, 0.5), (1.5, 0.5), (0.5, 1.5): mean (5/6, 5/6).
    lat, lon = geojson_io.centroid(polygon(L_SHAPE))
    assert lat == pytest.approx(5 / 6) and lon == pytest.approx(5 / 6)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{not json", "The file is not valid JSON (line 1, column 2"),
        (b"\xff\xfe", "The file is not UTF-8 text"),
        (
            json.dumps({"type": "Polygon", "coordinates": []}).encode(),
            "is a GeoJSON Polygon, not a FeatureCollection",
        ),
        (collection(), "The FeatureCollection has no features."),
    ],
)
def test_broken_files_are_refused_with_what_to_do(org, data, expected):
    with pytest.raises(GeoJsonImportError) as caught:
        boundaries_import(data=data, by=None)
    assert expected in str(caught.value)


def test_every_bad_feature_is_named_and_nothing_is_saved(org):
    open_ring = SQUARE[:-1]
    data = collection(
        feature(polygon(SQUARE), code="c0-t1"),  # good, but must not be saved
        feature(polygon(open_ring), code="c0-t2"),
        feature({"type": "Point", "coordinates": [1, 2]}, code="c0-t1-v1"),
        feature(polygon(SQUARE), code="nowhere"),
        feature(polygon(SQUARE)),
        feature(polygon(SQUARE), code="c0-t1"),
        {
            "type": "Feature",
            "properties": {"code": "c0-t2-v1"},
            "geometry": polygon([[1, "a"], [2, 2], [3, 3], [1, "a"]]),
        },
        feature(polygon([[112.8, 95], [1, 1], [2, 2], [112.8, 95]]), code="c0-t1-v1-g1"),
    )
    with pytest.raises(GeoJsonImportError) as caught:
        boundaries_import(data=data, by=None)
    errors = caught.value.errors
    assert errors == [
        "Feature 2: coordinates[0] is not closed: its last position must repeat the first.",
        "Feature 3: its geometry is a Point: only Polygon and MultiPolygon are region boundaries.",
        "Feature 4: no region has the code or name “nowhere”: import the regions first.",
        "Feature 5: it has no code or name property: add one of code, adcode, region_code, name, name_en.",
        "Feature 6: region c0-t1 already has a boundary in feature 1: merge them into one MultiPolygon.",
        "Feature 7: coordinates[0][0] holds something other than two numbers.",
        "Feature 8: coordinates[0][0] (112.8, 95) is outside longitude -180…180 / latitude -90…90: the file "
        "must use WGS 84 degrees with the longitude first (re-project it, e.g. ogr2ogr -t_srs EPSG:4326).",
    ]
    assert "Nothing was imported: 7 problems" in str(caught.value)
    assert not Region.objects.exclude(boundary=None).exists()


def test_unknown_features_may_be_ignored_and_ambiguous_names_are_refused(org):
    result = boundaries_import(
        data=collection(feature(polygon(SQUARE), adcode="c0-t1"), feature(polygon(SQUARE), code="999")),
        by=None,
        ignore_unknown=True,
    )
    assert (result.updated, result.ignored) == (1, 1)
    Region.objects.filter(code="c0-t2").update(name="一号镇")
    with pytest.raises(GeoJsonImportError) as caught:
        boundaries_import(
            data=collection(feature(polygon(SQUARE), name="一号镇")), by=None, ignore_unknown=True
        )
    assert "the name “一号镇” belongs to 2 regions (c0-t1, c0-t2): add a code property." in str(caught.value)


def test_the_command_imports_exports_and_fails_cleanly(org, tmp_path, capsys):
    good = tmp_path / "regions.geojson"
    good.write_bytes(collection(feature(polygon(SQUARE), code="c0-t1")))
    call_command("org", "import-boundaries", str(good))
    assert "Boundaries: 1 updated, 0 unchanged, 0 ignored." in capsys.readouterr().out
    out = tmp_path / "out.geojson"
    call_command("org", "export-boundaries", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [f["properties"]["code"] for f in exported["features"]] == ["c0-t1"]
    bad = tmp_path / "bad.geojson"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(CommandError, match="it must be a FeatureCollection"):
        call_command("org", "import-boundaries", str(bad))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("org", "import-boundaries", str(tmp_path / "missing.geojson"))


def test_point_in_polygon_with_a_hole():
    outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]
    ring = {"type": "Polygon", "coordinates": [outer, hole]}
    assert geojson_io.contains(ring, lat=0.5, lon=0.5)
    assert not geojson_io.contains(ring, lat=2, lon=2)  # in the hole
    assert not geojson_io.contains(ring, lat=5, lon=2)
    assert geojson_io.contains({"type": "MultiPolygon", "coordinates": [[hole], [outer]]}, lat=2, lon=2)


def test_voronoi_cells_split_a_square_between_two_centres():
    left, right = geojson_io.voronoi_cells([(1, 1), (3, 1)], [(0, 0), (4, 0), (4, 2), (0, 2)])
    assert sorted(map(tuple, left[:-1])) == [(0, 0), (0, 2), (2, 0), (2, 2)]
    assert sorted(map(tuple, right[:-1])) == [(2, 0), (2, 2), (4, 0), (4, 2)]


def test_the_demo_boundaries_cover_each_centre(org):
    for region, lat, lon in (
        (org.county, "28.20", "113.00"),
        (org.township_1, "28.20", "112.90"),
        (org.township_2, "28.20", "113.10"),
        (org.village_1, "28.21", "112.91"),
    ):
        region.centre_lat, region.centre_lon = Decimal(lat), Decimal(lon)
        region.save()
    result = boundaries_import(data=json.dumps(geojson_io.demo_boundaries(org.county)).encode(), by=None)
    assert result.updated == 4
    for region in Region.objects.exclude(boundary=None):
        assert geojson_io.contains(region.boundary, lat=region.centre_lat, lon=region.centre_lon), region.code


def test_map_classes_colours_and_public_rounding():
    values = [424, 499, 479, 476, 460, 505]
    assert maps.count_classes(values) == [(424, 440), (441, 457), (458, 474), (475, 491), (492, 508)]
    assert [maps.colour("count", v, values) for v in (424, 505, 460)] == [
        maps.COUNT_COLOURS[0],
        maps.COUNT_COLOURS[4],
        maps.COUNT_COLOURS[2],
    ]
    assert [maps.colour("rate", v, []) for v in (0, 59.9, 60, 89.9, 90, 100, None)] == [
        *maps.RATE_COLOURS[:1] * 2,
        maps.RATE_COLOURS[1],
        maps.RATE_COLOURS[3],
        maps.RATE_COLOURS[4],
        maps.RATE_COLOURS[4],
        maps.NO_DATA_COLOUR,
    ]
    assert [e["label"] for e in maps.legend("count", [0, 2])] == ["0", "1", "2", "no data"]
    assert maps.public_position(Decimal("28.201234"), Decimal("112.905678")) == (28.201, 112.906)
    assert maps.public_position(None, Decimal("1")) is None
