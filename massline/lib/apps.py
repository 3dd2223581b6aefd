from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    name = "massline.lib"
    label = "lib"
    verbose_name = _("Lib")

    def ready(self):
        from . import taskqueue

        taskqueue.register_drains()
