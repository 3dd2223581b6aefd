"""`massline appraisal refresh` and `massline appraisal reproduce-boston2015 FILE [--json] [--limit N]`."""

import json

from django.core.management.base import BaseCommand, CommandError

from massline.lib.errors import DomainError

from ...boston import reproduce_boston2015
from ...services import appraisal_refresh


def _pct(value):
    return "—" if value is None else f"{100 * value:.1f} %"


class Command(BaseCommand):
    help = (
        "Appraisal: `refresh` recomputes every demand's facts and the monthly rollups; "
        "`reproduce-boston2015 FILE` compares Massline's on-time share with the City of Boston's own."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("refresh", help="Recompute the facts of every demand and all monthly rollups.")
        boston = sub.add_parser(
            "reproduce-boston2015", help="Import Boston's 2015 cases and compare on-time shares."
        )
        boston.add_argument("file")
        boston.add_argument("--json", action="store_true")
        boston.add_argument("--limit", type=int, default=None, help="Read only the first N rows.")

    def handle(self, *args, **options):
        try:
            if options["action"] == "refresh":
                self.stdout.write(f"{appraisal_refresh()} rollup rows written")
                return
            result = reproduce_boston2015(options["file"], limit=options["limit"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
            return
        self.stdout.write(
            f"{result['file']}: {result['rows_read']} rows read, {result['rows_loaded']} loaded, "
            f"rejected {result['rows_rejected'] or 0}"
        )
        self.stdout.write(
            f"{'department':<12} {'rows':>7} {'Massline':>9} {'city':>9} {'no target':>9} {'open':>7} "
            f"{'differ':>7}"
        )
        for d in result["departments"]:
            self.stdout.write(
                f"{d['department'][:12]:<12} {d['rows']:>7} {_pct(d['massline_on_time_share']):>9} "
                f"{_pct(d['city_on_time_share']):>9} {d['no_target']:>9} {d['open_not_due']:>7} "
                f"{d['counted_differently']:>7}"
            )
        self.stdout.write(
            f"{'total':<12} {result['rows_loaded']:>7} {_pct(result['massline_on_time_share']):>9} "
            f"{_pct(result['city_on_time_share']):>9} {result['no_target']:>9} {result['open_not_due']:>7} "
            f"{result['counted_differently']:>7}"
        )
        self.stdout.write(
            "open: rows still open and not past a target at the end of the data (ONTIME for the city, "
            "outside Massline's denominator until they close or pass their target); differ: the city's flag "
            "disagrees with the times (closed after the target but ONTIME, or the reverse); closed rows with "
            "no target count on time for both."
        )
