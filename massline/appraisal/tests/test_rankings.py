"""Rules per period, frozen rankings, adjustments, volume groups, and the bad input each one refuses."""

import datetime as dt

import pytest

from massline.appraisal import services
from massline.appraisal.models import RankingAdjustment
from massline.lib.errors import DomainError, PermissionDenied

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db
MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


def rules(by, month=APRIL, weights=(10, 40, 50), **extra):
    values = {"basic_factor": "0.9", "visits": "all", "group_bounds": "5,2", "bottom_n": 1} | extra
    return services.ruleset_create(valid_from=month, weights=weights, by=by, **values)


def test_weights_must_add_up_to_100(supervisor):
    with pytest.raises(DomainError, match="100"):
        rules(supervisor, weights=(30, 30, 30))


def test_only_supervisors_set_rules(officer_a):
    with pytest.raises(PermissionDenied):
        rules(officer_a)


def test_bad_groups_and_factor_are_refused(supervisor):
    with pytest.raises(DomainError):
        rules(supervisor, group_bounds="20,80")
    with pytest.raises(DomainError):
        rules(supervisor, basic_factor="1.5")


def test_a_period_is_computed_with_the_rules_in_force_for_it(supervisor, known_month):
    services.appraisal_refresh(now=at(days=2))
    rules(supervisor, month=MARCH, weights=(10, 40, 50))
    ranking = services.ranking_compute(month=MARCH, by=supervisor)
    row = ranking.rows.get(unit=known_month[1].lead_unit)
    assert row.score == pytest.approx(10 * 6 / 7 + 40 * 4 / 5 + 50 * 3.9 / 5)
    assert ranking.rules_applied["weights"] == [10, 40, 50]


def test_volume_groups_and_unpublished_small_units(supervisor, org, known_month, make_demand):
    make_demand(org.unit_b)
    services.appraisal_refresh(now=at(days=2))
    rules(supervisor, month=MARCH)
    ranking = services.ranking_compute(month=MARCH, by=supervisor)
    a, b = ranking.rows.get(unit=org.unit_a), ranking.rows.get(unit=org.unit_b)
    assert (a.volume, a.group, a.rank) == (9, 1, 1)
    assert (b.volume, b.group) == (1, 0)  # under the smallest group: scored, not published
    assert a.satisfaction_low < a.satisfaction_rate < a.satisfaction_high


def test_a_published_month_is_frozen_and_corrected_in_the_next(supervisor, org, known_month, make_demand):
    services.appraisal_refresh(now=at(days=2))
    march = services.ranking_compute(month=MARCH, by=supervisor)
    services.ranking_publish(ranking=march, by=supervisor)
    published = march.rows.get(unit=org.unit_a).satisfaction_rate
    with pytest.raises(DomainError, match="frozen"):
        services.ranking_compute(month=MARCH, by=supervisor)
    with pytest.raises(DomainError, match="later"):
        rules(supervisor, month=MARCH)
    # A late rating of a March demand changes March's true figures…
    case = known_month[10]
    case.satisfaction, case.resolved, case.rated_at, case.status = "unsatisfied", False, at(days=10), "closed"
    case.save()
    make_demand(received=MONDAY + dt.timedelta(days=31))
    services.appraisal_refresh(now=at(days=40))
    april = services.ranking_compute(month=APRIL, by=supervisor)
    # …March stays as published, and April records the correction.
    assert march.rows.get(unit=org.unit_a).satisfaction_rate == published
    adjustment = RankingAdjustment.objects.get(
        ranking=april, corrected=march, unit=org.unit_a, field="satisfaction_rate"
    )
    assert adjustment.published_value == pytest.approx(published)
    assert adjustment.corrected_value == pytest.approx(3.9 / 6)


def test_a_month_with_no_data_is_refused(supervisor):
    with pytest.raises(DomainError, match="nothing to rank"):
        services.ranking_compute(month=APRIL, by=supervisor)
