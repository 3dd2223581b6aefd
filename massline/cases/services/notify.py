"""Telling people what happened to a demand: the citizen by e-mail and SMS, officials in the app.

Citizen messages are composed at once (in the citizen's language) and sent after the surrounding
transaction commits, so a slow or failing mail server or SMS gateway never undoes or blocks a
transition; a failure is logged and the demand carries on. Settings (declared in settings.py):

- MASSLINE_SMS_BACKEND: "logging" (default, development: `LoggingSmsGateway` only logs), "http"
  (`HttpSmsGateway` posts JSON {"to", "text"} to MASSLINE_SMS_URL with the bearer token MASSLINE_SMS_TOKEN,
  which settings may read from MASSLINE_SMS_TOKEN_FILE, waiting MASSLINE_SMS_TIMEOUT s), or the dotted path
  of another SmsGateway subclass.
- MASSLINE_PUBLIC_URL: the public site's address (https://12345.example.gov.cn), put before the tracking
  link in messages; empty gives a relative path.
"""

import abc
import json
import logging
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from massline.lib.masking import mask_phone

from ..models import Notification

log = logging.getLogger("massline.cases.notify")

DEFAULTS = {
    "MASSLINE_SMS_BACKEND": "logging",
    "MASSLINE_SMS_URL": "",
    "MASSLINE_SMS_TOKEN": "",
    "MASSLINE_SMS_TOKEN_FILE": "",
    "MASSLINE_SMS_TIMEOUT": 5.0,
    "MASSLINE_PUBLIC_URL": "",
}

# What a citizen is told about: the moments the issue names (received, replied, extended) and reopening.
CITIZEN_KINDS = ("received", "replied", "extended", "reopened")


def _setting(name):
    return getattr(settings, name, DEFAULTS[name])


class SmsError(Exception):
    """The gateway did not accept a message."""


class SmsGateway(abc.ABC):
    """Sends one text message; raises SmsError when the message was not accepted."""

    @abc.abstractmethod
    def send(self, *, to, text): ...


class LoggingSmsGateway(SmsGateway):
    """Development: writes the message to the log (the number masked) instead of sending it."""

    def send(self, *, to, text):
        log.info("SMS to %s: %s", mask_phone(to), text)


class HttpSmsGateway(SmsGateway):
    """An HTTP gateway: POST {"to": …, "text": …} as JSON with `Authorization: Bearer <token>`.

    Any 2xx answer counts as accepted; anything else, a timeout or a refused connection raises SmsError.
    """

    def __init__(self, *, url=None, token=None, timeout=None):
        self.url = url or _setting("MASSLINE_SMS_URL")
        if not self.url:
            raise ImproperlyConfigured("MASSLINE_SMS_URL must be set to use HttpSmsGateway.")
        self.token = token if token is not None else _token()
        self.timeout = float(timeout if timeout is not None else _setting("MASSLINE_SMS_TIMEOUT"))

    def send(self, *, to, text):
        body = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's configured gateway)
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
        )
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"gateway answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered HTTP {status}")


def _token():
    if token := _setting("MASSLINE_SMS_TOKEN"):
        return token
    if path := _setting("MASSLINE_SMS_TOKEN_FILE"):
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"MASSLINE_SMS_TOKEN_FILE={path} cannot be read: {exc.strerror}"
            ) from exc
    return ""


def sms_gateway():
    """An instance of the configured gateway: "logging", "http", or the dotted path of an SmsGateway class."""
    backend = _setting("MASSLINE_SMS_BACKEND")
    gateway = {"logging": LoggingSmsGateway, "http": HttpSmsGateway}.get(backend)
    return (gateway or import_string(backend))()


def tracking_url(case):
    return _setting("MASSLINE_PUBLIC_URL").rstrip("/") + reverse(
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


def _deliver(*, code, kind, email, phone, subject, text):
    if email:
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [email])
        except Exception:
            log.exception("e-mail about demand %s (%s) could not be sent", code, kind)
    if phone:
        try:
            sms_gateway().send(to=phone, text=text)
        except Exception:
            log.exception("SMS about demand %s (%s) could not be sent", code, kind)


def notify_citizen(*, case, kind):
    """Tell the citizen of `case` about `kind` by e-mail and SMS once the transaction commits.

    Returns True if a message was scheduled (the demand has a citizen with an e-mail or a phone).
    """
    citizen = case.citizen if case.citizen_id else None
    if citizen is None or not (citizen.email or citizen.phone):
        return False
    subject, text = citizen_message(case=case, kind=kind)
    message = {
        "code": case.tracking_code,
        "kind": kind,
        "email": citizen.email,
        "phone": citizen.phone,
        "subject": subject,
        "text": text,
    }
    transaction.on_commit(lambda: _deliver(**message))
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
