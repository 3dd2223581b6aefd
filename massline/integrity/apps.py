"""Integrity tip-offs (廉政举报): anonymous reports about officials' conduct, readable only by the
discipline inspectors of the jurisdiction."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "massline.integrity"
    label = "integrity"
    verbose_name = _("Integrity tip-offs")

    def ready(self):
        from massline.lib import worker

        from . import conf, tasks

        worker.register("integrity", interval=conf.worker_interval(), run=tasks.integrity_worker_round)
