"""The routing worker job: index new demands for the duplicate finder, fill in what people chose for
earlier suggestions, and train new models when the schedule says so."""

import logging

from django_tasks import task

from massline.lib.errors import DomainError

from .autodispatch import case_auto_dispatch
from .choices import Target
from .services import model_train, place_index_update, suggestion_outcomes_update, training_due

log = logging.getLogger("massline.routing")


def routing_round():
    done = place_index_update() + suggestion_outcomes_update()
    for target in Target.values:
        if not training_due(target=target):
            continue
        try:
            model = model_train(target=target)
        except DomainError as exc:
            log.info("routing: %s model not trained: %s", target, exc.message)
            continue
        log.info("routing: trained %s (%s), macro-F1 %s", model, model.get_status_display(), model.macro_f1)
        done += 1
    return done


@task()
def demand_auto_dispatch(case_id):
    """Queued for every new demand while auto-dispatch rules exist (see routing.autodispatch)."""
    _case, reason = case_auto_dispatch(case_id=case_id)
    return reason
