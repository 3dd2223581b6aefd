"""The year's practical things for the people (民生实事): nomination, screening, vote, delivery, rating."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "massline.pledges"
    label = "pledges"
    verbose_name = _("Practical projects")

    def ready(self):
        from massline.cases import seams
        from massline.lib import worker

        from . import conf, selectors, tasks

        worker.register("pledges", interval=conf.worker_interval(), run=tasks.pledges_round)
        # Appraisal shows each unit's year-end rating of its projects (it never imports pledges).
        seams.further_figures_register(selectors.FIGURE_SOURCE)
