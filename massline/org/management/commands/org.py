"""`massline org import-regions|export-regions|import-units|export-units`: regions and units as CSV."""

import io
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from massline.lib.errors import DomainError
from massline.org import csv_io


class Command(BaseCommand):
    help = (
        "Import or export regions and handling units as CSV (UTF-8). Imports update existing records by "
        "code and save nothing if any row is wrong."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for noun, columns in (("regions", csv_io.REGION_COLUMNS), ("units", csv_io.UNIT_COLUMNS)):
            importer = sub.add_parser(
                f"import-{noun}",
                help=f"Create or update {noun} from a CSV file with columns {','.join(columns)}.",
            )
            importer.add_argument("file", help="The CSV file to read, or - for standard input.")
            exporter = sub.add_parser(f"export-{noun}", help=f"Write every {noun[:-1]} as CSV.")
            exporter.add_argument(
                "file", nargs="?", default="-", help="The CSV file to write (default: - for standard output)."
            )

    def handle(self, *args, **options):
        action, path = options["action"], options["file"]
        noun = action.split("-", 1)[1]
        if action.startswith("export-"):
            self._export(noun, path)
        else:
            self._import(noun, path)

    def _export(self, noun, path):
        write = csv_io.regions_write_csv if noun == "regions" else csv_io.units_write_csv
        if path == "-":
            buffer = io.StringIO(newline="")
            write(buffer, bom=False)
            self.stdout.write(buffer.getvalue(), ending="")
            return
        try:
            with open(path, "w", encoding="utf-8", newline="") as stream:
                write(stream, bom=True)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        self.stderr.write(_("Wrote %(path)s.") % {"path": path})

    def _import(self, noun, path):
        try:
            data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        load = csv_io.regions_import if noun == "regions" else csv_io.units_import
        try:
            result = load(data=data, by=None)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        label = pgettext("org", "Regions") if noun == "regions" else pgettext("org", "Units")
        self.stdout.write(self.style.SUCCESS(_("%(noun)s: %(result)s.") % {"noun": label, "result": result}))
