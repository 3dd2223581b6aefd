"""Every definition of docs/appraisal.md on hand-built demands whose rates are known exactly."""

import pytest

from massline.appraisal import metrics
from massline.appraisal.choices import Dimension, VisitsCounted
from massline.appraisal.models import DemandFact, MonthlyFigures
from massline.appraisal.services import appraisal_refresh, counts_of, month_of

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db
RULES = metrics.Rules(weights=(30, 35, 35), basic_factor=0.9)
NOW = at(days=2)


@pytest.fixture
def figures(known_month):
    appraisal_refresh(now=NOW)
    row = MonthlyFigures.objects.get(
        month=month_of(MONDAY), dimension=Dimension.UNIT, key=known_month[1].lead_unit_id
    )
    return metrics.compute(row.__dict__, RULES)


def test_volumes_count_excluded_and_merged_demands_apart(known_month):
    appraisal_refresh(now=NOW)
    counts = counts_of(DemandFact.objects.all(), RULES)
    assert (counts["received"], counts["counted"], counts["excluded"], counts["merged"]) == (10, 9, 1, 1)


def test_response_rate_is_signed_on_time_of_dispatched(figures):
    f = figures["response_rate"]
    assert (f.numerator, f.denominator) == (6, 7)
    assert f.value == pytest.approx(6 / 7)


def test_two_on_time_figures_side_by_side(figures):
    assert (figures["on_time_rate"].numerator, figures["on_time_rate"].denominator) == (5, 6)
    strict = figures["on_time_strict_rate"]
    assert (strict.numerator, strict.denominator) == (5, 7)


def test_resolution_and_satisfaction_count_valid_visits_only(figures):
    assert (figures["resolution_rate"].numerator, figures["resolution_rate"].denominator) == (4, 5)
    satisfaction = figures["satisfaction_rate"]
    assert satisfaction.denominator == 5
    assert satisfaction.value == pytest.approx((3 + 0.9) / 5)
    assert figures["unrated"].value == 1


def test_phone_visits_only_rule_changes_the_denominator(known_month):
    appraisal_refresh(now=NOW)
    counts = counts_of(DemandFact.objects.all(), RULES)
    phone = metrics.compute(counts, metrics.Rules(visits=VisitsCounted.PHONE, basic_factor=0.9))
    assert (phone["resolution_rate"].numerator, phone["resolution_rate"].denominator) == (2, 2)
    assert phone["satisfaction_rate"].value == pytest.approx((1 + 0.9) / 2)


def test_basic_factor_comes_from_the_rules(known_month):
    appraisal_refresh(now=NOW)
    counts = counts_of(DemandFact.objects.all(), RULES)
    full = metrics.compute(counts, metrics.Rules(basic_factor=1.0))
    assert full["satisfaction_rate"].value == pytest.approx(4 / 5)


def test_return_reopen_overdue_and_accountability(figures):
    assert (figures["return_rate"].numerator, figures["return_rate"].denominator) == (1, 7)
    assert (figures["reopen_rate"].numerator, figures["reopen_rate"].denominator) == (1, 6)
    assert figures["overdue"].value == 1
    assert figures["accountability"].value == 1


def test_handling_time_is_counted_in_working_hours(figures):
    # Replied 0.5, 1, 2, 3 working hours after receipt; 8.5 and 24 clock hours are 7 working hours each.
    assert figures["handling_mean"].value == pytest.approx((0.5 + 1 + 2 + 3 + 7 + 7) / 6)
    assert figures["handling_p50"].value == pytest.approx(2)
    assert figures["handling_p90"].value == pytest.approx(7)


def test_score_weights_the_three_rates(figures):
    expected = 30 * 6 / 7 + 35 * 4 / 5 + 35 * 3.9 / 5
    assert figures["score"].value == pytest.approx(expected)


def test_whole_jurisdiction_percentiles_match_the_groups(known_month):
    appraisal_refresh(now=NOW)
    total = MonthlyFigures.objects.get(dimension=Dimension.TOTAL)
    assert (total.handling_p50, total.handling_p90) == (pytest.approx(2), pytest.approx(7))


def test_a_unit_with_no_demands_has_no_rate_and_no_division_by_zero():
    figures = metrics.compute({}, RULES)
    assert all(
        figures[key].value is None for key in ("response_rate", "satisfaction_rate", "score", "handling_mean")
    )


def test_wilson_interval_brackets_the_rate():
    low, high = metrics.wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)
    assert metrics.wilson(0, 0) == (None, None)


def test_drill_down_lists_the_demands_behind_a_figure(known_month):
    appraisal_refresh(now=NOW)
    behind = DemandFact.objects.filter(metrics.demands_q("response_rate", RULES))
    assert {f.case_id for f in behind} == {known_month[i].pk for i in (1, 2, 3, 4, 5, 6, 9)}
    numerator = DemandFact.objects.filter(metrics.demands_q("response_rate", RULES, "numerator"))
    assert {f.case_id for f in numerator} == {known_month[i].pk for i in (1, 3, 4, 5, 6, 9)}
    unsatisfied_excluded = DemandFact.objects.filter(metrics.demands_q("satisfaction_rate", RULES))
    assert known_month[7].pk not in {f.case_id for f in unsatisfied_excluded}


def test_every_metric_has_a_definition():
    assert all(str(definition) for _key, _label, definition in metrics.definitions())
