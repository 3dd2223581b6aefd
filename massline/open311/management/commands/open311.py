"""`massline open311 keys create NAME [--json]` and `massline open311 keys revoke NAME`."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError
from massline.open311 import services


class Command(BaseCommand):
    help = (
        "Issue and revoke Open311 API keys. A key is printed once, when it is created; only its hash is kept."
    )

    def add_arguments(self, parser):
        nouns = parser.add_subparsers(dest="noun", required=True)
        keys = nouns.add_parser("keys", help="Open311 client keys.").add_subparsers(
            dest="action", required=True
        )
        create = keys.add_parser("create", help="Issue a key for the client NAME and print it once.")
        create.add_argument("name", help="The client, e.g. fixmystreet-demo-county.")
        create.add_argument("--contact", default="", help="Who runs the client (e-mail or phone).")
        create.add_argument(
            "--rate-limit",
            type=int,
            default=None,
            help="Requests per minute (default: MASSLINE_OPEN311_RATE_LIMIT).",
        )
        create.add_argument("--json", action="store_true", help='Print {"api_key": "…"} only.')
        revoke = keys.add_parser("revoke", help="Revoke the active key of the client NAME.")
        revoke.add_argument("name")

    def handle(self, *args, **options):
        try:
            if options["action"] == "create":
                if options["rate_limit"] is not None and options["rate_limit"] < 0:
                    raise CommandError(_("--rate-limit must be 0 (no limit) or more."))
                key, raw = services.apikey_create(
                    name=options["name"],
                    contact=options["contact"],
                    rate_limit_per_minute=options["rate_limit"],
                )
                if options["json"]:
                    self.stdout.write(json.dumps({"api_key": raw}))
                else:
                    self.stdout.write(
                        _("Open311 key for %(name)s (shown only now, store it in the client): %(key)s")
                        % {"name": key.name, "key": raw}
                    )
            else:
                key = services.apikey_revoke(name=options["name"])
                self.stdout.write(_("Revoked the key of %(name)s.") % {"name": key.name})
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
