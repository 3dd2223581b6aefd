"""Security headers on every kind of response, and the CSP rule that no template uses inline code."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PACKAGE = Path(settings.BASE_DIR) / "massline"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/staff/login/", "/staff/", "/no-such-page/"])
def test_responses_carry_the_security_headers(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_echoed(client):
    response = client.get(reverse("web:home"), HTTP_X_REQUEST_ID="lb-7f3a9c21")
    assert response["X-Request-ID"] == "lb-7f3a9c21"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on* event handler attribute"),
    (re.compile(r"\bhx-on", re.I), "an hx-on attribute (needs eval)"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


@pytest.mark.parametrize(
    "template", sorted(PACKAGE.glob("*/templates/**/*.html")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_no_template_uses_inline_script_or_style(template):
    text = template.read_text(encoding="utf-8")
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{template.relative_to(PACKAGE)} has {', '.join(found)}: the CSP blocks it"


def test_htmx_is_vendored_with_its_licence():
    vendor = PACKAGE / "web/static/vendor/htmx"
    assert (vendor / "htmx.min.js").read_text().startswith("var htmx=function()")
    assert "Zero-Clause BSD" in (vendor / "LICENSE").read_text()


@pytest.mark.django_db
def test_frames_and_referrers_are_refused_and_scripts_come_from_the_site_only(client):
    response = client.get(reverse("web:home"))
    csp = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in csp["script-src"]
    assert response["Referrer-Policy"] == "same-origin"


def _production_settings(*names):
    """The values of `names` when the settings load as in production (DEBUG off, a real secret)."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "production-like-secret-key-for-the-header-test-0123456789-abcdefghij",
        "ALLOWED_HOSTS": "massline.example.org",
        "DJANGO_SETTINGS_MODULE": "massline.settings",
    }
    for name in ("SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE"):
        env.pop(name, None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_production_sends_hsts_for_a_year_over_https(client, settings):
    production = _production_settings(
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
    )
    assert production["SECURE_HSTS_SECONDS"] >= 31536000 and production["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert production["SECURE_SSL_REDIRECT"] and production["SESSION_COOKIE_SECURE"]
    settings.SECURE_HSTS_SECONDS = production["SECURE_HSTS_SECONDS"]
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("web:home"), secure=True)
    assert response["Strict-Transport-Security"].startswith(f"max-age={production['SECURE_HSTS_SECONDS']}")


@pytest.mark.django_db
def test_a_staff_session_expires_after_the_configured_hours(client, officer_a, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE == int(settings.MASSLINE_SESSION_HOURS * 3600) > 0
    client.force_login(officer_a)
    assert client.get(reverse("web:staff_home")).status_code == 200
    session = Session.objects.get()
    assert session.expire_date <= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 5)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = client.get(reverse("web:staff_home"))
    assert expired.status_code == 302 and "/login" in expired["Location"]
