"""Reads of routing: the live models (kept unpickled in memory per process), suggestions for a demand,
the routing admin page's figures, and repeated demands grouped in linear time."""

import threading
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from massline.cases.models import Case, Category
from massline.cases.selectors import cases_for_user
from massline.org.models import Unit

from .choices import ModelStatus, Target
from .models import AutoDispatchRule, RoutingModel, Suggestion
from .services import demand_text
from .similarity import cell_of
from .similarity import metres as distance_metres

_loaded = {}
_lock = threading.Lock()
TOP = 3


def live_model(target):
    """(RoutingModel row, classifier) of the live model for `target`, or (None, None)."""
    row = RoutingModel.objects.filter(target=target, status=ModelStatus.LIVE).defer("blob", "holdout").first()
    if row is None:
        return None, None
    # Keyed by the row and its training time, not the primary key alone: a restored or re-created table
    # may give another model the same key, and this process must not keep predicting with the old one.
    identity = (row.pk, row.version, row.trained_at)
    with _lock:
        cached = _loaded.get(target)
        if cached is None or cached[0] != identity:
            blob = RoutingModel.objects.filter(pk=row.pk).values_list("blob", flat=True).first()
            row.blob = blob
            cached = (identity, row.classifier())
            _loaded[target] = cached
    return row, cached[1]


def predict(*, target, title, description, channel="", region_code="", k=TOP):
    """The top-k labels of the live model: (model row, [{"id", "obj", "p"}]); empty without a model."""
    row, classifier = live_model(target)
    if row is None or not hasattr(classifier, "coef_t_"):
        # No model, or one pickled by an earlier version of the text model: the dispatchers decide until
        # `massline routing train` replaces it (it cannot judge the new one, so the new one goes live).
        return None, []
    text = demand_text(title=title, description=description, channel=channel, region_code=region_code)
    top = classifier.predict_top([text], k=k)[0]
    ids = [int(label) for label, _p in top]
    model = Category if target == Target.CATEGORY else Unit
    objects = model.objects.in_bulk(ids)
    return row, [
        {"id": i, "obj": objects[i], "p": round(p, 3)}
        for i, (_l, p) in zip(ids, top, strict=True)
        if i in objects
    ]


def case_predictions(*, case):
    region_code = case.region.code if case.region_id else ""
    out = {}
    for target in (Target.CATEGORY, Target.UNIT):
        row, top = predict(
            target=target,
            title=case.title,
            description=case.description,
            channel=case.channel,
            region_code=region_code,
        )
        out[target] = (row, top)
    return out


def admin_overview():
    """The routing admin page: the live and recent models per target, and the auto-dispatch rules."""
    models = list(RoutingModel.objects.defer("blob").order_by("target", "-version")[:20])
    live = {m.target: m for m in models if m.status == ModelStatus.LIVE}
    categories = {}
    if Target.CATEGORY in live:
        ids = [int(k) for k in live[Target.CATEGORY].per_label if k.isdigit()]
        categories = Category.objects.in_bulk(ids)
    rules = {r.category_id: r for r in AutoDispatchRule.objects.select_related("set_by")}
    per_category = []
    if Target.CATEGORY in live:
        model = live[Target.CATEGORY]
        for key, figures in model.per_label.items():
            if not key.isdigit() or int(key) not in categories:
                continue
            per_category.append(
                {"category": categories[int(key)], "figures": figures, "rule": rules.get(int(key))}
            )
        per_category.sort(key=lambda r: -r["figures"]["n"])
    taken = Suggestion.objects.filter(accepted__isnull=False)
    return {
        "live": live,
        "models": models,
        "per_category": per_category,
        "rules": list(rules.values()),
        "suggestions_decided": taken.count(),
        "suggestions_accepted": taken.filter(accepted=True).count(),
        "suggestions_returned": taken.filter(returned=True).count(),
    }


def repeated_demands(*, user, now=None, days=None, metres=None):
    """Groups of demands of one category from one region or within about `metres` of each other, received
    within `days`: the same grouping as cases' rule, computed by hashing places into cells (linear in the
    number of demands, no cut-off) instead of comparing every pair."""
    from massline.cases.selectors import REPEAT_DAYS, REPEAT_METRES

    now = now or timezone.now()
    days = REPEAT_DAYS if days is None else days
    metres = REPEAT_METRES if metres is None else metres
    rows = list(
        cases_for_user(user)
        .filter(received_at__gte=now - timedelta(days=days), category__isnull=False)
        .filter(Q(region__isnull=False) | Q(lat__isnull=False, lon__isnull=False))
        .values_list("pk", "category_id", "region_id", "lat", "lon")
    )
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i, j):
        parent[find(i)] = find(j)

    first_in = {}
    cells = {}
    for i, (_pk, category, region, lat, lon) in enumerate(rows):
        if region:
            key = (category, "r", region)
            if key in first_in:
                union(i, first_in[key])
            else:
                first_in[key] = i
        if lat is not None and lon is not None:
            cells.setdefault((category, cell_of(float(lat), float(lon), metres)), []).append(i)
    for (category, (band, col)), members in cells.items():
        for db in (-1, 0, 1):
            for dc in (-1, 0, 1):
                other = cells.get((category, (band + db, col + dc)))
                if not other:
                    continue
                for i in members:
                    a = rows[i]
                    for j in other:
                        if find(i) != find(j) and _within(a, rows[j], metres):
                            union(i, j)
    groups = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(rows[i][0])
    ids = [pk for g in groups.values() if len(g) > 1 for pk in g]
    cases = {c.pk: c for c in Case.objects.filter(pk__in=ids).select_related("category", "region")}
    result = [
        sorted((cases[pk] for pk in g), key=lambda c: c.received_at) for g in groups.values() if len(g) > 1
    ]
    return sorted(result, key=lambda g: (-len(g), g[0].received_at))


def _within(a, b, limit):
    return distance_metres(float(a[3]), float(a[4]), float(b[3]), float(b[4])) <= limit
