"""Every catalog of every app is complete, up to date and actually used; pages follow the reader's language.

The catalogs are massline/<app>/locale/zh_Hans/LC_MESSAGES/django.po (English is the source language).
"""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

PACKAGE = Path(settings.BASE_DIR) / "massline"
CATALOGS = sorted(PACKAGE.glob("*/locale/*/LC_MESSAGES/django.po"))
STATISTICS = re.compile(r"(\d+) (translated|fuzzy|untranslated)")

needs_msgfmt = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed"
)


def _name(path):
    return str(path.relative_to(PACKAGE))


def _compile(po, tmp_path):
    """The catalog compiled with msgfmt --check, loaded as a GNUTranslations object."""
    mo = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(mo), str(po)], capture_output=True, text=True
    )
    return result, mo


def test_the_web_catalog_exists():
    assert PACKAGE / "web/locale/zh_Hans/LC_MESSAGES/django.po" in CATALOGS


@needs_msgfmt
@pytest.mark.parametrize("po", CATALOGS, ids=_name)
def test_every_message_is_translated_and_none_is_fuzzy(po, tmp_path):
    result, _mo = _compile(po, tmp_path)
    assert result.returncode == 0, result.stderr
    counts = {kind: int(n) for n, kind in STATISTICS.findall(result.stderr)}
    assert counts.get("translated", 0) > 0, result.stderr
    assert counts.get("fuzzy", 0) == 0, f"{_name(po)}: {result.stderr.strip()}"
    assert counts.get("untranslated", 0) == 0, f"{_name(po)}: {result.stderr.strip()}"


@needs_msgfmt
@pytest.mark.parametrize("po", CATALOGS, ids=_name)
def test_the_catalog_holds_every_string_of_its_app(po, tmp_path):
    """makemessages on a copy of the app finds no string the committed catalog lacks."""
    app_dir = po.parents[3]
    language = po.parents[1].name
    copy = tmp_path / app_dir.name
    shutil.copytree(app_dir, copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command("makemessages", locale=[language], verbosity=0, no_obsolete=True)
    refreshed = copy / "locale" / language / "LC_MESSAGES" / "django.po"
    missing = _msgids(refreshed) - _msgids(po)
    assert not missing, f"{_name(po)} lacks {sorted(missing)}: run makemessages in massline/{app_dir.name}/"


def _msgids(po):
    """The (context, msgid) pairs of a catalog, obsolete entries and the header left out."""
    text = subprocess.run(
        ["msgcat", "--no-wrap", "--no-location", str(po)], capture_output=True, text=True, check=True
    ).stdout
    entries, context = set(), ""
    for line in text.splitlines():
        if line.startswith("msgctxt "):
            context = ast.literal_eval(line[len("msgctxt ") :])
        elif line.startswith("msgid "):
            msgid = ast.literal_eval(line[len("msgid ") :])
            if msgid:
                entries.add((context, msgid))
            context = ""
    return entries


@needs_msgfmt
@pytest.mark.parametrize("po", CATALOGS, ids=_name)
def test_no_other_catalog_overrides_these_translations(po, tmp_path):
    """What a page shows is this catalog's translation, not Django's or another app's for the same text.

    Catalogs of apps listed earlier in INSTALLED_APPS (Django's admin first) win for the same msgid; give
    the message a context (pgettext, {% translate ... context ... %}) to keep the app's own wording.
    """
    result, mo = _compile(po, tmp_path)
    assert result.returncode == 0, result.stderr
    with open(mo, "rb") as handle:
        own = gettext.GNUTranslations(handle)
    language = translation.to_language(po.parents[1].name)
    shadowed = []
    with translation.override(language):
        for key, expected in own._catalog.items():
            if key == "" or (isinstance(key, tuple) and key[0] == ""):
                continue
            msgid = key[0] if isinstance(key, tuple) else key
            context, _sep, text = msgid.rpartition("\x04")
            if isinstance(key, tuple):
                if key[1] != 0:
                    continue
                actual = (
                    translation.npgettext(context, text, text, 1)
                    if context
                    else translation.ngettext(text, text, 1)
                )
            else:
                actual = translation.pgettext(context, text) if context else translation.gettext(text)
            if actual != expected:
                shadowed.append(f"{text!r}: page shows {actual!r}, catalog says {expected!r}")
    assert not shadowed, f"{_name(po)} (is `make messages` done?):\n" + "\n".join(shadowed)


EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "known", "foreign"),
    [(EN, "What you can do", "您可以"), (ZH, "您可以", "What you can do")],
)
def test_the_public_home_follows_the_browser_language(client, headers, known, foreign):
    html = client.get(reverse("web:home"), **headers).content.decode()
    assert known in html
    assert foreign not in html


@pytest.mark.parametrize(
    ("cookie", "known", "foreign"),
    [("en", "Your roles", "您的角色"), ("zh-hans", "您的角色", "Your roles")],
)
def test_the_staff_home_follows_the_language_cookie_over_the_browser(
    client_for, officer_a, cookie, known, foreign
):
    client = client_for(officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    other = ZH if cookie == "en" else EN
    html = client.get(reverse("web:staff_home"), **other).content.decode()
    assert known in html
    assert foreign not in html


@pytest.mark.django_db
def test_the_language_switch_sets_the_cookie_and_returns_to_the_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/staff/login/"}, **ZH)
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/staff/login/", **ZH).content.decode()
    assert "Staff sign-in" in html
    assert '<html lang="en">' in html


@pytest.mark.django_db
def test_every_page_offers_both_languages_and_posts_the_current_path(client):
    html = client.get(reverse("web:login") + "?next=/staff/", **EN).content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert 'name="next" value="/staff/login/?next=/staff/"' in html
    assert 'value="zh-hans" lang="zh-hans" aria-pressed="false">简体中文</button>' in html
    assert 'value="en" lang="en" aria-pressed="true" class="current">English</button>' in html
