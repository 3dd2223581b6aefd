"""Backup and restore of a whole installation: the database (PostgreSQL with pg_dump/pg_restore, SQLite
with its online backup API) and the attachments (MEDIA_ROOT), in one tar file with a manifest of the
row count of every table, so that a restore can prove it brought everything back.

Used by `massline backup` and `massline restore` (docs/operations.md).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


def table_counts():
    """{app_label.model: rows} of every model with a table of its own."""
    counts = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.managed and not meta.proxy:
            counts[meta.label_lower] = model._default_manager.count()
    return dict(sorted(counts.items()))


def _pg_env(db):
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db):
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def _run(command, env=None):
    try:
        # An argument list built from the settings, no shell: nothing a user typed reaches it.
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed: install the PostgreSQL client tools.") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def backup_create(target):
    """Write the backup tar file `target`; returns the manifest."""
    db = connection.settings_dict
    target = Path(target)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if connection.vendor == "postgresql":
            dump = work / "database.pgdump"
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "-f", str(dump), *_pg_args(db), db["NAME"]],
                _pg_env(db),
            )
        elif connection.vendor == "sqlite":
            dump = work / "database.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(dump)
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
        else:
            raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
        manifest = {
            "format": FORMAT,
            "vendor": connection.vendor,
            "created_at": timezone.now().isoformat(),
            "database": dump.name,
            "counts": table_counts(),
            "media_files": 0,
        }
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(target, "w") as tar:
            tar.add(dump, arcname=dump.name)
            if media.is_dir():
                for path in sorted(media.rglob("*")):
                    if path.is_file():
                        tar.add(path, arcname=f"media/{path.relative_to(media)}")
                        manifest["media_files"] += 1
            (work / "manifest.json").write_text(json.dumps(manifest, indent=1))
            tar.add(work / "manifest.json", arcname="manifest.json")
    return manifest


def _read_manifest(tar):
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except KeyError as exc:
        raise BackupError("This file has no manifest.json: it is not a Massline backup.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')} is not format {FORMAT}.")
    return manifest


def _database_is_empty():
    """No tables, or only what migrations seed: every change people make writes an audit event."""
    if "audit_auditevent" not in connection.introspection.table_names():
        return True
    return not apps.get_model("audit", "AuditEvent").objects.exists()


def backup_restore(source, *, force=False):
    """Restore the backup `source` into the configured database (which must be empty unless `force`)
    and MEDIA_ROOT; returns (manifest, counts after the restore)."""
    db = connection.settings_dict
    with tarfile.open(source, "r") as tar, tempfile.TemporaryDirectory() as work:
        manifest = _read_manifest(tar)
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"This is a {manifest['vendor']} backup; DATABASE_URL names a {connection.vendor} database."
            )
        if not force and not _database_is_empty():
            raise BackupError("The database is not empty: restore into an empty database (or pass --force).")
        tar.extractall(work, filter="data")
        work = Path(work)
        dump = work / manifest["database"]
        if connection.vendor == "postgresql":
            connection.close()
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--clean",
                    "--if-exists",
                    "-d",
                    db["NAME"],
                    *_pg_args(db),
                    str(dump),
                ],
                _pg_env(db),
            )
        else:
            connection.close()
            backup, live = sqlite3.connect(dump), sqlite3.connect(db["NAME"])
            try:
                backup.backup(live)
            finally:
                backup.close()
                live.close()
        media_from = work / "media"
        if media_from.is_dir():
            media = Path(settings.MEDIA_ROOT)
            media.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media_from, media, dirs_exist_ok=True)
    connection.close()
    return manifest, table_counts()
