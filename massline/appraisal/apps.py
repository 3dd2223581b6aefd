"""Appraisal by the people's satisfaction: rates, rules, frozen monthly rankings, dashboards, reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "massline.appraisal"
    label = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self):
        from massline.cases import seams
        from massline.lib import worker

        from . import conduct, conf, tasks

        worker.register("appraisal", interval=conf.worker_interval(), run=tasks.appraisal_round)
        if conduct.tracking_panel not in seams.TRACKING_PANELS:
            seams.TRACKING_PANELS.append(conduct.tracking_panel)
        if conduct.personal_data not in seams.PERSONAL_DATA_SECTIONS:
            seams.PERSONAL_DATA_SECTIONS.append(conduct.personal_data)
