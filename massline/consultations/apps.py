"""Public consultation on major decisions: drafts, opinions, stance votes, opinion groups, adoption report."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "massline.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from massline.lib import worker

        from . import conf, tasks

        worker.register("consultations", interval=conf.worker_interval(), run=tasks.consultations_round)
