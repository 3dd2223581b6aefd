"""`massline import-cases FILE --format open311|teddy|boston2015 [--limit N]`: load historical demands."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError

from ...services.imports import FORMATS, import_cases


class Command(BaseCommand):
    help = (
        "Load historical demands from a CSV file (Boston Open311 requests, the Teddy Cup messages, the "
        "Boston 2015 case export) with their real timestamps, status and category. Safe to re-run: demands "
        "already loaded are skipped. Prints what was loaded and what was rejected, and why."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (.csv or .csv.gz).")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--limit", type=int, default=None, help="Stop after this many rows.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, **options):
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError(_("--limit must be a positive number of rows."))
        try:
            summary = import_cases(
                options["file"],
                fmt=options["fmt"],
                limit=options["limit"],
                progress=not options["no_progress"],
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        for line in summary.lines():
            self.stdout.write(line)
