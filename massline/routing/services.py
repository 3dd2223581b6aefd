"""Every write of routing: training and promoting models (训练与上线), recording suggestions and what people
chose, the duplicate finder's place index, and the auto-dispatch thresholds."""

import logging
import pickle  # noqa: S403 - see models.RoutingModel.classifier
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.cases.models import Assignment, Case
from massline.lib.errors import DomainError

from . import conf
from .backtest import confidence_calibration, evaluate
from .choices import ModelStatus, Target
from .models import AutoDispatchRule, PlaceKey, RoutingModel, Suggestion
from .similarity import cell_of
from .textmodel import TextClassifier

log = logging.getLogger("massline.routing")


def demand_text(*, title, description, channel="", region_code=""):
    """The fields the models read: the title, then what the citizen wrote with the place and channel as
    marker words (the title is also read alone: see textmodel.TextClassifier)."""
    markers = " ".join(
        m for m in (f"rg{region_code}" if region_code else "", f"ch{channel}" if channel else "") if m
    )
    return (str(title or ""), f"{description or ''} {markers}".strip())


def training_rows(*, target):
    """(text, label, received_at) of the demands whose category / final lead unit is known, oldest first.

    The lead unit is the unit that kept the demand after any return, transfer or arbitration, so the
    dispatchers' corrections are what the next model learns."""
    qs = Case.objects.filter(duplicate_of__isnull=True)
    if target == Target.CATEGORY:
        qs = qs.filter(category__isnull=False)
        label_field = "category_id"
    else:
        qs = qs.filter(lead_unit__isnull=False, signed_at__isnull=False)
        label_field = "lead_unit_id"
    rows = qs.order_by("-received_at").values_list(
        "title", "description", "channel", "region__code", label_field, "received_at"
    )[: conf.max_training_demands()]
    out = [
        (demand_text(title=t, description=d, channel=ch, region_code=rc or ""), str(label), at)
        for t, d, ch, rc, label, at in rows
    ]
    out.reverse()
    return out


def model_train(*, target, by=None, now=None):
    """Train a new model for `target` on the history, hold back the newest demands, and make it live unless
    it is worse there than the live model. Returns the new RoutingModel (live or not promoted)."""
    now = now or timezone.now()
    rows = training_rows(target=target)
    labels = {r[1] for r in rows}
    if len(rows) < conf.min_training_demands() or len(labels) < 2:
        raise DomainError(
            _(
                "Too little history to train: %(n)s demands in %(labels)s groups (at least %(min)s in two "
                "groups are needed). Routing stays with people until there is more."
            )
            % {"n": len(rows), "labels": len(labels), "min": conf.min_training_demands()}
        )
    cut = len(rows) - max(1, round(len(rows) * conf.holdout_fraction()))
    train, held = rows[:cut], rows[cut:]
    # Fitted once: the model that goes live is the one the held-back figures (and the auto-dispatch
    # precisions drawn from them) describe; refitting on the held-back slice too would put a model live
    # that nobody measured. The recency weighting keeps the newest trained-on demands the weightiest.
    candidate = TextClassifier().fit([r[0] for r in train], [r[1] for r in train], [r[2] for r in train])
    figures = evaluate(candidate, [r[0] for r in held], [r[1] for r in held])
    live = RoutingModel.objects.filter(target=target, status=ModelStatus.LIVE).first()
    live_f1 = None
    if live is not None:
        try:
            live_f1 = evaluate(live.classifier(), [r[0] for r in held], [r[1] for r in held])["macro_f1"]
        except Exception:  # a model pickled by another library version cannot judge: the new one wins
            log.exception("routing: the live model %s could not be evaluated", live.pk)
    promote = live_f1 is None or figures["macro_f1"] >= live_f1 - conf.promote_tolerance()
    final = candidate
    holdout = [
        [_json_label(top[0][0]), round(top[0][1], 4), top[0][0] == truth]
        for top, truth in zip(figures["_top"], (r[1] for r in held), strict=True)
    ]
    with transaction.atomic():
        version = (RoutingModel.objects.filter(target=target).aggregate(v=Max("version"))["v"] or 0) + 1
        if promote and live is not None:
            RoutingModel.objects.filter(pk=live.pk).update(status=ModelStatus.RETIRED)
        note = (
            ""
            if promote
            else _("Not promoted: held-back macro-F1 %(new)s is below the live model's %(live)s.")
            % {"new": figures["macro_f1"], "live": live_f1}
        )
        model = RoutingModel.objects.create(
            target=target,
            version=version,
            status=ModelStatus.LIVE if promote else ModelStatus.REJECTED,
            kind=candidate.kind,
            trained_at=now,
            n_train=len(train),
            n_holdout=len(held),
            macro_f1=figures["macro_f1"],
            accuracy=figures["accuracy"],
            top3_accuracy=figures["top3_accuracy"],
            fit_seconds=round(final.fit_seconds, 2),
            per_label={
                **{str(k): v for k, v in figures["per_label"].items()},
                "_bands": confidence_calibration(figures["_top"], [r[1] for r in held]),
            },
            holdout=holdout,
            compared_with=live,
            note=note,
            blob=pickle.dumps(final, protocol=pickle.HIGHEST_PROTOCOL),
        )
        audit_record(
            action="routing.model_trained",
            actor=by,
            obj=model,
            details={
                "target": target,
                "version": version,
                "promoted": promote,
                "macro_f1": figures["macro_f1"],
                "live_macro_f1": live_f1,
                "n_train": len(train),
            },
        )
    return model


