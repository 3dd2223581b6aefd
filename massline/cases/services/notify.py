"""Telling people what happened to a demand: the citizen by e-mail and SMS, officials in the app.

Citizen messages are composed at once (in the citizen's language) and put in the outbox
(massline.outbox) inside the transition's own transaction: a message exists exactly when the transition
committed, and the worker delivers it with retries, so a slow or failing mail server or SMS gateway
never undoes or blocks a transition, and a failure is retried rather than dropped (the gateways and
their settings live in massline/outbox/gateways.py). MASSLINE_PUBLIC_URL (settings.py): the public site's
address (https://12345.example.gov.cn), put before the tracking link in messages; empty gives a relative
path.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from massline.outbox.choices import Channel
from massline.outbox.services import message_queue

from ..models import CaseEvent, Notification

# What a citizen is told about: the moments the issue names (received, replied, extended) and reopening.
CITIZEN_KINDS = ("received", "replied", "extended", "reopened")


def tracking_url(case):
    return settings.MASSLINE_PUBLIC_URL.rstrip("/") + reverse(
        "cases_public:track", kwargs={"code": case.tracking_code}
    )


def _when(instant):
    return formats.date_format(timezone.localtime(instant), "DATETIME_FORMAT") if instant else ""


def citizen_message(*, case, kind):
    """(subject, text) telling the citizen about `kind`, in the citizen's language."""
    if kind not in CITIZEN_KINDS:
        raise ValueError(f"unknown citizen notification {kind!r}; use one of {CITIZEN_KINDS}")
    language = case.language or settings.LANGUAGE_CODE
    with translation.override(language):
        values = {
            "code": case.tracking_code,
            "url": tracking_url(case),
            "due": _when(case.due_reply_at),
            "site": settings.MASSLINE_SITE_NAME or _("Massline"),
        }
        if kind == "received":
            subject = _("Your demand %(code)s was received") % values
            text = (
                _("%(site)s received your demand. Its tracking code is %(code)s: follow it at %(url)s")
                % values
            )
        elif kind == "replied":
            subject = _("Your demand %(code)s was answered") % values
            text = (
                _(
                    "Your demand %(code)s was answered. Read the reply and tell us whether it was resolved "
                    "and how satisfied you are: %(url)s"
                )
                % values
            )
        elif kind == "extended":
            subject = _("More time for your demand %(code)s") % values
            text = (
                _(
                    "The unit handling your demand %(code)s was given more time; it must now answer by "
                    "%(due)s. Follow it at %(url)s"
                )
                % values
            )
        else:
            subject = _("Your demand %(code)s is being handled again") % values
            text = (
                _(
                    "Your demand %(code)s was reopened after your rating and is being handled again. "
                    "Follow it at %(url)s"
                )
                % values
            )
    return str(subject), str(text)


def _message_key(case, kind):
    """The idempotency key of the messages about `kind`: one per timeline event, so that the second
    "replied" of a reopened demand is a new message and a retried transition is not."""
    event_id = CaseEvent.objects.filter(case=case).order_by("-id").values_list("id", flat=True).first()
    return f"case:{case.pk}:{kind}:{event_id or timezone.now().isoformat()}"


def notify_citizen(*, case, kind):
    """Queue the e-mail and SMS telling the citizen of `case` about `kind`, in the caller's transaction.

    Returns True if a message was queued (the demand has a citizen with an e-mail or a phone).
    """
    citizen = case.citizen if case.citizen_id else None
    if citizen is None or not (citizen.email or citizen.phone):
        return False
    subject, text = citizen_message(case=case, kind=kind)
    key = _message_key(case, kind)
    if citizen.email:
        message_queue(
            channel=Channel.EMAIL,
            to=citizen.email,
            subject=subject,
            text=text,
            key=f"{key}:email",
            about=case.tracking_code,
        )
    if citizen.phone:
        message_queue(
            channel=Channel.SMS, to=citizen.phone, text=text, key=f"{key}:sms", about=case.tracking_code
        )
    return True


def notify_staff(*, users, case, kind, text):
    """In-app notifications for `users` (each once) about `case`; returns the rows created."""
    seen, rows = set(), []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, case=case, kind=kind, text=str(text)[:500]))
    return Notification.objects.bulk_create(rows)
