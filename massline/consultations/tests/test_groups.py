"""The opinion-group math on synthetic matrices: planted camps are recovered, tests follow the formulas."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from massline.consultations.groups import (
    GroupState,
    compute_groups,
    proportion_test,
    statement_priority,
    two_proportion_test,
)


def planted(n_per_camp=40, n_statements=20, camps=2, noise=0.1, missing=0.3, seed=1):
    """Camps that vote opposite ways on every statement, with some noise, passes and unseen cells."""
    rng = np.random.default_rng(seed)
    rows, truth = [], []
    signs = rng.choice([-1.0, 1.0], size=(camps, n_statements))
    signs[1] = -signs[0]
    for camp in range(camps):
        for _ in range(n_per_camp):
            row = signs[camp].copy()
            flip = rng.random(n_statements) < noise
            row[flip] *= -1
            row[rng.random(n_statements) < 0.05] = 0.0
            row[rng.random(n_statements) < missing] = np.nan
            rows.append(row)
            truth.append(camp)
    return np.array(rows), truth


def test_it_recovers_two_planted_opinion_camps():
    matrix, truth = planted()
    result = compute_groups(matrix, participant_keys=list(range(len(truth))), statement_keys=list(range(20)))
    assert result.k == 2
    assert adjusted_rand_score(truth, result.labels) > 0.9
    assert sorted(result.group_sizes()) == [40, 40]


def test_three_camps_are_told_apart_from_two():
    rng = np.random.default_rng(3)
    base = rng.choice([-1.0, 1.0], size=(3, 30))
    base[1] = -base[0]
    base[2, :15], base[2, 15:] = base[0, :15], base[1, 15:]
    rows, truth = [], []
    for camp in range(3):
        for _ in range(50):
            row = base[camp].copy()
            row[rng.random(30) < 0.05] *= -1
            rows.append(row)
            truth.append(camp)
    result = compute_groups(np.array(rows), participant_keys=list(range(150)), statement_keys=list(range(30)))
    assert result.k == 3
    assert adjusted_rand_score(truth, result.labels) > 0.9


def test_each_group_is_represented_by_the_statements_it_agrees_on():
    matrix, truth = planted(noise=0.05, missing=0.0)
    result = compute_groups(matrix, participant_keys=list(range(80)), statement_keys=list(range(20)))
    for group, rows in result.repness.items():
        assert rows, "every planted camp has representative statements"
        members = matrix[result.labels == group]
        for row in rows:
            column = members[:, row["statement"]]
            share = np.mean(column == (1 if row["direction"] == "agree" else -1))
            assert share > 0.8
            assert row["pat"] > 1.2816 and row["rat"] > 1.2816


def test_opposed_camps_have_no_consensus_but_a_shared_statement_is_found():
    matrix, _truth = planted(noise=0.0, missing=0.0)
    matrix = np.hstack([matrix, np.ones((80, 1))])  # everyone agrees with statement 20
    result = compute_groups(matrix, participant_keys=list(range(80)), statement_keys=list(range(21)))
    assert [row["statement"] for row in result.consensus["agree"]] == [20]
    assert result.group_consensus[20] > 0.9
    assert max(v for k, v in result.group_consensus.items() if k != 20) < 0.1


def test_participants_with_few_votes_are_not_grouped_unless_too_few_qualify():
    matrix, _ = planted(n_per_camp=20, missing=0.0)
    matrix[0, 3:] = np.nan  # three votes only
    result = compute_groups(matrix, participant_keys=list(range(40)), statement_keys=list(range(20)))
    assert not result.grouped[0] and result.labels[0] == -1
    small = np.full((5, 10), np.nan)
    small[:, :2] = 1.0
    result = compute_groups(small, participant_keys=list(range(5)), statement_keys=list(range(10)))
    assert result.grouped.all()  # fewer than 15 qualify: the most active are taken in


def test_a_moderated_out_statement_separates_nobody():
    matrix, truth = planted(noise=0.0, missing=0.0)
    keys = list(range(20))
    # Statement 0 alone, if counted, would split the crowd differently from the camps.
    matrix[:, 0] = np.where(np.arange(80) % 2 == 0, 1.0, -1.0)
    result = compute_groups(matrix, participant_keys=list(range(80)), statement_keys=keys, excluded=[0])
    assert result.extremity[0] == 0.0
    assert all(row["statement"] != 0 for rows in result.repness.values() for row in rows)
    assert adjusted_rand_score(truth, result.labels) == 1.0


def test_the_same_input_gives_the_same_groups_and_warm_starts_agree():
    matrix, _ = planted()
    keys = list(range(80))
    first = compute_groups(matrix, participant_keys=keys, statement_keys=list(range(20)))
    again = compute_groups(matrix, participant_keys=keys, statement_keys=list(range(20)))
    assert (first.labels == again.labels).all()
    warm = compute_groups(
        matrix,
        participant_keys=keys,
        statement_keys=list(range(20)),
        state=GroupState.from_dict(first.state.as_dict()),
    )
    assert adjusted_rand_score(first.labels, warm.labels) == 1.0


def test_k_changes_only_after_winning_several_recomputations():
    matrix, _ = planted()
    keys = list(range(80))
    state = GroupState(k=3, candidate_k=0, streak=0)
    seen = []
    for _ in range(3):
        result = compute_groups(matrix, participant_keys=keys, statement_keys=list(range(20)), state=state)
        seen.append(result.k)
        state = result.state
    assert seen == [3, 3, 2]


def test_the_statistics_follow_the_documented_formulas():
    assert proportion_test(9, 10) == pytest.approx(2 * np.sqrt(11) * (10 / 11 - 0.5))
    z = two_proportion_test(8, 10, 2, 10)
    p1, p2, pooled = 9 / 11, 3 / 11, 12 / 22
    assert z == pytest.approx((p1 - p2) / np.sqrt(pooled * (1 - pooled) * (2 / 11)))


def test_unseen_statements_come_first_and_passes_lower_priority():
    fresh = statement_priority(agrees=0, disagrees=0, passes=0, extremity=0.0)
    worn = statement_priority(agrees=20, disagrees=20, passes=0, extremity=0.0)
    passed = statement_priority(agrees=5, disagrees=5, passes=30, extremity=0.0)
    divisive = statement_priority(agrees=20, disagrees=20, passes=0, extremity=1.0)
    assert fresh > worn > passed
    assert divisive > worn
