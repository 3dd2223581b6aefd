"""Import of historical demands (services/imports.py, `massline import-cases`) on slices cut here."""

import csv
import gzip
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from massline.audit.models import AuditEvent
from massline.cases import categories
from massline.cases.choices import CaseStatus, EventKind, Satisfaction
from massline.cases.models import Case, CaseEvent
from massline.cases.services.imports import ImportFormatError, import_cases, parse_datetime_lenient

SHANGHAI = ZoneInfo("Asia/Shanghai")
BOSTON = ZoneInfo("America/New_York")
DATA = categories.data_dir()


def read_rows(path, count, *, skip=0):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = []
        for index, row in enumerate(reader):
            if index < skip:
                continue
            if len(rows) >= count:
                break
            rows.append(row)
        return reader.fieldnames, rows


def write_rows(path, fieldnames, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return path


def teddy_slice(tmp_path, name, count=60):
    fieldnames, rows = read_rows(DATA / "teddy2020c" / name, count)
    return write_rows(tmp_path / name, fieldnames, rows), rows


def test_dates_are_read_leniently():
    assert parse_datetime_lenient("2019/4/25 9:32:09", SHANGHAI) == datetime(
        2019, 4, 25, 9, 32, 9, tzinfo=SHANGHAI
    )
    assert parse_datetime_lenient("2019-02-14 20:00:00", SHANGHAI) == datetime(
        2019, 2, 14, 20, tzinfo=SHANGHAI
    )
    assert parse_datetime_lenient("2019/5/10", SHANGHAI) == datetime(2019, 5, 10, tzinfo=SHANGHAI)
    assert parse_datetime_lenient("01/09/2015 03:43:23 PM", BOSTON) == datetime(
        2015, 1, 9, 15, 43, 23, tzinfo=BOSTON
    )
    iso = parse_datetime_lenient("2008-10-06T11:25:57-04:00", BOSTON)
    assert iso.utcoffset().total_seconds() == -4 * 3600 and iso.hour == 11
    assert parse_datetime_lenient("  ", SHANGHAI) is None


@pytest.mark.django_db
def test_teddy_replies_load_with_their_real_times_reply_and_closed_status(tmp_path):
    path, rows = teddy_slice(tmp_path, "attachment4_messages_with_replies.csv")
    summary = import_cases(path, fmt="teddy")

    assert (summary.read, summary.loaded, summary.rejected_total) == (60, 60, 0)
    first = rows[0]
    case = Case.objects.get(source="teddy2020c", source_ref=first["留言编号"])
    assert case.title == first["留言主题"].strip()
    assert case.description == first["留言详情"].strip()[:4000]
    assert case.received_at == parse_datetime_lenient(first["留言时间"], SHANGHAI)
    assert case.replied_at == case.closed_at == parse_datetime_lenient(first["答复时间"], SHANGHAI)
    assert case.reply == first["答复意见"].strip()[:4000]
    assert case.status == CaseStatus.CLOSED and case.satisfaction == Satisfaction.NOT_RATED
    assert case.is_public and case.public_summary
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [EventKind.RECEIVED, EventKind.REPLIED, EventKind.CLOSED]


@pytest.mark.django_db
def test_teddy_demands_get_a_due_time_from_the_policy_and_lateness_from_it(tmp_path):
    categories.ensure_default_policies()
    path, _rows = teddy_slice(tmp_path, "attachment4_messages_with_replies.csv", count=40)
    import_cases(path, fmt="teddy")
    cases = list(Case.objects.filter(source="teddy2020c"))
    assert all(c.due_reply_at and c.due_reply_at > c.received_at for c in cases)
    assert all(c.was_late == (c.replied_at > c.due_reply_at) for c in cases)


@pytest.mark.django_db
def test_a_labelled_teddy_message_gets_its_category_and_the_category_s_unit(tmp_path):
    from massline.org import services as org_services
    from massline.org.choices import UnitKind

    bureau = org_services.unit_create(
        code="rsj", name="人社局", name_en="HR bureau", kind=UnitKind.DEPARTMENT, regions=[], by=None
    )
    taxonomy = tmp_path / "taxonomy.csv"
    with open(categories.taxonomy_csv(), encoding="utf-8-sig") as source:
        taxonomy.write_text(source.read(), encoding="utf-8")
    categories.load_taxonomy_csv(taxonomy)
    fieldnames, rows = read_rows(DATA / "teddy2020c" / "attachment2_labelled_sample.csv", 400)
    labour = [row for row in rows if row["一级分类"] == "劳动和社会保障"][:10]
    path = write_rows(tmp_path / "labour.csv", fieldnames, labour)

    import_cases(path, fmt="teddy")

    cases = Case.objects.filter(source="teddy2020c")
    assert cases.count() == len(labour)
    for case in cases:
        assert case.category.path.startswith("/zh-15/"), case.category
        assert case.lead_unit == bureau
        # No reply in this file: the demand is with the unit, not closed.
        assert case.status == CaseStatus.IN_PROGRESS and case.replied_at is None
        assert case.assignments.get().unit == bureau


@pytest.mark.django_db
def test_a_re_run_adds_nothing_and_each_run_writes_one_audit_event(tmp_path):
    path, _rows = teddy_slice(tmp_path, "attachment4_messages_with_replies.csv", count=50)
    import_cases(path, fmt="teddy")
    events = CaseEvent.objects.count()

    again = import_cases(path, fmt="teddy")

    assert (again.loaded, again.existing) == (0, 50)
    assert Case.objects.count() == 50 and CaseEvent.objects.count() == events
    runs = AuditEvent.objects.filter(action="cases.case.imported")
    assert runs.count() == 2
    assert runs.order_by("id").first().details["loaded"] == 50
    # Not one audit event per row.
    assert AuditEvent.objects.filter(object_type="cases.case").count() == 2


@pytest.mark.django_db
def test_unusable_rows_are_rejected_with_their_reason_and_the_rest_load(tmp_path):
    fieldnames, rows = read_rows(DATA / "teddy2020c" / "attachment4_messages_with_replies.csv", 50)
    rows[1]["留言时间"] = "2019/13/45 99:00"
    rows[2]["留言主题"] = " "
    rows[3]["留言编号"] = ""
    rows[4]["答复时间"] = "2001/1/1 08:00:00"
    rows.append(dict(rows[10]))
    path = write_rows(tmp_path / "bad.csv", fieldnames, rows)

    summary = import_cases(path, fmt="teddy")

    assert summary.rejected == {
        "bad_date": 1,
        "missing_text": 1,
        "missing_id": 1,
        "closed_before_received": 1,
        "duplicate_in_file": 1,
    }
    assert summary.examples["bad_date"] == [rows[1]["留言编号"]]
    assert summary.examples["missing_id"] == ["line 5"]
    assert summary.loaded == 46 == Case.objects.count()
    with translation.override("en"):
        text = "\n".join(summary.lines())
    assert "unreadable date: 1" in text and "id repeated in the file: 1" in text


def open311_rows(count=120):
    return read_rows(DATA / "boston311_open311" / "requests_2008_2017.csv.gz", count, skip=150_000)


@pytest.mark.django_db
def test_open311_requests_load_with_status_coordinates_and_masked_public_summary(tmp_path):
    fieldnames, rows = open311_rows()
    rows[0]["description"] = "Car blocking my driveway again, call me at 617-555-0123 or jane.doe@example.org"
    rows[1]["lat"], rows[1]["long"] = "34.24438675302376", "-73.65139090238068"
    path = write_rows(tmp_path / "open311.csv", fieldnames, rows)

    summary = import_cases(path, fmt="open311")

    assert summary.rejected == {"bad_coordinates": 1}
    assert summary.loaded == len(rows) - 1
    masked = Case.objects.get(source="boston-open311", source_ref=rows[0]["service_request_id"])
    assert "617-555-0123" in masked.description and "jane.doe@example.org" in masked.description
    assert "617-555-0123" not in masked.public_summary and "jane.doe" not in masked.public_summary
    assert "617-555-0123" not in masked.title
    for row in rows[2:]:
        case = Case.objects.get(source="boston-open311", source_ref=row["service_request_id"])
        assert case.received_at == datetime.fromisoformat(row["requested_datetime"])
        assert (
            case.category.name
            == categories.OPEN311_SERVICES.get(row["service_name"], ("", row["service_name"]))[-1]
        )
        assert case.lead_unit is not None
        if row["status"] == "closed":
            assert case.status == CaseStatus.CLOSED
            assert case.closed_at == case.replied_at == datetime.fromisoformat(row["updated_datetime"])
        else:
            assert case.status == CaseStatus.IN_PROGRESS and case.closed_at is None
        if row["lat"]:
            assert abs(float(case.lat) - float(row["lat"])) < 1e-6


def boston2015_slice(tmp_path, count=200):
    fieldnames, rows = read_rows(DATA / "boston311_2015" / "boston311_2015_all.csv.gz", count, skip=20_000)
    return write_rows(tmp_path / "boston2015.csv", fieldnames, rows), rows


@pytest.mark.django_db
def test_boston_2015_cases_keep_target_closed_times_and_the_city_s_on_time_flag(tmp_path):
    path, rows = boston2015_slice(tmp_path)
    summary = import_cases(path, fmt="boston2015")
    assert summary.loaded == len(rows)
    for row in rows[:50]:
        case = Case.objects.get(source="boston-2015", source_ref=row["CASE_ENQUIRY_ID"])
        assert case.received_at == datetime.strptime(row["OPEN_DT"], "%m/%d/%Y %I:%M:%S %p").replace(
            tzinfo=BOSTON
        )
        if row["TARGET_DT"]:
            assert case.due_reply_at == datetime.strptime(row["TARGET_DT"], "%m/%d/%Y %I:%M:%S %p").replace(
                tzinfo=BOSTON
            )
        assert case.was_late == (row["OnTime_Status"] == "OVERDUE")
        assert case.category.name == row["TYPE"].strip()
        assert (case.status == CaseStatus.CLOSED) == (row["CASE_STATUS"] == "Closed")


@pytest.mark.django_db
def test_the_on_time_share_computed_from_the_stored_times_equals_the_city_s_own(tmp_path):
    path, rows = boston2015_slice(tmp_path)
    import_cases(path, fmt="boston2015")
    closed = [r for r in rows if r["CASE_STATUS"] == "Closed" and r["OnTime_Status"]]
    city_share = sum(r["OnTime_Status"] == "ONTIME" for r in closed) / len(closed)

    cases = Case.objects.filter(source="boston-2015", status=CaseStatus.CLOSED)
    ours = [c.due_reply_at is None or c.closed_at <= c.due_reply_at for c in cases]

    assert len(ours) == len(closed)
    assert 0 < city_share < 1, "the slice must hold both on-time and late cases"
    assert sum(ours) / len(ours) == pytest.approx(city_share)


@pytest.mark.django_db
def test_the_command_prints_the_summary_and_refuses_a_wrong_format(tmp_path):
    path, _rows = teddy_slice(tmp_path, "attachment4_messages_with_replies.csv", count=12)
    out = io.StringIO()
    with translation.override("en"):
        call_command(
            "import_cases", str(path), "--format", "teddy", "--limit", "10", "--no-progress", stdout=out
        )
    assert "10 rows read, 10 demands loaded" in out.getvalue()
    assert Case.objects.count() == 10

    with pytest.raises(CommandError, match="columns"):
        call_command(
            "import_cases", str(path), "--format", "boston2015", "--no-progress", stdout=io.StringIO()
        )
    with pytest.raises(ImportFormatError):
        import_cases(tmp_path / "missing.csv", fmt="teddy")
    assert Case.objects.count() == 10
