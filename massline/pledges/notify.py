"""Telling people about the year's projects: every message leaves through `message_send`.

One function on purpose: the outbox app (`massline.outbox.services.message_queue`, same arguments) will
take its place with a one-line change. Until then an e-mail is sent after the caller's transaction
commits, so a rolled-back change tells nobody and a failing mail server never undoes one.
"""

import logging

from django.core.mail import send_mail
from django.db import transaction

log = logging.getLogger("massline.pledges")


def message_send(*, channel, to, subject, text, key, about=""):
    """Queue one message (`channel` "email"; "sms" is logged until the outbox sends it)."""
    if not to:
        return

    def send():
        if channel == "email":
            send_mail(subject, text, None, [to], fail_silently=True)
        else:
            log.info("pledges message %s (%s) to a %s recipient: %s", key, about, channel, subject)

    transaction.on_commit(send)
