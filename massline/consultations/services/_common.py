"""Helpers shared by the consultation services: permission, text and status checks, follower mail."""

import logging
from decimal import Decimal, InvalidOperation

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError, PermissionDenied

from ..choices import (
    ConsultationStatus,
)
from ..models import (
    Follower,
)
from ..selectors import can_manage

log = logging.getLogger("massline.consultations")

EDITABLE_FIELDS = (
    "title",
    "summary",
    "region",
    "participation",
    "citizen_statements",
    "min_open_days",
    "decision",
)


# --- helpers ----------------------------------------------------------------------------------------


def _require_manager(by, unit):
    if by is None or not can_manage(by, unit):
        raise PermissionDenied(
            _(
                "Only a handler or the head of the responsible unit may do this: ask them, "
                "or your administrator for the role."
            )
        )


def _clean_text(value, *, what, max_length, required=True):
    text = (value or "").strip()
    if required and not text:
        raise DomainError(_("Write the %(what)s first: it cannot be empty.") % {"what": what}, code="empty")
    if len(text) > max_length:
        raise DomainError(
            _(
                "The %(what)s is %(length)d characters long; the limit is %(limit)d. Shorten it, "
                "or split it into several."
            )
            % {"what": what, "length": len(text), "limit": max_length},
            code="too_long",
        )
    return text


def _require_open(consultation, now):
    if not consultation.is_open(now):
        if consultation.status == ConsultationStatus.DRAFT:
            message = _("This consultation has not been published yet: come back when it opens.")
        else:
            message = _(
                "This consultation is closed and no longer takes opinions or votes. "
                "Follow it to be told when the unit publishes its answers."
            )
        raise DomainError(message, code="consultation_closed")


def _sync(original, locked):
    """Copy the locked, updated row's values back onto the caller's instance, so it is not left stale."""
    if original is not locked:
        for field in locked._meta.concrete_fields:
            setattr(original, field.attname, getattr(locked, field.attname))
    return original


def _require_status(consultation, *statuses, message):
    if consultation.status not in statuses:
        raise DomainError(message, code="wrong_status")


def _notify_followers(consultation, subject, body):
    """E-mail every follower who has an address. Sent after commit, so a rolled-back change tells nobody."""
    emails = list(
        Follower.objects.filter(consultation=consultation)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not emails:
        return
    messages = [(subject, body, None, [email]) for email in emails]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


def _coordinate(value, *, low, high, what):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
        # NaN and infinity pass quantize() and then fail every comparison with an exception.
        number = number.quantize(Decimal("0.000001")) if number.is_finite() else None
    except InvalidOperation:
        number = None
    if number is None or not low <= number <= high:
        raise DomainError(
            _("The %(what)s must be a number between %(low)s and %(high)s: pick the place on the map again.")
            % {"what": what, "low": low, "high": high},
            code="bad_place",
        )
    return number


def _actor(participant):
    return participant.user if participant.user_id else None
