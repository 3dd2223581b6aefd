"""Government information disclosure on request (依申请公开): the statutory clock, typed answers, register."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "massline.disclosure"
    label = "disclosure"
    verbose_name = _("Information disclosure")

    def ready(self):
        from massline.cases import seams
        from massline.lib import worker

        from . import conf, stats, tasks

        worker.register("disclosure", interval=conf.worker_interval(), run=tasks.disclosure_round)
        # Appraisal shows each agency's requests answered on time (it never imports disclosure).
        seams.further_figures_register(stats.FIGURE_SOURCE)
