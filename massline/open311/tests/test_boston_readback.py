"""A slice of what Boston's Open311 server returned, imported through the cases import and read back
through GET requests.json on the live server, field by field."""

import csv
import gzip
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from massline.cases.categories import OPEN311_SERVICES
from massline.cases.masking import mask_public
from massline.cases.models import Case
from massline.cases.services.imports import import_cases

from .conftest import build_catalogue

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = Path("/work/shared/data/boston311_open311/requests_2008_2017.csv.gz")
if not SOURCE.exists():
    SOURCE = (
        Path(__file__).resolve().parents[3].parent / "shared/data/boston311_open311/requests_2008_2017.csv.gz"
    )
SLICE = 50


def cut_slice(target):
    with gzip.open(SOURCE, "rt", encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        rows = [row for _n, row in zip(range(SLICE), reader, strict=False)]
        fields = reader.fieldnames
    with gzip.open(target, "wt", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def squeeze(text):
    """The import stores free text with runs of white space collapsed."""
    return " ".join(text.split())


def instant(text):
    return datetime.fromisoformat(text)


@pytest.mark.skipif(not SOURCE.exists(), reason="the shared Boston data is not on this machine")
def test_imported_boston_requests_read_back_field_by_field(o311, conforms, org, tmp_path):
    build_catalogue(org)
    rows = cut_slice(tmp_path / "slice.csv.gz")
    import_cases(tmp_path / "slice.csv.gz", fmt="open311")
    ours = dict(Case.objects.filter(source="boston-open311").values_list("source_ref", "public_id"))
    assert len(ours) == len({row["service_request_id"] for row in rows})

    first = min(instant(row["requested_datetime"]) for row in rows)
    last = max(instant(row["requested_datetime"]) for row in rows)
    assert last - first <= timedelta(days=90)
    params = {
        "start_date": (first - timedelta(seconds=1)).isoformat(),
        "end_date": (last + timedelta(seconds=1)).isoformat(),
    }
    answer = o311.get("requests.json", params, headers={"Accept-Language": "en"})
    read = {r["service_request_id"]: r for r in conforms(answer, "requests")}
    assert len(read) == len(ours)

    for row in rows:
        request = read[ours[row["service_request_id"]]]
        assert request["status"] == row["status"]
        assert instant(request["requested_datetime"]) == instant(row["requested_datetime"])
        if row["status"] == "closed":
            assert instant(request["updated_datetime"]) == instant(row["updated_datetime"])
            assert squeeze(request["status_notes"]) == squeeze(mask_public(row["status_notes"]))
            assert request["expected_datetime"] is None
        expected_name = OPEN311_SERVICES.get(row["service_name"], ("", row["service_name"]))[-1]
        assert request["service_name"] == expected_name
        text = row["description"] or row["status_notes"]
        assert squeeze(request["description"]) == squeeze(mask_public(text or row["service_name"]))[:500]
        street, _sep, district = row["address"].partition(",")
        assert request["address"].endswith(district)
        assert not any(ch.isdigit() for ch in request["address"].split(",")[0])
        if street[:1].isdigit():  # "25 Sheridan St, Jamaica Plain" -> "** Sheridan St, Jamaica Plain"
            assert request["address"].startswith("** ") and street.split()[-1] in request["address"]
        else:
            assert request["address"] == row["address"]
        for ours_name, theirs in (("lat", row["lat"]), ("long", row["long"])):
            if theirs:
                stored = Decimal(theirs).quantize(Decimal("0.000001"))  # the demand keeps 6 decimal places
                assert request[ours_name] == float(stored.quantize(Decimal("0.001")))  # as the public map
