"""Bearer-token authentication of officials, and per-client rate limits, for /api/v1/.

A token acts with its owner's permissions, so the API sees exactly what the web UI shows that official
(massline.org.selectors.user_scope): a handler of unit B gets 404 for a demand of unit A.
"""

import re
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from massline.audit.services import audit_record
from massline.lib.errors import DomainError
from massline.lib.ratelimit import count_hit

from .models import TOKEN_PREFIX_LENGTH, ApiToken, token_digest

CACHE_SECONDS = 30
# What secrets.token_urlsafe produces: anything else is refused before it reaches the cache or database.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]+$")


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


class Throttled(DomainError):
    code = "rate_limited"
    status = 429


def token_create(*, user, name, expires_at=None, by=None):
    """Issue a personal token for `user`. Returns (ApiToken, the token itself), shown only this once."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Say what the token is for, e.g. the script that will use it."))
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=raw[:TOKEN_PREFIX_LENGTH],
            digest=token_digest(raw),
            expires_at=expires_at,
        )
        audit_record(action="api.token.create", obj=token, actor=by, details={"user": user.get_username()})
    return token, raw


def token_revoke(*, token, by=None):
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="api.token.revoke", obj=token, actor=by, details={"user": token.user.get_username()}
        )
    caches["local"].delete(f"api:token:{token.prefix}")
    return token


def user_for_token(raw):
    """The active user whose usable token is `raw`, or None."""
    if not raw or len(raw) <= TOKEN_PREFIX_LENGTH or len(raw) > 200 or not TOKEN_SHAPE.match(raw):
        return None
    prefix = raw[:TOKEN_PREFIX_LENGTH]
    cache_key = f"api:token:{prefix}"
    token = caches["local"].get(cache_key)  # this process's reference rows, as Open311's keys
    if token is None:
        token = ApiToken.objects.select_related("user").filter(prefix=prefix).first() or False
        caches["local"].set(cache_key, token, CACHE_SECONDS)
    if not token or not token.matches(raw) or not token.is_usable(timezone.now()):
        return None
    if not token.user.is_active:
        return None
    return token.user


def throttle(request, who):
    """Count one request of `who` this minute; refuse over MASSLINE_API_RATE_LIMIT."""
    limit = settings.MASSLINE_API_RATE_LIMIT
    if not limit:
        return
    if count_hit(f"api:{who}", window=60) > limit:
        raise Throttled(_("Too many requests this minute: wait a minute and try again."))


def client_address(request):
    header = settings.MASSLINE_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def optional_user(request):
    """The official of a bearer token if one is sent (401 if it is wrong), else None (anonymous)."""
    header = request.headers.get("Authorization", "")
    if not header:
        throttle(request, f"ip:{client_address(request)}")
        return None
    scheme, _sep, raw = header.partition(" ")
    user = user_for_token(raw.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Unauthorized(_("The API token is wrong, expired or revoked: ask for a new one."))
    throttle(request, f"user:{user.pk}")
    return user


class TokenAuth(HttpBearer):
    """Authorization: Bearer <personal API token>."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            throttle(request, f"user:{user.pk}")
            request.user = user
        return user
