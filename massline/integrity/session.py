"""The unlocked private key of an inspector, kept in their session for MASSLINE_INTEGRITY_UNLOCK_MINUTES.

The session holds the key encrypted with a server key (SecretBox), bound to the user and an expiry:
the session store alone (a database dump) does not give it, the server's secret alone does not either;
both together, during the unlock window, do (docs/integrity.md, "Trade-offs").
"""

from . import conf, crypto

SESSION_KEY = "integrity_unlocked"


def unlocked_store(request, private_key):
    request.session[SESSION_KEY] = crypto.capability_wrap(
        "session", {"u": request.user.pk, "k": crypto.b64(private_key)}, minutes=conf.unlock_minutes()
    )
    request.session.cycle_key()


def unlocked_get(request):
    """The unlocked private key, or None (locked, expired, or another user's)."""
    data = crypto.capability_open("session", request.session.get(SESSION_KEY, ""))
    if not data or data.get("u") != request.user.pk:
        request.session.pop(SESSION_KEY, None)
        return None
    return crypto.unb64(data["k"])


def unlocked_clear(request):
    request.session.pop(SESSION_KEY, None)
