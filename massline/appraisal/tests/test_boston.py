"""The Boston 2015 comparison on a slice the test cuts from the real file."""

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from massline.appraisal.boston import reproduce_boston2015

SOURCE = Path(settings.MASSLINE_DATA_DIR) / "boston311_2015" / "boston311_2015_all.csv.gz"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SOURCE.exists(), reason="../shared/data/boston311_2015 is not there"),
]


@pytest.fixture
def slice_file(tmp_path):
    with gzip.open(SOURCE, "rt", encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        rows = [next(reader) for _ in range(301)]
    path = tmp_path / "slice.csv"
    with open(path, "w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(rows)
    return path, rows


def test_totals_match_the_citys_flags_on_a_slice(slice_file):
    path, rows = slice_file
    header, data = rows[0], rows[1:]
    flag = header.index("OnTime_Status")
    city = sum(r[flag].upper() == "ONTIME" for r in data) / sum(
        r[flag].upper() in ("ONTIME", "OVERDUE") for r in data
    )
    result = reproduce_boston2015(path)
    assert result["rows_read"] == 300
    assert result["city_on_time_share"] == pytest.approx(city)
    assert 0 <= result["massline_on_time_share"] <= 1
    assert sum(d["rows"] for d in result["departments"]) == result["rows_loaded"]
    assert abs(result["massline_on_time_share"] - result["city_on_time_share"]) < 0.1


def test_the_command_prints_json(slice_file):
    out = io.StringIO()
    call_command("appraisal", "reproduce-boston2015", str(slice_file[0]), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert {"massline_on_time_share", "city_on_time_share", "departments"} <= set(data)
