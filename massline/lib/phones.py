"""Phone numbers in one form: E.164 (+8613812345678), parsed with Google's libphonenumber rules
(the `phonenumbers` package), so "+86 138 1234 5678", "138-1234-5678" and "008613812345678" are one
caller. Numbers without a country code are read in MASSLINE_PHONE_REGION (CN by default)."""

import phonenumbers
from django.conf import settings


def phone_e164(raw, *, region=None):
    """`raw` as E.164, or None when it cannot be a phone number (wrong length for its country, letters).

    Possible, not valid, is the test: a number of a newly opened range must not be refused at intake.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, region or settings.MASSLINE_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_key(raw, *, region=None):
    """The form stored and looked up: E.164 where `raw` parses, else its digits (with a leading +)."""
    raw = (raw or "").strip()
    e164 = phone_e164(raw, region=region)
    if e164:
        return e164
    return ("+" if raw.startswith("+") else "") + "".join(ch for ch in raw if ch.isdigit())
