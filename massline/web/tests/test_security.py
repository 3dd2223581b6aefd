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
