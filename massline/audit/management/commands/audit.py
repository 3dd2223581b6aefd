"""`massline audit verify|seal`: check the hash chain, or chain the events not yet sealed."""

import json

from django.core.management.base import BaseCommand, CommandError

from massline.audit.services import audit_seal, audit_verify


class Command(BaseCommand):
    help = "Audit trail: `verify` checks the hash chain and reports the first broken link; `seal` chains new events."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Seal pending events, then check every link of the chain.")
        verify.add_argument(
            "--no-seal", action="store_true", help="Check only; do not seal pending events first."
        )
        verify.add_argument("--json", action="store_true", help="Print the result as one JSON object.")
        sub.add_parser("seal", help="Chain every event not yet sealed.")

    def handle(self, *args, **options):
        if options["action"] == "seal":
            count = audit_seal()
            self.stdout.write(f"Sealed {count} event(s).")
            return
        if not options["no_seal"]:
            audit_seal()
        result = audit_verify()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        elif result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Audit chain intact: {result.checked} event(s) checked, {result.unsealed} not yet sealed."
                )
            )
        else:
            self.stdout.write(
                self.style.ERROR(
                    f"Audit chain BROKEN at seal {result.broken_seq} (event #{result.broken_event_id}): {result.reason}. "
                    f"{result.checked} link(s) before it are intact."
                )
            )
        if not result.ok:
            raise CommandError("audit chain verification failed", returncode=1)
