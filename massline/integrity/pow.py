"""A hashcash-style proof of work on the public forms, with no third-party service and no tracking.

The server hands out a signed challenge (random nonce, time, difficulty); the browser (static/integrity/
pow.js) finds a counter such that SHA-256("<challenge>:<counter>") starts with `bits` zero bits. The
server checks the signature, the age, the hash and that the challenge was not used before (the shared
cache remembers used nonces until they expire).
"""

import hashlib
import secrets
import time

from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError

from . import conf

SALT = "massline.integrity.pow"


class ChallengeFailed(DomainError):
    code = "proof_of_work"


def challenge_new():
    """A fresh signed challenge string for a form."""
    return signing.dumps({"n": secrets.token_hex(12), "t": int(time.time()), "b": conf.pow_bits()}, salt=SALT)


def _leading_zero_bits(digest):
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(challenge, bits):
    """The first counter that solves `challenge` (what the browser does; tests and the demo use it)."""
    counter = 0
    while _leading_zero_bits(hashlib.sha256(f"{challenge}:{counter}".encode()).digest()) < bits:
        counter += 1
    return str(counter)


def challenge_check(challenge, solution):
    """Accept a solved challenge once; raise ChallengeFailed with what to do otherwise."""
    try:
        data = signing.loads(challenge or "", salt=SALT, max_age=conf.pow_max_age())
    except signing.BadSignature as exc:
        raise ChallengeFailed(
            _(
                "The form's security check has expired or was not completed: "
                "reload the page and send it again."
            )
        ) from exc
    solution = (solution or "").strip()
    if not solution.isdigit() or len(solution) > 20:
        raise ChallengeFailed(
            _("The form's security check was not completed: wait until the page says it is ready, then send.")
        )
    digest = hashlib.sha256(f"{challenge}:{solution}".encode()).digest()
    if _leading_zero_bits(digest) < int(data.get("b", 0)):
        raise ChallengeFailed(_("The form's security check failed: reload the page and send it again."))
    if not cache.add(f"integrity:pow:{data['n']}", 1, timeout=conf.pow_max_age() + 60):
        raise ChallengeFailed(_("This form was already sent once: reload the page to send another."))
