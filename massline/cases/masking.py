"""Masking of what a demand shows the public: contacts (massline.lib.masking) and exact house numbers.

A street or village may be shown, the door may not: "幸福路12号3栋2单元501室" becomes
"幸福路**号**栋**单元**室",
"No. 12 Main Street" and "12 Main Street" become "No. ** Main Street" and "** Main Street".
"""

import re

from massline.lib.masking import mask_name, mask_text

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


def mask_public(text, *, names=()):
    """Everything the public may not read removed from free text: contacts, house numbers, given names."""
    text = mask_address(mask_text(text))
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2:
            text = text.replace(name, mask_name(name))
    return text
