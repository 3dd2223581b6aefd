"""Routing intelligence (智能分拨): category and unit suggestions learned from the centre's own history,
the duplicate finder, backtests and auto-dispatch thresholds."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "massline.routing"
    label = "routing"
    verbose_name = _("Routing")

    def ready(self):
        from massline.cases import routing_seam
        from massline.lib import worker

        from . import conf, seam, tasks

        routing_seam.register(seam.RoutingProvider())
        worker.register("routing", interval=conf.worker_interval(), run=tasks.routing_round)
