"""`massline audit verify|seal`: check the hash chain, or chain the events not yet sealed."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from massline.audit.services import audit_seal, audit_verify


class Command(BaseCommand):
    help = (
        "Audit trail: `verify` checks the hash chain and reports the first broken link; "
        "`seal` chains new events."
    )

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
            self.stdout.write(_("Sealed %(count)d event(s).") % {"count": count})
            return
        if not options["no_seal"]:
            audit_seal()
        result = audit_verify()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        elif result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Audit chain intact: %(checked)d event(s) checked, %(unsealed)d not yet sealed.")
                    % {"checked": result.checked, "unsealed": result.unsealed}
                )
            )
        else:
            self.stdout.write(
                self.style.ERROR(
                    _(
                        "Audit chain BROKEN at seal %(seq)s (event #%(event)s): %(reason)s. "
                        "The %(checked)d link(s) before it are intact."
                    )
                    % {
                        "seq": result.broken_seq,
                        "event": result.broken_event_id,
                        "reason": result.reason,
                        "checked": result.checked,
                    }
                )
            )
        if not result.ok:
            raise CommandError(_("audit chain verification failed"), returncode=1)
