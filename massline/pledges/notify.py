"""Telling people about the year's projects: every message leaves through `message_send`, which puts it
in the outbox (massline.outbox) in the caller's transaction: a rolled-back change tells nobody, and the
worker delivers it with retries, so a failing mail server or SMS gateway loses nothing."""

from massline.outbox.services import message_queue


def message_send(*, channel, to, subject, text, key, about=""):
    """Queue one message ("email" or "sms") for `to`; nothing when there is no address."""
    if not to:
        return None
    return message_queue(channel=channel, to=to, subject=subject, text=text, key=key, about=about)
