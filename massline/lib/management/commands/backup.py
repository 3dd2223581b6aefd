"""`massline backup FILE`: the database and the attachments in one tar file, with row counts."""

from django.core.management.base import BaseCommand, CommandError

from massline.lib.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's backup API) and MEDIA_ROOT into one tar file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The tar file to write, e.g. massline-2026-12-03.tar")

    def handle(self, *args, **options):
        try:
            manifest = backup_create(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"{options['file']}: {manifest['vendor']}, {len(manifest['counts'])} tables, {rows} rows, "
            f"{manifest['media_files']} attachment files"
        )
