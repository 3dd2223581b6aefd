"""Opinion groups (意见群组) from a participant × statement vote matrix: Pol.is's method, from its formulas.

Pure numpy / scikit-learn, no database: `compute_groups` takes a matrix (agree = 1, disagree = −1,
pass = 0, unseen = NaN) and returns positions, groups, the statements that represent each group,
the statements everyone agrees on, and each statement's extremity (used to pick the next statement).
The method is stated in docs/consultations.md; every constant below is named there too.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_samples
from threadpoolctl import threadpool_limits

# A participant is grouped once they voted on this many statements (or on all, if there are fewer).
MIN_VOTES_TO_GROUP = 7
# If fewer participants qualify, the most active voters are added until there are this many.
MIN_GROUPED_PARTICIPANTS = 15
POWER_ITERATIONS = 100
BASE_CLUSTERS = 100
MAX_GROUPS = 5
# Each extra group needs this many more base clusters (k ≤ 2 + n_base // 12).
BASE_CLUSTERS_PER_EXTRA_GROUP = 12
# One-sided 90 % critical value of the normal distribution: the significance bar for every test here.
Z_90 = 1.2816
REPNESS_PER_GROUP = 5
CONSENSUS_PER_DIRECTION = 5
# A live conversation switches to a new number of groups only after it has won this many recomputations.
K_SWITCH_STREAK = 3
SEED = 20240601


@dataclass
class GroupState:
    """What one computation hands to the next: warm-start components, members, and the k smoothing."""

    components: dict = field(default_factory=dict)  # statement key -> [pc1, pc2]
    members: list = field(default_factory=list)  # participant keys already grouped ("once in, always in")
    k: int = 0
    candidate_k: int = 0
    streak: int = 0

    def as_dict(self):
        return {
            "components": self.components,
            "members": self.members,
            "k": self.k,
            "candidate_k": self.candidate_k,
            "streak": self.streak,
        }

    @classmethod
    def from_dict(cls, data):
        data = data or {}
        return cls(
            components=dict(data.get("components", {})),
            members=list(data.get("members", [])),
            k=int(data.get("k", 0)),
            candidate_k=int(data.get("candidate_k", 0)),
            streak=int(data.get("streak", 0)),
        )


@dataclass
class GroupResult:
    participant_keys: list  # keys of the rows given
    statement_keys: list
    grouped: np.ndarray  # bool per participant: taken into the clustering
    positions: np.ndarray  # n_participants × 2 (zeros for those not grouped)
    labels: np.ndarray  # group number per participant, −1 if not grouped
    k: int
    repness: dict  # group -> [ {statement, direction, pa, pat, ra, rat, score} ]
    consensus: dict  # "agree"/"disagree" -> [ {statement, p, test} ]
    group_consensus: dict  # statement -> Π_g (A_g + 1)/(S_g + 2)
    extremity: dict  # statement -> distance of its loading from the centre
    state: GroupState
    silhouettes: dict = field(default_factory=dict)  # k -> weighted mean silhouette

    def group_sizes(self):
        return [int((self.labels == g).sum()) for g in range(self.k)]


def _grouped_mask(counts, n_statements, keys, previous_members):
    threshold = min(MIN_VOTES_TO_GROUP, n_statements)
    mask = counts >= max(threshold, 1)
    if previous_members:
        before = set(previous_members)
        mask |= np.array([key in before for key in keys], dtype=bool) & (counts > 0)
    if mask.sum() < MIN_GROUPED_PARTICIPANTS:
        # Most active first; ties by position so the choice is stable.
        order = sorted(range(len(counts)), key=lambda i: (-counts[i], i))
        for i in order:
            if mask.sum() >= MIN_GROUPED_PARTICIPANTS or counts[i] == 0:
                break
            mask[i] = True
    return mask


def _power_iteration(gram, start, iterations=POWER_ITERATIONS):
    """The leading eigenvector of the Gram matrix data.T @ data (statements × statements), from `start`.

    Iterating on the small Gram matrix, formed once, gives the same vector as multiplying by the data
    twice per step, at a fraction of the cost for conversations with thousands of participants.
    """
    vector = start / (np.linalg.norm(start) or 1.0)
    for _ in range(iterations):
        nxt = gram @ vector
        norm = np.linalg.norm(nxt)
        if norm == 0:
            return vector
        vector = nxt / norm
    return vector


def project(matrix, *, warm_start=None, seed=SEED):
    """Two principal components of the vote matrix and each participant's sparsity-scaled position.

    Missing cells are filled with the statement's mean for the PCA only; positions are built from the
    cells a participant actually voted on, scaled by sqrt(n_statements / n_voted).
    """
    n_p, n_s = matrix.shape
    seen = ~np.isnan(matrix)
    counts_col = seen.sum(axis=0)
    with np.errstate(invalid="ignore"):
        means = np.where(counts_col > 0, np.nansum(matrix, axis=0) / np.maximum(counts_col, 1), 0.0)
    centred = np.where(seen, matrix - means, 0.0)  # mean-imputed cells are 0 once centred
    rng = np.random.default_rng(seed)
    components = []
    gram = centred.T @ centred
    for index in range(2):
        start = None if warm_start is None else warm_start[:, index]
        if start is None or not np.any(start):
            start = rng.standard_normal(n_s)
        pc = _power_iteration(gram, start.astype(float))
        components.append(pc)
        # Deflation: remove this component (its eigenvalue times pc pcᵀ) before looking for the next.
        gram = gram - (pc @ gram @ pc) * np.outer(pc, pc)
    comps = np.vstack(components).T  # n_s × 2
    n_voted = seen.sum(axis=1)
    scale = np.sqrt(n_s / np.maximum(n_voted, 1))
    positions = (centred @ comps) * scale[:, None]
    return comps, positions


def _weighted_silhouette(points, labels, weights):
    if len(set(labels)) < 2 or len(points) <= len(set(labels)):
        return -1.0
    scores = silhouette_samples(points, labels)
    return float(np.average(scores, weights=weights))


def cluster(positions, *, previous_k=0, candidate_k=0, streak=0, seed=SEED):
    """Base k-means (k ≤ 100), then weighted k-means on the base centres for k = 2 … kmax by silhouette.

    Returns (labels per point, k, new candidate_k, new streak, silhouettes by k).
    """
    n = len(positions)
    if n < 2:
        return np.zeros(n, dtype=int), 1 if n else 0, 0, 0, {}
    n_base = min(BASE_CLUSTERS, n)
    unique = np.unique(positions, axis=0)
    n_base = min(n_base, len(unique))
    if n_base < 2:
        return np.zeros(n, dtype=int), 1, 0, 0, {}
    base = KMeans(n_clusters=n_base, n_init=1, random_state=seed).fit(positions)
    centres = base.cluster_centers_
    weights = np.bincount(base.labels_, minlength=n_base).astype(float)
    keep = weights > 0
    centres, weights = centres[keep], weights[keep]
    remap = np.cumsum(keep) - 1
    base_labels = remap[base.labels_]
    n_base = len(centres)
    k_max = min(MAX_GROUPS, 2 + n_base // BASE_CLUSTERS_PER_EXTRA_GROUP, n_base)
    options, silhouettes = {}, {}
    for k in range(2, k_max + 1):
        model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(centres, sample_weight=weights)
        if len(set(model.labels_)) < k:
            continue
        options[k] = model.labels_
        silhouettes[k] = _weighted_silhouette(centres, model.labels_, weights)
    if not options:
        return np.zeros(n, dtype=int), 1, 0, 0, {}
    best = max(silhouettes, key=lambda k: (silhouettes[k], -k))
    # Smoothing: keep the previous k until another k has won K_SWITCH_STREAK times in a row.
    streak = streak + 1 if best == candidate_k else 1
    chosen = best
    if previous_k in options and best != previous_k and streak < K_SWITCH_STREAK:
        chosen = previous_k
    labels = _order_groups(options[chosen][base_labels])
    return labels, chosen, best, streak, silhouettes


def _order_groups(labels):
    """Number groups by size, largest first, so group 0 is always the biggest."""
    sizes = np.bincount(labels)
    order = sorted(range(len(sizes)), key=lambda g: (-sizes[g], g))
    mapping = np.empty(len(sizes), dtype=int)
    for new, old in enumerate(order):
        mapping[old] = new
    return mapping[labels]


def proportion_test(successes, trials):
    """One-proportion test of Pol.is: 2·sqrt(n + 1)·((s + 1)/(n + 1) − ½)."""
    return 2 * math.sqrt(trials + 1) * ((successes + 1) / (trials + 1) - 0.5)


def two_proportion_test(s1, n1, s2, n2):
    """Two-proportion z-test with each count increased by one (so empty groups do not divide by zero)."""
    s1, n1, s2, n2 = s1 + 1, n1 + 1, s2 + 1, n2 + 1
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 0.0 if spread == 0 else (p1 - p2) / spread


def _counts(matrix):
    seen = ~np.isnan(matrix)
    agree = (matrix == 1).sum(axis=0)
    disagree = (matrix == -1).sum(axis=0)
    return agree, disagree, seen.sum(axis=0)


def representativeness(matrix, labels, k, statement_keys, *, excluded=()):
    """The statements that set each group apart: both the group's own test and the test against the rest
    exceed Z_90; ranked by ra·rat·pa·pat, top REPNESS_PER_GROUP."""
    result = {}
    excluded = set(excluded)
    for g in range(k):
        inside, outside = matrix[labels == g], matrix[(labels != g) & (labels >= 0)]
        a_in, d_in, s_in = _counts(inside)
        a_out, d_out, s_out = _counts(outside)
        rows = []
        for c, key in enumerate(statement_keys):
            if key in excluded or s_in[c] == 0:
                continue
            for direction, hits_in, hits_out in (
                ("agree", a_in[c], a_out[c]),
                ("disagree", d_in[c], d_out[c]),
            ):
                p = (hits_in + 1) / (s_in[c] + 2)
                p_test = proportion_test(hits_in, s_in[c])
                r = p / ((hits_out + 1) / (s_out[c] + 2))
                r_test = two_proportion_test(hits_in, s_in[c], hits_out, s_out[c])
                if p_test > Z_90 and r_test > Z_90:
                    rows.append(
                        {
                            "statement": key,
                            "direction": direction,
                            "pa": round(float(p), 4),
                            "pat": round(float(p_test), 4),
                            "ra": round(float(r), 4),
                            "rat": round(float(r_test), 4),
                            "score": round(float(r * r_test * p * p_test), 4),
                            "agree": int(hits_in) if direction == "agree" else int(a_in[c]),
                            "disagree": int(hits_in) if direction == "disagree" else int(d_in[c]),
                            "seen": int(s_in[c]),
                        }
                    )
        rows.sort(key=lambda row: -row["score"])
        # A statement represents a group in one direction only: keep its strongest.
        seen_keys, best = set(), []
        for row in rows:
            if row["statement"] not in seen_keys:
                seen_keys.add(row["statement"])
                best.append(row)
        result[g] = best[:REPNESS_PER_GROUP]
    return result


def consensus(matrix, statement_keys, *, excluded=()):
    """Statements that the grouped participants as a whole agree (or disagree) on."""
    agree, disagree, seen = _counts(matrix)
    excluded = set(excluded)
    out = {"agree": [], "disagree": []}
    for c, key in enumerate(statement_keys):
        if key in excluded:
            continue
        for direction, hits in (("agree", agree[c]), ("disagree", disagree[c])):
            p = (hits + 1) / (seen[c] + 2)
            test = proportion_test(hits, seen[c])
            if p > 0.5 and test > Z_90:
                out[direction].append(
                    {"statement": key, "p": round(float(p), 4), "test": round(float(test), 4)}
                )
    for direction in out:
        out[direction].sort(key=lambda row: -row["p"] * row["test"])
        out[direction] = out[direction][:CONSENSUS_PER_DIRECTION]
    return out


def group_informed_consensus(matrix, labels, k, statement_keys):
    """Π over groups of (A_g + 1)/(S_g + 2): high only when every group tends to agree."""
    product = np.ones(len(statement_keys))
    for g in range(k):
        agree, _, seen = _counts(matrix[labels == g])
        product *= (agree + 1) / (seen + 2)
    return {key: round(float(value), 5) for key, value in zip(statement_keys, product, strict=True)}


def compute_groups(matrix, *, participant_keys, statement_keys, excluded=(), state=None, seed=SEED):
    """Group the participants of `matrix`; see `_compute_groups`. Runs single-threaded: on these sizes
    (≤ 100 base clusters in 2-D) the BLAS/OpenMP thread pools cost far more than they save, and a web
    or worker process must not take every core."""
    with threadpool_limits(limits=1):
        return _compute_groups(
            matrix,
            participant_keys=participant_keys,
            statement_keys=statement_keys,
            excluded=excluded,
            state=state,
            seed=seed,
        )


def _compute_groups(matrix, *, participant_keys, statement_keys, excluded, state, seed):
    """Group the participants of `matrix` (rows: participants, columns: statements).

    `excluded` are statements moderated out: their cells are zeroed, as Pol.is does, so they neither
    place nor separate anyone. `state` is the previous computation's GroupState (warm start, members,
    k smoothing); None for a first run, which is seeded for reproducibility.
    """
    matrix = np.array(matrix, dtype=float, copy=True)
    n_p, n_s = matrix.shape
    state = state or GroupState()
    excluded_idx = [i for i, key in enumerate(statement_keys) if key in set(excluded)]
    if excluded_idx:
        cols = matrix[:, excluded_idx]
        matrix[:, excluded_idx] = np.where(np.isnan(cols), np.nan, 0.0)
    counts = (~np.isnan(matrix)).sum(axis=1)
    grouped = _grouped_mask(counts, n_s, participant_keys, state.members) if n_p else np.zeros(0, bool)
    positions = np.zeros((n_p, 2))
    labels = np.full(n_p, -1, dtype=int)
    extremity = {key: 0.0 for key in statement_keys}
    k, candidate, streak, silhouettes = 0, state.candidate_k, state.streak, {}
    components = {}
    if grouped.sum() >= 2 and n_s >= 1:
        sub = matrix[grouped]
        warm = None
        if state.components:
            warm = np.array(
                [state.components.get(str(key), [0.0, 0.0]) for key in statement_keys], dtype=float
            )
        comps, pos = project(sub, warm_start=warm, seed=seed)
        positions[grouped] = pos
        sub_labels, k, candidate, streak, silhouettes = cluster(
            pos, previous_k=state.k, candidate_k=state.candidate_k, streak=state.streak, seed=seed
        )
        labels[grouped] = sub_labels
        norms = np.linalg.norm(comps, axis=1)
        extremity = {key: round(float(v), 5) for key, v in zip(statement_keys, norms, strict=True)}
        components = {
            str(key): [float(comps[i, 0]), float(comps[i, 1])] for i, key in enumerate(statement_keys)
        }
    grouped_matrix, grouped_labels = matrix[grouped], labels[grouped]
    new_state = GroupState(
        components=components,
        members=[key for key, g in zip(participant_keys, grouped, strict=True) if g],
        k=k,
        candidate_k=candidate,
        streak=streak,
    )
    return GroupResult(
        participant_keys=list(participant_keys),
        statement_keys=list(statement_keys),
        grouped=grouped,
        positions=positions,
        labels=labels,
        k=k,
        repness=representativeness(grouped_matrix, grouped_labels, k, statement_keys, excluded=excluded),
        consensus=consensus(grouped_matrix, statement_keys, excluded=excluded),
        group_consensus=group_informed_consensus(grouped_matrix, grouped_labels, k, statement_keys),
        extremity=extremity,
        state=new_state,
        silhouettes={int(key): round(value, 4) for key, value in silhouettes.items()},
    )


def statement_priority(*, agrees, disagrees, passes, extremity):
    """How much showing this statement next is worth (Pol.is's rule, documented in docs/consultations.md).

    importance = (1 − p)·(E + 1)·a with p = (passes + 1)/(S + 2), a = (agrees + 1)/(S + 2);
    priority = (importance·(1 + 8·2^(−S/5)))², so statements few people have seen come early.
    """
    seen = agrees + disagrees + passes
    p = (passes + 1) / (seen + 2)
    a = (agrees + 1) / (seen + 2)
    importance = (1 - p) * (extremity + 1) * a
    return (importance * (1 + 8 * 2 ** (-seen / 5))) ** 2
