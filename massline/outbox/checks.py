"""Start-up checks of the outbox's settings: wrong numbers stop `massline check` and every command."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import conf


@checks.register()
def check_outbox_settings(app_configs=None, **kwargs):
    messages = []
    for name in conf.DEFAULTS:
        try:
            conf.get(name)
        except ImproperlyConfigured as exc:
            messages.append(checks.Error(str(exc), id="outbox.E001"))
    if messages:
        return messages
    slowest = max(float(settings.MASSLINE_SMS_TIMEOUT), float(settings.EMAIL_TIMEOUT or 0))
    if conf.stale_seconds() <= 2 * slowest:
        messages.append(
            checks.Error(
                f"MASSLINE_OUTBOX_STALE_SECONDS={conf.stale_seconds()} must be more than twice the slowest "
                f"gateway timeout ({slowest} s): a message still being sent would be queued again.",
                id="outbox.E002",
            )
        )
    if conf.backoff_max() < conf.backoff_base():
        messages.append(
            checks.Error(
                "MASSLINE_OUTBOX_BACKOFF_MAX must not be below MASSLINE_OUTBOX_BACKOFF_BASE.",
                id="outbox.E003",
            )
        )
    return messages
