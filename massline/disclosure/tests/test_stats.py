"""Statistics and the annual report: Wilson intervals, minimum counts, and the report's tables equal to
the register's counts."""

import io

import pytest
from openpyxl import load_workbook

from massline.disclosure import exports, selectors, services, stats
from massline.disclosure.choices import AnswerType, LegalGround, Remedy

from .conftest import local

pytestmark = pytest.mark.django_db


def test_wilson_interval_matches_a_hand_computed_value():
    low, high = stats.wilson_interval(8, 10)
    assert round(low, 4) == 0.4902 and round(high, 4) == 0.9433
    assert stats.wilson_interval(0, 0) is None
    assert stats.wilson_interval(0, 5)[0] == 0.0


def test_a_share_is_hidden_below_the_minimum_count(settings):
    settings.MASSLINE_DISCLOSURE_MIN_COUNT = 5
    assert not stats.Share(3, 4, 5).shown and stats.Share(3, 4, 5).value is None
    assert str(stats.Share(4, 5, 5)).startswith("80%")


@pytest.fixture
def year_of_requests(make_request, officer_a, unit_head_a, officer_b, org):
    answers = [
        (AnswerType.DISCLOSED, {}),
        (AnswerType.DISCLOSED, {}),
        (AnswerType.PARTLY_DISCLOSED, {"legal_ground": LegalGround.THIRD_PARTY}),
        (AnswerType.NOT_DISCLOSED, {"legal_ground": LegalGround.INTERNAL}),
        (AnswerType.NOT_HELD, {}),
        (AnswerType.ALREADY_PUBLIC, {"where_public": "www.example.gov.cn"}),
    ]
    made = []
    for day, (kind, extra) in enumerate(answers, start=8):
        request = make_request(received_at=local(2026, 9, day, 10), description=f"Request {day}")
        late = day == 8  # answered after its due time
        services.request_answer(
            request=request,
            answer_type=kind,
            text="Answer.",
            by=officer_a,
            at=local(2026, 10, 30, 10) if late else local(2026, 9, 30, 10),
            **extra,
        )
        made.append(request)
    services.request_mark_unsatisfied(request=made[3], note="Not internal.", remedy=Remedy.RECONSIDERATION)
    extended = make_request(received_at=local(2026, 11, 2, 10))
    services.request_extend(request=extended, reason="Volume.", by=unit_head_a, at=local(2026, 11, 3, 10))
    make_request(received_at=local(2026, 11, 2, 10), unit=org.unit_b)
    make_request(received_at=local(2025, 12, 1, 10))  # another year, still open: carried over
    return made


def _register_count(**filters):
    return selectors.register_rows(year=2026).filter(**filters).count()


def test_the_annual_report_tables_match_the_register(year_of_requests, org):
    tables = {title: (header, rows) for title, header, rows in stats.report_tables(year=2026)}
    overview_header, overview = list(tables.values())[0]
    by_unit = {row[0]: row for row in overview}
    row_a = by_unit[org.unit_a.label]
    assert row_a[1] == 1  # carried over from 2025
    assert row_a[2] == _register_count(unit=org.unit_a) == 7
    assert row_a[3] == _register_count(unit=org.unit_a, status="answered") == 6
    assert row_a[4] == _register_count(unit=org.unit_a, on_time=True) == 5
    assert row_a[5] == 1 and row_a[7] == _register_count(extension_approved_at__isnull=False) == 1
    assert by_unit[org.unit_b.label][2] == _register_count(unit=org.unit_b) == 1

    _header, outcomes = list(tables.values())[1]
    outcome_row = {row[0]: row for row in outcomes}[org.unit_a.label]
    for index, value in enumerate(AnswerType.values, start=1):
        assert outcome_row[index] == _register_count(unit=org.unit_a, answer_type=value)

    _header, remedies = list(tables.values())[2]
    remedy_row = {row[0]: row for row in remedies}[org.unit_a.label]
    assert remedy_row[1] == 1 and remedy_row[2] == 1
    assert remedy_row[4].startswith("83%")  # 5 of 6 on time, with its interval

    book = load_workbook(io.BytesIO(exports.report_xlsx(year=2026)))
    sheet = book.worksheets[0]
    xlsx_rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert list(xlsx_rows[org.unit_a.label]) == row_a
    assert exports.report_pdf(year=2026).startswith(b"%PDF")


def test_the_report_is_due_by_the_end_of_january():
    assert stats.report_due(2026).isoformat() == "2027-01-31"
