"""How a message leaves Massline: an SMS gateway (logging or HTTP) and Django's e-mail backend.

Every send carries the message's idempotency key, so that a gateway which honours it delivers a
retried message once: the HTTP gateway gets it as the `Idempotency-Key` header, an e-mail gets a
Message-ID derived from it. Settings (declared in massline/settings.py, read from the environment):

- MASSLINE_SMS_BACKEND: "logging" (default, development: `LoggingSmsGateway` only logs), "http"
  (`HttpSmsGateway` posts JSON {"to", "text"} to MASSLINE_SMS_URL with the bearer token MASSLINE_SMS_TOKEN,
  which settings may read from MASSLINE_SMS_TOKEN_FILE, waiting MASSLINE_SMS_TIMEOUT s), or the dotted path
  of another SmsGateway subclass.
- EMAIL_BACKEND, DEFAULT_FROM_EMAIL, EMAIL_TIMEOUT: Django's mail settings.
"""

import abc
import hashlib
import json
import logging
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from massline.lib.masking import mask_phone

log = logging.getLogger("massline.outbox.sms")


class SmsError(Exception):
    """The gateway did not accept a message."""


class SmsGateway(abc.ABC):
    """Sends one text message; raises SmsError when the message was not accepted.

    `key` identifies the message across retries: a gateway that can, passes it on so that the same key
    is delivered at most once.
    """

    @abc.abstractmethod
    def send(self, *, to, text, key=""): ...


class LoggingSmsGateway(SmsGateway):
    """Development: writes the message to the log (the number masked) instead of sending it."""

    def send(self, *, to, text, key=""):
        log.info("SMS to %s (%s): %s", mask_phone(to), key, text)


class HttpSmsGateway(SmsGateway):
    """An HTTP gateway: POST {"to": …, "text": …} as JSON with `Authorization: Bearer <token>` and
    `Idempotency-Key: <key>`.

    Any 2xx answer counts as accepted; anything else, a timeout or a refused connection raises SmsError.
    """

    def __init__(self, *, url=None, token=None, timeout=None):
        self.url = url or settings.MASSLINE_SMS_URL
        if not self.url:
            raise ImproperlyConfigured("MASSLINE_SMS_URL must be set to use HttpSmsGateway.")
        self.token = token if token is not None else _token()
        self.timeout = float(timeout if timeout is not None else settings.MASSLINE_SMS_TIMEOUT)

    def send(self, *, to, text, key=""):
        body = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's configured gateway)
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
        )
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        if key:
            request.add_header("Idempotency-Key", key)
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
    # settings.py already read MASSLINE_SMS_TOKEN_FILE into MASSLINE_SMS_TOKEN at start-up; a settings
    # override of the file (tests, a settings module of the installation) is read here.
    if token := settings.MASSLINE_SMS_TOKEN:
        return token
    if path := getattr(settings, "MASSLINE_SMS_TOKEN_FILE", ""):
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"MASSLINE_SMS_TOKEN_FILE={path} cannot be read: {exc.strerror}"
            ) from exc
    return ""


def sms_gateway():
    """An instance of the configured gateway: "logging", "http", or the dotted path of an SmsGateway class."""
    backend = settings.MASSLINE_SMS_BACKEND
    gateway = {"logging": LoggingSmsGateway, "http": HttpSmsGateway}.get(backend)
    return (gateway or import_string(backend))()


def message_id_for(key):
    """The Message-ID of the e-mail with idempotency key `key`: the same for every attempt."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "massline.localhost"
    return f"<outbox.{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def email_send(*, to, subject, text, key):
    """Send one e-mail through Django's backend (EMAIL_BACKEND), its Message-ID fixed by `key`."""
    EmailMessage(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id_for(key)},
    ).send(fail_silently=False)
