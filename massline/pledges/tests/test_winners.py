"""The winner methods on examples whose results are published."""

from massline.pledges.winners import equal_shares, greedy


def red_and_blue():
    """The example of Peters & Skowron that equalshares.net and Wikipedia's "Method of Equal Shares" give:
    51% of the voters want 10 red projects, 49% 10 blue ones, and the money pays for 10 projects."""
    costs = {i: 10000 for i in range(1, 21)}
    red, blue = set(range(1, 11)), set(range(11, 21))
    return costs, [(red, 51), (blue, 49)], red, blue


def test_greedy_gives_the_majority_everything():
    costs, ballots, red, _blue = red_and_blue()
    assert set(greedy(costs=costs, ballots=ballots, budget=100000)) == red


def test_equal_shares_with_add_one_completion_splits_five_and_five():
    costs, ballots, red, blue = red_and_blue()
    chosen = set(equal_shares(costs=costs, ballots=ballots, budget=100000))
    assert len(chosen & red) == 5 and len(chosen & blue) == 5


def test_equal_shares_without_completion_leaves_the_minority_one_short():
    """Each voter holds 1000: the 51 red voters pay for 5 red projects (5100), the 49 blue voters for 4
    (4900): the money left in each group cannot buy a tenth project until completion raises the shares."""
    costs, ballots, red, blue = red_and_blue()
    chosen = set(equal_shares(costs=costs, ballots=ballots, budget=100000, completion="none"))
    assert len(chosen & red) == 5 and len(chosen & blue) == 4


def test_the_equalshares_net_sample_election():
    """equalshares.net's sample .pb file: budget 100000, costs 5000 / 10000 / 85000, four voters
    {1,2}, {1}, {3}, {1,2,3}. Each voter's share is 25000: project 3 (supporters hold 50000 < 85000) cannot
    be paid by equal shares; 1 then 2 are. Greedy by votes takes 1 (3 votes), 2 (2 votes, cheaper than 3),
    and 3 still fits the money left."""
    costs = {1: 5000, 2: 10000, 3: 85000}
    ballots = [({1, 2}, 1), ({1}, 1), ({3}, 1), ({1, 2, 3}, 1)]
    assert equal_shares(costs=costs, ballots=ballots, budget=100000, completion="none") == [1, 2]
    assert greedy(costs=costs, ballots=ballots, budget=100000) == [1, 2, 3]


def test_consul_greedy_skips_what_does_not_fit_and_takes_a_cheaper_one_below():
    """Consul's Budget::Result: by votes, each investment taken while money remains, one that does not fit
    is skipped and a cheaper one further down may still win."""
    costs = {1: 600, 2: 500, 3: 300, 4: 100}
    ballots = [({1}, 90), ({2}, 80), ({3}, 70), ({4}, 10)]
    assert greedy(costs=costs, ballots=ballots, budget=1000) == [1, 3, 4]


def test_ties_go_to_the_cheaper_candidate():
    costs = {1: 700, 2: 400, 3: 400}
    ballots = [({1, 2, 3}, 5)]
    assert greedy(costs=costs, ballots=ballots, budget=800) == [2, 3]


def test_no_ballots_no_winners():
    assert equal_shares(costs={1: 10}, ballots=[], budget=100) == []
    assert greedy(costs={1: 10}, ballots=[], budget=100) == []
