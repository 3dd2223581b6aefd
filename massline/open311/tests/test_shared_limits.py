"""With CACHE_URL=redis://…, every server process counts a key's requests in the same place, so a key's
limit holds for the whole installation instead of once per process; reference rows stay per process."""

import os
import subprocess
import sys
import time
from urllib.parse import urlencode
from uuid import uuid4

import pytest
from django.conf import settings as django_settings
from django.test import Client

from massline.cases.models import Case
from massline.open311 import services
from massline.open311.models import ApiKey

REDIS_URL = os.environ.get("MASSLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def shared_cache(settings):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("MASSLINE_REQUIRE_REDIS") == "1":
            pytest.fail(f"no Redis answers at {REDIS_URL} and MASSLINE_REQUIRE_REDIS=1: {exc}")
        pytest.skip(f"no Redis answers at {REDIS_URL} (set MASSLINE_TEST_REDIS_URL)")
    prefix = f"massline-test-{uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def post(raw):
    body = urlencode(
        {"api_key": raw, "service_code": "potholes", "lat": "28.2", "long": "112.95", "attribute[depth]": "3"}
    )
    return Client().post("/open311/v2/requests.json", body, content_type=FORM)


def test_a_keys_requests_are_counted_in_the_shared_cache(shared_cache, catalogue):
    redis_client, prefix = shared_cache
    key, raw = services.apikey_create(name="shared-limit", rate_limit_per_minute=2)
    if time.time() % 60 > 57:  # the three requests must fall in one minute's window
        time.sleep(60 - time.time() % 60 + 0.1)
    assert post(raw).status_code == 201
    assert post(raw).status_code == 201
    # Another process reading Redis sees this one's two requests ...
    counters = [k.decode() for k in redis_client.scan_iter(f"{prefix}:*rate:open311:{key.pk}:*")]
    assert len(counters) == 1 and int(redis_client.get(counters[0])) == 2
    # ... and so the third, wherever it arrives, is over the limit.
    response = post(raw)
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert Case.objects.count() == 2
    # The key itself is a reference row kept by this process, never a network round trip.
    assert not list(redis_client.scan_iter(f"{prefix}:*open311:key:*"))
    assert ApiKey.objects.filter(pk=key.pk).exists()


def test_an_unreachable_shared_cache_counts_nothing_and_refuses_nothing(settings, catalogue, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    _key, raw = services.apikey_create(name="during-an-outage", rate_limit_per_minute=1)
    assert post(raw).status_code == 201
    assert post(raw).status_code == 201  # over the limit of 1, but nothing could count it
    assert Case.objects.count() == 2
    assert "rate-limit cache unavailable" in caplog.text


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache 0.5"),
        ("redis://127.0.0.1:6379/1?socket_timeout=2", "django.core.cache.backends.redis.RedisCache 2"),
        ("locmemcache://", "django.core.cache.backends.locmem.LocMemCache -"),
    ],
)
def test_cache_url_chooses_the_shared_cache_with_short_timeouts(url, backend):
    show = (
        "from django.conf import settings; c = settings.CACHES['default']; "
        "print(c['BACKEND'], c.get('OPTIONS', {}).get('socket_timeout', '-'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", show],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "massline.settings", "CACHE_URL": url, "DEBUG": "true"},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=True,
    )
    assert out.stdout.strip() == backend


@pytest.mark.parametrize("url", ["foo://somewhere", "filecache:///tmp/massline-cache"])
def test_a_wrong_cache_url_stops_start_up_naming_the_variable(url):
    out = subprocess.run(
        [sys.executable, "-m", "massline.cli", "check"],
        env={**os.environ, "CACHE_URL": url, "DEBUG": "true"},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    assert out.returncode == 2
    assert "CACHE_URL" in out.stderr and "redis://" in out.stderr
    assert "Traceback" not in out.stderr
