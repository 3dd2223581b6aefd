"""API keys: issued once from the command line, stored as a SHA-256 digest, revoked by name."""

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from massline.audit.models import AuditEvent
from massline.open311 import selectors
from massline.open311.models import ApiKey


def run(*args):
    out = io.StringIO()
    call_command("open311", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_keys_create_prints_the_key_once_and_stores_only_its_digest():
    raw = json.loads(run("keys", "create", "fixmystreet", "--json"))["api_key"]
    key = ApiKey.objects.get(name="fixmystreet")
    assert len(raw) >= 40
    assert key.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {key.prefix, key.digest, key.name, key.contact}
    assert selectors.apikey_find(raw) == key
    assert selectors.apikey_find(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert selectors.apikey_find(raw[:10]) is None
    assert AuditEvent.objects.filter(action="open311.key.create", object_id=str(key.pk)).exists()


@pytest.mark.django_db
def test_a_client_has_one_active_key_and_revoking_frees_the_name():
    first = json.loads(run("keys", "create", "fms", "--json"))["api_key"]
    with pytest.raises(CommandError, match="massline open311 keys revoke fms"):
        run("keys", "create", "fms", "--json")
    assert "fms" in run("keys", "revoke", "fms")
    assert selectors.apikey_find(first) is None
    second = json.loads(run("keys", "create", "fms", "--json"))["api_key"]
    assert selectors.apikey_find(second).name == "fms"
    assert ApiKey.objects.filter(name="fms").count() == 2
    with pytest.raises(CommandError):
        run("keys", "revoke", "nobody")
