"""Masking of personal data for public pages, exports and the open API: the one place that knows what
a phone number, an e-mail address, an ID-card number, a house number and a name look like, in Chinese
and English. `mask_public` is the function every public page, export and open API applies to free text;
the mask_* helpers show one known field masked (the admin, the staff page of someone without the role).

A street or village may be shown, the door may not: "幸福路12号3栋2单元501室" becomes
"幸福路**号**栋**单元**室", "No. 12 Main Street" and "12 Main Street" become "No. ** Main Street" and
"** Main Street".
"""

import re

import phonenumbers

_PHONE = re.compile(r"(?<!\d)(\+?\d[\d\- ]{6,}\d)(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


HIDDEN = "**"

# A number followed by a house-level suffix: 号 (door number; not 号线, a metro line), 栋/幢/座 (building),
# 单元 (entrance), 室/户 (flat).
_CN_HOUSE = re.compile(r"[0-9０-９]+(?:[-－—][0-9０-９]+)*(?=\s*(?:号(?!线)|栋|幢|座|单元|室|户))")
# "门牌号 12", "门牌：12-3".
_CN_DOOR_PLATE = re.compile(r"(门牌号?\s*[:：]?\s*)[0-9０-９]+(?:[-－][0-9０-９]+)*")
# "No. 12", "No 12", "no.12-3".
_EN_NO = re.compile(r"\b(No\.?\s*)\d+[A-Za-z]?(?:-\d+)*", re.IGNORECASE)
# "#12", "#12-3".
_HASH = re.compile(r"#\s*\d+[A-Za-z]?(?:-\d+)*")
# "Apt 4B", "Flat 3", "Unit 12", "Suite 200", "Room 301" — the flat inside a building.
_EN_FLAT = re.compile(r"\b((?:Apt|Apartment|Flat|Unit|Suite|Ste|Room|Rm)\.?\s*)\d+[A-Za-z]?\b", re.IGNORECASE)
_STREET_WORDS = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Way|Boulevard|Blvd|Place|Pl|Court|Ct|Terrace|Ter|"
    r"Square|Sq|Highway|Hwy|Parkway|Pkwy|Circle|Cir|Row|Wharf|Park"
)
# "12 Main Street", "12-14 Green St", "1234A Washington St": the house number before a street name.
_EN_HOUSE = re.compile(
    r"\b\d+[A-Za-z]?(?:-\d+[A-Za-z]?)?(?=\s+(?:[A-Z][\w'.-]*\s+){1,4}(?:" + _STREET_WORDS + r")\b\.?)"
)


def mask_address(text):
    """Replace exact house, building and flat numbers in `text`; streets, villages and districts stay."""
    text = text or ""
    text = _CN_DOOR_PLATE.sub(lambda m: m.group(1) + HIDDEN, text)
    text = _CN_HOUSE.sub(HIDDEN, text)
    text = _EN_NO.sub(lambda m: m.group(1) + HIDDEN, text)
    text = _HASH.sub("#" + HIDDEN, text)
    text = _EN_FLAT.sub(lambda m: m.group(1) + HIDDEN, text)
    return _EN_HOUSE.sub(HIDDEN, text)


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


def _name_variants(name):
    """The ways a known name shows up in free text: in full, the given name alone (三丰 of 张三丰, 明月 of
    欧阳明月), each part of an English name (Alice, Zhangsan of "Alice Zhangsan"). Longest first."""
    name = (name or "").strip()
    if len(name) < 2:
        return []
    variants = [name]
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        # The given name after a one- or (欧阳, 司马 …) two-character surname.
        variants += [name[cut:] for cut in (1, 2) if len(name) - cut >= 2]
    else:
        variants += [part for part in name.split() if len(part) >= 3]
    return sorted(set(variants), key=len, reverse=True)


def mask_public(text, *, names=()):
    """Everything the public may not read removed from free text: phone numbers, e-mail addresses,
    ID-card numbers, house numbers, and the given `names` (the citizen's own, in every form)."""
    text = mask_address(mask_text(text))
    for name in names:
        for variant in _name_variants(name):
            if variant.isascii():
                text = re.sub(rf"\b{re.escape(variant)}\b", mask_name(variant), text, flags=re.IGNORECASE)
            else:
                text = text.replace(variant, mask_name(variant))
    return text
