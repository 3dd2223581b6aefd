"""`massline restore FILE`: bring a backup back into an empty database, check every table's row count
against the backup's manifest, then verify the audit chain."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from massline.lib.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a `massline backup` file into the (empty) database and MEDIA_ROOT, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="Restore over a database that has data.")

    def handle(self, *args, **options):
        try:
            manifest, counts = backup_restore(options["file"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        wrong = {t: (n, counts.get(t)) for t, n in manifest["counts"].items() if counts.get(t) != n}
        if wrong:
            raise CommandError(f"Row counts differ from the backup (table: backup, restored): {wrong}")
        self.stdout.write(
            f"Restored {len(counts)} tables, {sum(counts.values())} rows (as in the backup), "
            f"{manifest['media_files']} attachment files."
        )
        call_command("audit", "verify", "--no-seal", stdout=self.stdout)
