"""`massline duplicates backtest REQUESTS_FILE --gold GOLD_FILE [--days N] [--radius M] [--json]`."""

import json

from django.core.management.base import BaseCommand, CommandError

from massline.lib.errors import DomainError

from ...dupbacktest import duplicates_backtest, table_lines


class Command(BaseCommand):
    help = (
        "Duplicates: `backtest REQUESTS --gold GOLD` replays Open311-style requests in time order and, for "
        "each request closed as a duplicate of a named earlier one, ranks the candidates the finder would "
        "show, beside a distance-only baseline."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        bt = sub.add_parser("backtest")
        bt.add_argument("requests")
        bt.add_argument("--gold", required=True, help="CSV with service_request_id and referenced_case_id.")
        bt.add_argument(
            "--days", type=float, default=None, help="Candidate window in days (a setting by default)."
        )
        bt.add_argument("--radius", type=float, default=None, help="Candidate radius in metres.")
        bt.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            result = duplicates_backtest(
                options["requests"], options["gold"], days=options["days"], radius=options["radius"]
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            for line in table_lines(result):
                self.stdout.write(line)
