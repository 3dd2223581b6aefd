"""Masking of personal data for public pages, exports and the open API."""

import re

import phonenumbers

_PHONE = re.compile(r"(?<!\d)(\+?\d[\d\- ]{6,}\d)(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def mask_name(name):
    """张三丰 -> 张**; John Smith -> J*** S****."""
    name = (name or "").strip()
    if not name:
        return ""
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return name[0] + "*" * (len(name) - 1)
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())


def _national_digits(phone):
    """The digits of `phone` without its country code when it is written in E.164 (+8613812345678)."""
    phone = (phone or "").strip()
    if phone.startswith("+"):
        try:
            number = phonenumbers.parse(phone, None)
        except phonenumbers.NumberParseException:
            pass
        else:
            return str(number.national_number)
    return re.sub(r"\D", "", phone)


def mask_phone(phone):
    """13812345678 and +8613812345678 -> 138****5678; short numbers keep only their last two digits."""
    digits = _national_digits(phone)
    head = 3 if len(digits) >= 11 else 0
    tail = 4 if len(digits) >= 7 else 2
    if len(digits) <= tail:
        return "*" * len(digits)
    return digits[:head] + "*" * (len(digits) - head - tail) + digits[-tail:]


def mask_email(email):
    """alice@example.org -> a***@example.org."""
    local, _, domain = (email or "").partition("@")
    if not domain:
        return ""
    return f"{local[:1]}***@{domain}"


def mask_text(text):
    """Replace phone numbers, e-mail addresses and ID-card numbers found in free text."""
    text = _ID_CARD.sub("[身份证号/ID number]", text or "")
    text = _EMAIL.sub("[邮箱/e-mail]", text)
    return _PHONE.sub(
        lambda m: "[电话/phone]" if sum(c.isdigit() for c in m.group(1)) >= 7 else m.group(1), text
    )