def _json_label(label):
    return int(label) if isinstance(label, int) or str(label).isdigit() else str(label)


def training_due(*, target, now=None):
    now = now or timezone.now()
    last = RoutingModel.objects.filter(target=target).aggregate(at=Max("trained_at"))["at"]
    return last is None or now - last >= timedelta(hours=conf.train_every_hours())


def suggestion_record(*, case, target, model, top, now=None):
    """Keep what was suggested for `case` (the first time it is shown); returns the Suggestion."""
    now = now or timezone.now()
    existing = Suggestion.objects.filter(case=case, target=target).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Suggestion.objects.create(case=case, target=target, model=model, top=top, created_at=now)
    except IntegrityError:  # shown twice at once: the first row stands
        return Suggestion.objects.get(case=case, target=target)


def suggestion_outcomes_update(*, limit=5000):
    """Fill in what people chose for suggestions still open: the demand's category / lead unit once it is
    classified and dispatched, and whether a unit returned it. Returns how many rows changed."""
    changed = 0
    open_rows = list(
        Suggestion.objects.filter(chosen_id__isnull=True)
        .select_related("case")
        .order_by("created_at")[:limit]
    )
    returned_cases = set(
        Assignment.objects.filter(
            case__in=[s.case_id for s in open_rows], returned_at__isnull=False
        ).values_list("case_id", flat=True)
    )
    for s in open_rows:
        chosen = s.case.category_id if s.target == Target.CATEGORY else s.case.lead_unit_id
        if chosen is None:
            continue
        first = s.top[0]["id"] if s.top else None
        Suggestion.objects.filter(pk=s.pk).update(
            chosen_id=chosen, accepted=first == chosen, returned=s.case_id in returned_cases
        )
        changed += 1
    return changed


def auto_dispatch_set(*, category, threshold, by, now=None):
    """Allow auto-dispatch of `category` above `threshold`; refused unless the live category model's held-back
    precision above that threshold clears it (at least the threshold itself, on enough demands)."""
    if not 0.5 <= threshold < 1:
        raise DomainError(
            _("The threshold is a confidence between 0.5 and 0.99, for example 0.9."),
            code="threshold_out_of_range",
        )
    live = RoutingModel.objects.filter(target=Target.CATEGORY, status=ModelStatus.LIVE).first()
    if live is None:
        raise DomainError(_("There is no live category model yet: train one first (massline routing train)."))
    precision, support = live.precision_above(category.pk, threshold)
    if precision is None or support < conf.threshold_min_support() or precision < threshold:
        raise DomainError(
            _(
                "Not allowed for %(category)s: above %(threshold)s the live model was right %(precision)s of "
                "the time on %(n)s held-back demands; it must be right at least as often as the threshold, "
                "on at least %(min)s demands. Choose a higher threshold or leave this category to the "
                "dispatchers."
            )
            % {
                "category": category,
                "threshold": threshold,
                "precision": "-" if precision is None else f"{precision:.0%}",
                "n": support,
                "min": conf.threshold_min_support(),
            },
            code="threshold_not_cleared",
        )
    now = now or timezone.now()
    with transaction.atomic():
        before = AutoDispatchRule.objects.filter(category=category).first()
        rule, _created = AutoDispatchRule.objects.update_or_create(
            category=category,
            defaults={"threshold": threshold, "precision": round(precision, 4), "set_by": by, "set_at": now},
        )
        audit_record(
            action="routing.auto_dispatch_set",
            actor=by,
            obj=rule,
            changes={"threshold": [before.threshold if before else None, threshold]},
            details={"category": category.pk, "precision": rule.precision},
        )
        _rules_changed()
    return rule


def auto_dispatch_clear(*, category, by):
    with transaction.atomic():
        rule = AutoDispatchRule.objects.filter(category=category).first()
        if rule is None:
            raise DomainError(_("Auto-dispatch is not on for this category."))
        audit_record(
            action="routing.auto_dispatch_cleared",
            actor=by,
            obj=rule,
            changes={"threshold": [rule.threshold, None]},
        )
        rule.delete()
        _rules_changed()


def _rules_changed():
    """Forget the cached "any rule on" now and again once committed (another process may have read the
    old rows in between)."""
    AutoDispatchRule.any_on_forget()
    transaction.on_commit(AutoDispatchRule.any_on_forget)


def place_cells(*, lat, lon, region_id):
    cells = []
    if lat is not None and lon is not None:
        band, col = cell_of(float(lat), float(lon))
        cells.append(f"g:{band}:{col}")
    if region_id:
        cells.append(f"r:{region_id}")
    return cells


def place_index_update(*, limit=20_000):
    """Index the demands received since the last run (their place cells and time). Returns how many."""
    last = PlaceKey.objects.aggregate(m=Max("case_id"))["m"] or 0
    rows = list(
        Case.objects.filter(pk__gt=last)
        .order_by("pk")
        .values_list("pk", "lat", "lon", "region_id", "received_at", "category_id")[:limit]
    )
    keys = [
        # A demand without any place gets the key "-", so the high-water mark still moves past it.
        PlaceKey(case_id=pk, cell=cell, received_at=at, category_id=cat)
        for pk, lat, lon, region, at, cat in rows
        for cell in (place_cells(lat=lat, lon=lon, region_id=region) or ["-"])
    ]
    PlaceKey.objects.bulk_create(keys, ignore_conflicts=True, batch_size=2000)
    return len(rows)
