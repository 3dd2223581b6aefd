"""The privacy scan: every public page, export and open-API answer, crawled as an anonymous visitor,
shows no phone number, ID-card number or e-mail address, and none of the citizens' names.

The public URLs come from the declared access policy (every GET rule that lets "anonymous" in), so a new
public page is scanned as soon as it has its rule. The demands carry personal data in every field a
citizen or an official can write it into (description, address, reply, timeline notes, Open311 fields).
"""

import re

import pytest
from django.test import Client

from massline.cases.choices import CaseType, Channel
from massline.cases.models import Case
from massline.cases.services import handling
from massline.cases.services.intake import case_submit
from massline.lib.access_policy import policy_table
from massline.open311 import services as open311_services

from .test_access_matrix import _url

pytestmark = pytest.mark.django_db

PHONE = re.compile(r"(?<![\d.])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NAMES = ["欧阳明月", "明月", "Alice Zhangsan", "Zhangsan"]
PERSONAL = {
    "欧阳明月": (
        "我是欧阳明月，电话 138-1234-5678，也可以打 +86 139 8765 4321 或 0731-88881234，"
        "邮箱 mingyue.ouyang@example.org，身份证 43010219900307123X。明月"
    ),
    "Alice Zhangsan": "This is Alice Zhangsan, call +86 138 1234 5678 or mail alice@example.com. Zhangsan",
}


def _plant(world):
    """Demands full of personal data through the web form, the desk, the API and Open311."""
    cases = []
    for channel, (name, text) in zip((Channel.WEB, Channel.API), PERSONAL.items(), strict=True):
        cases.append(
            case_submit(
                type=CaseType.COMPLAINT,
                title="路灯坏了 13812345678",
                description=text,
                category=world.category,
                channel=channel,
                address="幸福路12号3栋2单元501室",
                citizen_name=name,
                citizen_phone="13812345678",
                citizen_email="mingyue.ouyang@example.org",
                is_public=True,
            )
        )
    for case in cases:
        case = Case.objects.get(pk=case.pk)
        if case.status == "received":
            handling.case_dispatch(case=case, lead_unit=world.org.unit_a, by=world.users["dispatcher"])
        handling.case_sign(
            case=Case.objects.get(pk=case.pk), unit=world.org.unit_a, by=world.users["officer_a"]
        )
        handling.case_reply(
            case=Case.objects.get(pk=case.pk),
            text=f"已联系{case.citizen.name}（13812345678，mingyue.ouyang@example.org），路灯已修复。",
            by=world.users["officer_a"],
        )
    _key, raw = open311_services.apikey_create(name="privacy-scan")
    return raw


# The one page that must show a citizen's data as held: the copy they asked for, behind a secret link
# sent to their own phone (cases/tests/test_data_requests.py checks it opens only by that link).
OWN_DATA = {"cases_privacy:export"}


def _public_urls(world, api_key):
    urls = set()
    for name, (rule, _module) in policy_table().items():
        if rule.method == "GET" and "anonymous" in rule.allow and name != "admin:*" and name not in OWN_DATA:
            urls.add(_url(name, rule, world))
    for case in Case.objects.filter(is_public=True):
        urls |= {
            f"/demands/public/{case.pk}/",
            f"/demands/track/{case.tracking_code}/",
            f"/api/v1/demands/{case.pk}",
            f"/api/v1/demands/{case.pk}/timeline",
            f"/open311/v2/requests/{case.public_id}.json?extensions=true",
            f"/open311/v2/requests/{case.public_id}.xml?extensions=true",
        }
    urls |= {
        "/api/v1/demands?limit=100",
        "/open311/v2/requests.json?extensions=true",
        "/open311/v2/requests.xml",
        f"/open311/v2/servicerequestupdates.json?api_key={api_key}",
        "/api/v1/statistics",
    }
    return sorted(urls)


def test_no_public_answer_shows_a_phone_an_id_number_an_email_or_a_citizens_name(world):
    api_key = _plant(world)
    client = Client()
    leaks = []
    scanned = 0
    for url in _public_urls(world, api_key):
        response = client.get(url)
        if response.status_code != 200 or response.get("Content-Type", "").startswith(
            ("application/pdf", "application/vnd")
        ):
            continue
        scanned += 1
        # Open-data exports are streamed: read them whole, they are public answers too.
        content = b"".join(response.streaming_content) if response.streaming else response.content
        body = content.decode("utf-8", "replace")
        for label, pattern in (("phone", PHONE), ("ID number", ID_CARD), ("e-mail", EMAIL)):
            leaks += [(url, label, m.group(0)) for m in pattern.finditer(body)]
        leaks += [(url, "name", name) for name in NAMES if name in body]
        leaks += [(url, "house number", "12号3栋") for _ in [1] if "12号3栋" in body]
    assert scanned >= 30, scanned
    assert not leaks, "\n".join(map(str, leaks[:40]))


def test_the_scan_would_see_a_leak():
    """The patterns find what they must (a scan that finds nothing proves nothing otherwise)."""
    text = " ".join(PERSONAL.values())
    assert len(PHONE.findall(text)) == 4 and ID_CARD.search(text) and len(EMAIL.findall(text)) == 2
    assert all(name in text for name in NAMES)
