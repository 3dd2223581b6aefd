"""The integrity app's cryptography, all of it libsodium through PyNaCl: nothing here is hand-rolled.

- A tip-off has two random 32-byte keys: the content key (report, messages, attachments) and the
  identity key (the reporter's identity). Data is encrypted with SecretBox (XSalsa20-Poly1305).
- Each key is sealed (SealedBox, X25519) to the public key of every inspector authorised to read it.
- An inspector's private key is wrapped with SecretBox under a key derived by Argon2id from their
  password, and a second copy under a key derived from their recovery key.
- The reporter's copy of the content key is wrapped under a key derived by Argon2id from the receipt.
- The server's integrity secret gives, through keyed BLAKE2b with distinct personalisations, the key
  of keyed hashes (receipt look-up, reporter fingerprints, accused names), the key that wraps unlocked
  private keys in sessions and capability tokens, and the outer layer of sealed identities.
See docs/integrity.md for the threat model.
"""

import base64
import hmac
import json
import secrets
import time
import unicodedata

from django.conf import settings
from nacl import exceptions as nacl_exceptions
from nacl import hash as nacl_hash
from nacl import pwhash, utils
from nacl.encoding import RawEncoder
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

from . import conf

KEY_SIZE = SecretBox.KEY_SIZE
SALT_SIZE = pwhash.argon2id.SALTBYTES
RECEIPT_DIGITS = 16


class DecryptionFailed(Exception):
    """A ciphertext did not open: a wrong key, a wrong password, or tampered data."""


# --- the server's derived keys ------------------------------------------------------------------------


def _server_secret():
    value = conf.secret() or settings.SECRET_KEY
    return value.encode() if isinstance(value, str) else value


def server_key(purpose):
    """A 32-byte key for `purpose` derived from the server's integrity secret (keyed BLAKE2b)."""
    return nacl_hash.blake2b(
        b"massline-integrity",
        digest_size=KEY_SIZE,
        key=nacl_hash.blake2b(_server_secret(), digest_size=64, encoder=RawEncoder),
        person=purpose.encode()[:16].ljust(16, b"\0"),
        encoder=RawEncoder,
    )


def keyed_hash(purpose, value):
    """Hex keyed hash (BLAKE2b with a server key) of `value`: comparable, not reversible without the key."""
    return nacl_hash.blake2b(
        value.encode(), digest_size=32, key=server_key(f"hash:{purpose}"), encoder=RawEncoder
    ).hex()


def normalise_phone(value):
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def normalise_text(value):
    """Names and ID numbers compared without case, width or spaces (全角/半角 alike)."""
    return "".join(unicodedata.normalize("NFKC", value or "").casefold().split())


# --- symmetric boxes ----------------------------------------------------------------------------------


def new_key():
    return utils.random(KEY_SIZE)


def seal(key, plaintext):
    """Encrypt bytes (or str) with SecretBox under `key`; a random nonce is prepended."""
    if isinstance(plaintext, str):
        plaintext = plaintext.encode()
    return bytes(SecretBox(key).encrypt(plaintext))


def open_box(key, ciphertext):
    try:
        return SecretBox(key).decrypt(bytes(ciphertext))
    except (nacl_exceptions.CryptoError, ValueError, TypeError) as exc:
        raise DecryptionFailed() from exc


def seal_json(key, data):
    return seal(key, json.dumps(data, ensure_ascii=False, sort_keys=True))


def open_json(key, ciphertext):
    return json.loads(open_box(key, ciphertext))


# --- public-key sealing -------------------------------------------------------------------------------


def keypair():
    """(public key bytes, private key bytes) of a new X25519 key pair."""
    private = PrivateKey.generate()
    return bytes(private.public_key), bytes(private)


def seal_to(public_key, data):
    """Seal `data` so that only the holder of `public_key`'s private key can open it (SealedBox)."""
    return bytes(SealedBox(PublicKey(bytes(public_key))).encrypt(data))


def unseal(private_key, sealed):
    try:
        return SealedBox(PrivateKey(bytes(private_key))).decrypt(bytes(sealed))
    except (nacl_exceptions.CryptoError, ValueError, TypeError) as exc:
        raise DecryptionFailed() from exc


# --- Argon2id -----------------------------------------------------------------------------------------


def new_salt():
    return utils.random(SALT_SIZE)


def derive_key(secret_text, salt, opslimit, memlimit):
    """The 32-byte wrapping key Argon2id derives from a password, recovery key or receipt code."""
    return pwhash.argon2id.kdf(
        KEY_SIZE, secret_text.encode(), bytes(salt), opslimit=opslimit, memlimit=memlimit
    )


# --- codes --------------------------------------------------------------------------------------------


def new_receipt():
    """A 16-digit receipt code (about 53 bits), the reporter's only way back in."""
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def normalise_receipt(value):
    return "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if ch.isdigit())


def format_receipt(code):
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_recovery_key():
    """A recovery key of 160 random bits, written as eight groups of base32 letters."""
    raw = base64.b32encode(utils.random(20)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise_recovery_key(value):
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def equal(a, b):
    return hmac.compare_digest(a, b)


# --- time-limited capabilities (a key held in a session or a hidden form field) -----------------------


def capability_wrap(purpose, payload, *, minutes):
    """Encrypt `payload` (JSON) with the server key of `purpose`, valid for `minutes`; a URL-safe str."""
    body = {"until": int(time.time()) + minutes * 60, "data": payload}
    return base64.urlsafe_b64encode(seal_json(server_key(f"cap:{purpose}"), body)).decode()


def capability_open(purpose, token):
    """The payload of a token made by capability_wrap, or None if it is invalid or expired."""
    try:
        body = open_json(server_key(f"cap:{purpose}"), base64.urlsafe_b64decode((token or "").encode()))
    except (DecryptionFailed, ValueError):
        return None
    if body.get("until", 0) < time.time():
        return None
    return body.get("data")


def b64(data):
    return base64.b64encode(bytes(data)).decode()


def unb64(text):
    return base64.b64decode(text.encode())
