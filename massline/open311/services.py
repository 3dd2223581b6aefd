"""Writes of the Open311 app: issuing and revoking API keys, and turning a POST requests into a demand
through the intake of `cases` (so it gets routing, time limits and audit like any other demand).
"""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.cases.choices import Channel
from massline.lib.errors import DomainError, NotFound

from . import selectors
from .choices import ServiceType
from .models import KEY_PREFIX_LENGTH, ApiKey, Submission, key_digest

TITLE_LENGTH = 60


class KeyExists(DomainError):
    code = "key_exists"
    status = 409


def apikey_create(*, name, contact="", rate_limit_per_minute=None, by=None):
    """Issue a key for the client `name`. Returns (ApiKey, the key itself): the key is never shown again."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the client a name, e.g. the FixMyStreet installation it is for."))
    if ApiKey.objects.filter(name=name, revoked_at__isnull=True).exists():
        raise KeyExists(
            _(
                "“%(name)s” already has an active key: revoke it first "
                "(massline open311 keys revoke %(name)s)."
            )
            % {"name": name}
        )
    for _attempt in range(5):
        raw = secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                key = ApiKey.objects.create(
                    name=name,
                    prefix=raw[:KEY_PREFIX_LENGTH],
                    digest=key_digest(raw),
                    contact=contact,
                    rate_limit_per_minute=rate_limit_per_minute,
                    created_by=by,
                )
                audit_record(action="open311.key.create", obj=key, actor=by, details={"name": name})
            return key, raw
        except IntegrityError:
            if ApiKey.objects.filter(name=name, revoked_at__isnull=True).exists():
                raise KeyExists(_("“%(name)s” already has an active key.") % {"name": name}) from None
    raise DomainError(_("Could not issue a unique key: try again."))


def apikey_revoke(*, key=None, name=None, by=None):
    """Revoke `key` (or the active key of client `name`); it stops working within the cache time."""
    with transaction.atomic():
        if key is None:
            key = ApiKey.objects.select_for_update().filter(name=name, revoked_at__isnull=True).first()
            if key is None:
                raise NotFound(
                    _("No active key named “%(name)s”: see the keys in the admin.") % {"name": name}
                )
        if key.revoked_at is not None:
            return key
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(action="open311.key.revoke", obj=key, actor=by, details={"name": key.name})
    selectors.apikey_forget(key.prefix)
    return key


def _title(service, description):
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    if not first_line:
        return service.category.label[:TITLE_LENGTH]
    return first_line if len(first_line) <= TITLE_LENGTH else first_line[: TITLE_LENGTH - 1] + "…"


def request_submit(*, api_key, service, data, attributes, idempotency_key=None):
    """Create the demand of a checked POST requests (`data`: inputs.RequestInput) and its submission.

    Returns the Submission (with .case); a batch service's submission carries a token for the client.
    A repeated `idempotency_key` of the same client returns the first submission and creates nothing.
    """
    from massline.cases.services.intake import case_submit

    scoped_key = f"open311:{api_key.pk}:{idempotency_key}"[:100] if idempotency_key else None
    if scoped_key:
        existing = Submission.objects.filter(case__idempotency_key=scoped_key).select_related("case").first()
        if existing is not None:
            return existing
    submission = Submission(
        api_key=api_key,
        attributes=attributes,
        address_id=data.address_id,
        device_id=data.device_id,
        account_id=data.account_id,
        media_url=data.media_url,
        token=secrets.token_urlsafe(18) if service.type == ServiceType.BATCH else None,
    )
    # The submission is saved in the demand's own transaction: one transaction, no savepoint.
    case = case_submit(
        type=service.case_type,
        title=_title(service, data.description),
        description=data.description or service.category.label,
        category=service.category,
        channel=Channel.API,
        address=data.address_string,
        lat=data.lat,
        lon=data.lon,
        citizen_name=" ".join(part for part in (data.first_name, data.last_name) if part),
        citizen_phone=data.phone,
        citizen_email=data.email,
        is_public=True,
        idempotency_key=scoped_key,
        by=None,
        records=[submission],
    )
    if submission.pk is None:
        # A concurrent retry with the same key created the demand (and its submission) first.
        return Submission.objects.select_related("case").get(case=case)
    return submission
