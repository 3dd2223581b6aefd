"""`massline org import-regions|export-regions|import-units|export-units`: regions and units as CSV;
`import-boundaries|export-boundaries`: region boundaries as GeoJSON."""

import io
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from massline.lib.errors import DomainError
from massline.org import csv_io, geojson_io


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
        boundaries = sub.add_parser(
            "import-boundaries",
            help="Set region boundaries from a GeoJSON FeatureCollection of Polygons/MultiPolygons (WGS 84) "
            "whose features name a region by a code/adcode/region_code property (or id) or a name/name_en.",
        )
        boundaries.add_argument("file", help="The GeoJSON file to read, or - for standard input.")
        boundaries.add_argument(
            "--ignore-unknown",
            action="store_true",
            help="Skip features that name no region (a larger area's file) instead of refusing the file.",
        )
        exporter = sub.add_parser("export-boundaries", help="Write every region boundary as GeoJSON.")
        exporter.add_argument("file", nargs="?", default="-", help="The file to write (default: -).")

    def handle(self, *args, **options):
        action, path = options["action"], options["file"]
        if action == "import-boundaries":
            self._import_boundaries(path, ignore_unknown=options["ignore_unknown"])
            return
        if action == "export-boundaries":
            self._export_boundaries(path)
            return
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

    def _read(self, path):
        try:
            return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc

    def _import_boundaries(self, path, *, ignore_unknown):
        data = self._read(path)
        try:
            result = geojson_io.boundaries_import(data=data, by=None, ignore_unknown=ignore_unknown)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(_("Boundaries: %(result)s.") % {"result": result}))

    def _export_boundaries(self, path):
        text = json.dumps(geojson_io.boundaries_feature_collection(), ensure_ascii=False)
        if path == "-":
            self.stdout.write(text)
            return
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        self.stderr.write(_("Wrote %(path)s.") % {"path": path})

    def _import(self, noun, path):
        data = self._read(path)
        load = csv_io.regions_import if noun == "regions" else csv_io.units_import
        try:
            result = load(data=data, by=None)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        label = pgettext("org", "Regions") if noun == "regions" else pgettext("org", "Units")
        self.stdout.write(self.style.SUCCESS(_("%(noun)s: %(result)s.") % {"noun": label, "result": result}))
