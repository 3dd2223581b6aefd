"""Winner methods of a budget-constrained vote: pure functions over approval ballots, no database.

Both take `costs` {candidate: cost}, `ballots` [(set of candidates, copies)], the `budget`, and return
the winners in the order they were picked. Ties are broken the same way everywhere (`tie_key`): the
cheaper candidate first, then the one with more votes, then the lower id, so a result can be recomputed
by hand and always gives the same list.

- `greedy`: Consul's rule (“winners by votes while money remains”): candidates in order of votes, each
  taken if it still fits in the money left, otherwise skipped (a cheaper one further down may fit).
- `equal_shares`: the Method of Equal Shares (Peters & Skowron), in the form of the reference
  implementation on equalshares.net: the budget is split equally among the voters; a candidate is
  affordable when its supporters still hold its cost; each round picks the candidate whose cost can be
  shared with the smallest largest payment (the highest “effective vote count”), and its supporters pay
  equal shares, those with less paying all they have. With `completion="add_one"` the per-voter budget
  is raised by `increment` while the outcome still fits in the real budget (equalshares.net's “Add1”
  completion), then money left is filled greedily by votes (their “utilitarian” completion).
"""

from fractions import Fraction


def _votes(costs, ballots):
    votes = dict.fromkeys(costs, 0)
    for chosen, copies in ballots:
        for candidate in chosen:
            if candidate in votes:
                votes[candidate] += copies
    return votes


def tie_key(candidate, costs, votes):
    return (Fraction(costs[candidate]), -votes[candidate], candidate)


def greedy(*, costs, ballots, budget, start=()):
    """Consul's greedy rule; `start` are winners already chosen (the completion of equal shares)."""
    votes = _votes(costs, ballots)
    winners = list(start)
    left = Fraction(budget) - sum(Fraction(costs[c]) for c in winners)
    order = sorted(costs, key=lambda c: (-votes[c], *tie_key(c, costs, votes)))
    for candidate in order:
        if candidate in winners or votes[candidate] == 0:
            continue
        cost = Fraction(costs[candidate])
        if cost <= left:
            winners.append(candidate)
            left -= cost
    return winners


def _groups(ballots):
    """Voters with the same ballot are treated alike throughout, so they are counted as one group."""
    weights = {}
    for chosen, copies in ballots:
        key = frozenset(chosen)
        if key and copies > 0:
            weights[key] = weights.get(key, 0) + copies
    return list(weights.items())


def _equal_shares_fixed(costs, groups, approvers, votes, total):
    voters = sum(weight for _chosen, weight in groups)
    share = Fraction(total) / voters
    money = [share] * len(groups)
    weight = [w for _chosen, w in groups]
    # Each candidate's effective vote count from the last round: it can only go down, so candidates are
    # tried in decreasing order of it and the search stops once no better one is possible.
    remaining = {c: Fraction(votes[c]) for c in costs if costs[c] > 0 and approvers[c]}
    winners = []
    while True:
        best, best_count = [], Fraction(0)
        for candidate in sorted(remaining, key=lambda c: remaining[c], reverse=True):
            if remaining[candidate] < best_count:
                break
            cost = Fraction(costs[candidate])
            if sum(money[g] * weight[g] for g in approvers[candidate]) < cost:
                del remaining[candidate]
                continue
            paid, left = Fraction(0), votes[candidate]
            for g in sorted(approvers[candidate], key=lambda g: money[g]):
                payment = (cost - paid) / left
                if payment > money[g]:
                    paid += money[g] * weight[g]
                    left -= weight[g]
                    continue
                count = cost / payment
                remaining[candidate] = count
                if count > best_count:
                    best, best_count = [candidate], count
                elif count == best_count:
                    best.append(candidate)
                break
        if not best:
            return winners
        chosen = min(best, key=lambda c: tie_key(c, costs, votes))
        winners.append(chosen)
        del remaining[chosen]
        payment = Fraction(costs[chosen]) / best_count
        for g in approvers[chosen]:
            money[g] = money[g] - payment if money[g] > payment else Fraction(0)


def equal_shares(*, costs, ballots, budget, completion="add_one", increment=1):
    """The Method of Equal Shares; `completion` "none" or "add_one" (then greedy fill)."""
    groups = _groups(ballots)
    if not groups:
        return []
    voters = sum(weight for _chosen, weight in groups)
    approvers = {c: [g for g, (chosen, _w) in enumerate(groups) if c in chosen] for c in costs}
    votes = _votes(costs, ballots)
    budget = Fraction(budget)
    winners = _equal_shares_fixed(costs, groups, approvers, votes, budget)
    if completion == "none":
        return winners

    def spent(chosen):
        return sum(Fraction(costs[c]) for c in chosen)

    def exhaustive(chosen):
        left = budget - spent(chosen)
        return all(c in chosen or Fraction(costs[c]) > left for c in costs if votes[c])

    step = Fraction(increment) * voters
    virtual = budget
    while not exhaustive(winners):
        virtual += step
        bigger = _equal_shares_fixed(costs, groups, approvers, votes, virtual)
        if spent(bigger) > budget:
            break
        winners = bigger
        if all(votes[c] == 0 or c in winners for c in costs):
            break
        # Once every voter could afford every candidate alone, raising the budget changes nothing more.
        if virtual / voters > spent(costs):
            break
    return greedy(costs=costs, ballots=ballots, budget=budget, start=winners)
