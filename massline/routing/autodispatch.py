"""Auto-dispatch (自动派单): a new demand goes to the suggested unit without a dispatcher only when the
administrators allowed it for the demand's category (AutoDispatchRule, whose threshold the live category
model's backtest precision cleared), the unit model is at least that confident, and the unit model's own
held-back precision for that unit at that confidence clears the threshold too. Anything else stays with
the dispatchers. Runs as a background task queued when the demand is stored (cases.routing_seam)."""

import logging

from massline.cases.choices import CaseStatus
from massline.cases.models import Case
from massline.cases.services.handling import case_dispatch_automatically
from massline.lib.errors import DomainError

from . import conf
from .choices import Target
from .models import AutoDispatchRule
from .selectors import case_predictions
from .services import suggestion_record

log = logging.getLogger("massline.routing")


def case_auto_dispatch(*, case_id, now=None):
    """Dispatch demand `case_id` automatically when the rules allow it. Returns (case or None, reason): the
    reason says why it was left to people ("" when dispatched)."""
    case = Case.objects.select_related("category", "region").filter(pk=case_id).first()
    if case is None or case.status != CaseStatus.RECEIVED or case.duplicate_of_id:
        return None, "not a new demand"
    rules = {r.category_id: r for r in AutoDispatchRule.objects.all()}
    if not rules:
        return None, "no auto-dispatch rule"
    predictions = case_predictions(case=case)
    category_row, categories = predictions[Target.CATEGORY]
    unit_row, units = predictions[Target.UNIT]
    category_id, category_p, category_from = case.category_id, None, "intake"
    if category_id is None and categories:
        category_id, category_p, category_from = categories[0]["id"], categories[0]["p"], "model"
    rule = rules.get(category_id)
    if rule is None:
        return None, "no auto-dispatch rule for the category"
    if category_from == "model" and category_p < rule.threshold:
        return None, "category suggestion below the threshold"
    if unit_row is None or not units:
        return None, "no live unit model"
    top = units[0]
    if top["p"] < rule.threshold:
        return None, "unit suggestion below the threshold"
    precision, support = unit_row.precision_above(top["id"], rule.threshold)
    if precision is None or support < conf.threshold_min_support() or precision < rule.threshold:
        return None, "the unit model's held-back precision for this unit does not clear the threshold"
    shown = [{"id": t["id"], "label": str(t["obj"]), "p": t["p"]} for t in units]
    suggestion_record(case=case, target=Target.UNIT, model=unit_row, top=shown, now=now)
    if category_row is not None and categories:
        suggestion_record(
            case=case,
            target=Target.CATEGORY,
            model=category_row,
            top=[{"id": t["id"], "label": str(t["obj"]), "p": t["p"]} for t in categories],
            now=now,
        )
    suggestion = {
        "unit": top["id"],
        "p": top["p"],
        "threshold": rule.threshold,
        "unit_precision": round(precision, 4),
        "unit_model": unit_row.pk,
        "unit_model_version": unit_row.version,
        "category": category_id,
        "category_from": category_from,
        "top": shown,
    }
    try:
        case_dispatch_automatically(case=case, lead_unit=top["obj"], suggestion=suggestion, at=now)
    except DomainError as exc:  # a dispatcher was faster, or the unit was closed meanwhile
        log.info("routing: demand %s not dispatched automatically: %s", case_id, exc.message)
        return None, str(exc.message)
    return case, ""
