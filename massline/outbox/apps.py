"""The outbox: SMS and e-mail to people, written in the sender's transaction, delivered by the worker."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "massline.outbox"
    label = "outbox"
    verbose_name = _("Outbox")

    def ready(self):
        from massline.lib import worker

        from . import checks, conf, tasks  # noqa: F401 (checks registers the settings check)

        worker.register("outbox.sweep", interval=conf.sweep_interval(), run=tasks.outbox_sweep)
