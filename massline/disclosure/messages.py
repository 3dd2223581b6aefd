"""Telling the applicant: every message leaves through `message_queue`, the outbox's (massline.outbox),
written in the caller's transaction and delivered by the worker with retries, so nothing is dropped."""

from massline.outbox.services import message_queue as _outbox_queue


def message_queue(*, channel, to, subject, text, key, about=""):
    """Queue one message ("email" or "sms") for `to`; nothing when there is no address."""
    if not to:
        return None
    return _outbox_queue(channel=channel, to=to, subject=subject, text=text, key=key, about=about)
