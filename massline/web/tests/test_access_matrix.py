"""The access-control matrix: every URL pattern and API operation × every persona, against the one
declared policy (massline/lib/access_policy.py and each app's tests/access_policy.py). A URL pattern
without a rule fails the suite, so a new page cannot escape the policy."""

import json

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from massline.api.auth import token_create
from massline.lib.access_policy import PERSONAS, policy_table

pytestmark = pytest.mark.django_db


def url_names(patterns=None, namespace=""):
    """Every named (or unnamed: "ns:") URL pattern, as "namespace:name"; the admin site counts as one."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner == "admin":
                yield "admin:*"
                continue
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from url_names(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            yield f"{namespace}:{name}" if namespace else name


def test_every_url_pattern_has_a_rule():
    table = policy_table()
    missing = sorted(set(url_names()) - set(table))
    assert not missing, (
        f"URL patterns without an access rule (add them to <app>/tests/access_policy.py): {missing}"
    )
    stale = sorted(set(table) - set(url_names()))
    assert not stale, f"rules for URL names that do not exist: {stale}"


def _url(name, rule, world):
    kwargs = world.samples[rule.kwargs] if isinstance(rule.kwargs, str) else (rule.kwargs or {})
    if name == "admin:*":
        return reverse("admin:index")
    if name.endswith(":"):
        return (
            {"cases_public:": "/demands/"}[name]
            if not kwargs
            else reverse("open311:discovery", kwargs={"fmt": "json"}).replace(
                "discovery.json", kwargs["path"]
            )
        )
    return reverse(name, kwargs=kwargs)


def _let_in(response):
    if response.status_code in (401, 403, 404):
        return False
    return not (response.status_code == 302 and "/login" in response.get("Location", ""))


def _client(persona, world, *, api):
    if persona == "anonymous":
        return Client(), {}
    user = world.users[persona]
    if api:
        _token, raw = token_create(user=user, name="matrix")
        return Client(), {"Authorization": f"Bearer {raw}"}
    client = Client()
    client.force_login(user)
    return client, {}


def test_every_persona_gets_what_the_policy_says_on_every_url(world, settings):
    settings.MASSLINE_API_RATE_LIMIT = 0
    settings.MASSLINE_PUBLIC_SUBMIT_RATE = 0
    settings.MASSLINE_PUBLIC_RATING_RATE = 0
    wrong = []
    for name, (rule, _module) in sorted(policy_table().items()):
        url = _url(name, rule, world)
        for persona in PERSONAS:
            client, headers = _client(persona, world, api=rule.api)
            if rule.method == "GET":
                response = client.get(url, headers=headers)
            elif rule.api:
                response = client.post(
                    url, json.dumps(rule.data), content_type="application/json", headers=headers
                )
            else:
                response = client.post(url, rule.data, headers=headers)
            if _let_in(response) != (persona in rule.allow):
                wrong.append(
                    (name, persona, response.status_code, "let in" if _let_in(response) else "refused")
                )
    assert not wrong, "\n".join(map(str, wrong))
