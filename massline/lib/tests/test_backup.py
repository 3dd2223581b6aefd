"""`massline backup` then `massline restore` into an empty database of the same kind: every table's row
count comes back, the attachments too, and `massline audit verify` passes on the restored database."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from massline.audit.models import AuditEvent
from massline.audit.services import audit_seal
from massline.cases.choices import CaseType
from massline.cases.models import Attachment, Case
from massline.cases.services.intake import case_submit
from massline.lib.backup import backup_create

pytestmark = pytest.mark.django_db(transaction=True)


def _massline(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "massline", *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def _data(org):
    for n in range(3):
        case = case_submit(
            type=CaseType.HELP, title=f"路灯 {n}", description="坏了", citizen_phone="13812345678"
        )
    Attachment.objects.create(
        case=case,
        file=ContentFile(b"\x89PNG photo", name="photo.png"),
        original_name="photo.png",
        content_type="image/png",
        size=10,
    )
    audit_seal()


def _target_database(tmp_path):
    """A new, empty database of the kind the tests run on, and the DATABASE_URL naming it."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
    db = connection.settings_dict
    name = f"massline_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}", name


def test_a_backup_restores_into_an_empty_database_with_every_row_and_a_verified_chain(org, tmp_path, media):
    _data(org)
    backup = tmp_path / "massline.tar"
    manifest = backup_create(backup)
    assert manifest["counts"]["cases.case"] == Case.objects.count() == 3
    assert manifest["counts"]["audit.auditevent"] == AuditEvent.objects.count() > 3
    assert manifest["media_files"] == 1
    url, pg_name = _target_database(tmp_path)
    restored_media = tmp_path / "restored-media"
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(restored_media), "DEBUG": "true"}
    try:
        if connection.vendor == "sqlite":
            assert _massline("migrate", "-v", "0", env=env).returncode == 0  # an empty, migrated database
        restored = _massline("restore", str(backup), env=env)
        assert restored.returncode == 0, restored.stderr + restored.stdout
        assert "as in the backup" in restored.stdout
        verify = _massline("audit", "verify", "--no-seal", "--json", env=env)
        result = json.loads(verify.stdout.strip().splitlines()[-1])
        assert (
            verify.returncode == 0
            and result["ok"]
            and result["checked"] == manifest["counts"]["audit.auditevent"]
        )
        assert len(list(restored_media.rglob("*.png"))) == 1
        again = _massline("restore", str(backup), env=env)
        assert again.returncode != 0 and "not empty" in again.stderr
    finally:
        if pg_name:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar"
    import tarfile

    with tarfile.open(bogus, "w"):
        pass
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    refused = _massline("restore", str(bogus), env=env)
    assert refused.returncode != 0 and "not a Massline backup" in refused.stderr
    assert settings.MEDIA_ROOT
