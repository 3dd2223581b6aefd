"""Messages to applicants and staff, behind one function so that moving to the outbox is one line."""

import logging

from django.conf import settings
from django.core.mail import send_mail

log = logging.getLogger("massline.disclosure")


def message_queue(*, channel, to, subject, text, key, about=""):
    """Send one message (`channel` "email" or "sms"); same signature as `massline.outbox.services`.

    E-mail goes through Django's mail backend once the caller's transaction commits; SMS are logged until
    the outbox sends them. `key` identifies the message for the log (the outbox makes it idempotent).
    """
    from django.db import transaction

    if not to:
        return
    if channel == "email":
        transaction.on_commit(
            lambda: send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=True)
        )
    log.info("disclosure message %s via %s about %s: %s", key, channel, about, subject)
