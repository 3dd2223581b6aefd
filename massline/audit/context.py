"""The current request's id, client address and user, for audit events written deeper down."""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_ip: str | None = None
    user_id: int | None = None


_EMPTY = RequestContext()
_current = contextvars.ContextVar("massline_request_context", default=_EMPTY)  # noqa: B039 (frozen)


def current():
    return _current.get()


def set_current(context):
    return _current.set(context)


def reset(token):
    _current.reset(token)
