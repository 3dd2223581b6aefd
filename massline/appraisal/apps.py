"""Appraisal by the people's satisfaction: rates, rules, frozen monthly rankings, dashboards, reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "massline.appraisal"
    label = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self):
        from massline.lib import worker

        from . import conf, tasks

        worker.register("appraisal", interval=conf.worker_interval(), run=tasks.appraisal_round)
