from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "massline.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from massline.lib import worker

        from .services import audit_seal

        worker.register("audit.seal", interval=settings.MASSLINE_AUDIT_SEAL_INTERVAL, run=audit_seal)
