"""Hostile requests the whole site must refuse: a POST without its CSRF token on any URL pattern (the
token-authenticated JSON API and Open311 excepted, docs/api.md and docs/open311.md), and redirects to
another site through `next=`."""

import pytest
from django.test import Client
from django.urls import reverse

from massline.audit.models import AuditEvent
from massline.lib.access_policy import policy_table

from .test_access_matrix import _url

pytestmark = pytest.mark.django_db

# Authenticated by a bearer token or an API key, never by a cookie: CSRF cannot ride on them.
TOKEN_AUTHENTICATED = ("api:", "open311:")


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(world, settings):
    settings.MASSLINE_PUBLIC_SUBMIT_RATE = 0
    settings.MASSLINE_PUBLIC_RATING_RATE = 0
    events = AuditEvent.objects.count()
    anonymous = Client(enforce_csrf_checks=True)
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(world.users["admin_user"])
    officer = Client(enforce_csrf_checks=True)
    officer.force_login(world.users["officer_a"])
    accepted, checked = [], 0
    for name, (rule, _module) in sorted(policy_table().items()):
        if name.startswith(TOKEN_AUTHENTICATED) or name.endswith(":") and name != "cases_public:":
            continue
        url = _url(name, rule, world)
        data = rule.data or {"text": "x"}
        for label, client in (("anonymous", anonymous), ("admin", admin), ("officer_a", officer)):
            response = client.post(url, data)
            checked += 1
            refused_by_csrf = "403_csrf.html" in [t.name for t in response.templates]
            if response.status_code != 403 or not refused_by_csrf:
                accepted.append((name, url, label, response.status_code))
    assert checked > 300, checked
    assert not accepted, "\n".join(map(str, accepted))
    assert AuditEvent.objects.count() == events


def test_the_api_and_open311_are_not_cookie_authenticated(world):
    """Why they may skip CSRF: a signed-in browser session gives them nobody (a forged form gets 401)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin_user"])
    response = client.get("/api/v1/staff/demands")
    assert response.status_code == 401


OFF_SITE = [
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_sends_an_official_off_site(world, target):
    user = world.users["officer_a"]
    user.set_password("a-long-enough-password-1")
    user.save()
    response = Client().post(
        f"{reverse('web:login')}?next={target}",
        {"username": user.username, "password": "a-long-enough-password-1", "next": target},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "evil" not in location and "javascript" not in location


def test_login_follows_a_next_on_the_site(world):
    user = world.users["officer_a"]
    user.set_password("a-long-enough-password-1")
    user.save()
    response = Client().post(
        reverse("web:login"),
        {"username": user.username, "password": "a-long-enough-password-1", "next": "/staff/demands/"},
    )
    assert response["Location"] == "/staff/demands/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_never_sends_anyone_off_site(target):
    response = Client().post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/", response["Location"]
    referred = Client().post(reverse("set_language"), {"language": "en"}, HTTP_REFERER=target)
    assert referred["Location"] == "/", referred["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_logout_never_sends_anyone_off_site(world, target):
    client = Client()
    client.force_login(world.users["officer_a"])
    response = client.post(f"{reverse('web:logout')}?next={target}", {"next": target})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")) and "evil" not in location
