"""The year's practical things for the people (民生实事): nomination, screening, vote, delivery, rating."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "massline.pledges"
    label = "pledges"
    verbose_name = _("Practical projects")

    def ready(self):
        from massline.lib import worker

        from . import conf, tasks

        worker.register("pledges", interval=conf.worker_interval(), run=tasks.pledges_round)
