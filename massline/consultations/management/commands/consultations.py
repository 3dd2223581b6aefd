"""`massline consultations import-polis DIR [--json]` and `massline consultations groups ID [--json]`."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError

from ...models import Consultation
from ...polis import polis_groups_export, polis_import
from ...services import groups_compute


class Command(BaseCommand):
    help = (
        "Consultations: `import-polis DIR` loads a Pol.is open-data export as a closed consultation; "
        "`groups ID` computes and prints its opinion groups."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-polis", help="Import a Pol.is export folder (comments.csv + votes).")
        imp.add_argument("directory")
        imp.add_argument("--unit", default="", help="Code of the responsible unit (default: polis-import).")
        imp.add_argument("--json", action="store_true", help='Print {"id": …}.')
        groups = sub.add_parser("groups", help="Compute the opinion groups of a consultation and print them.")
        groups.add_argument("id", type=int)
        groups.add_argument(
            "--json", action="store_true", help="Print groups and each participant's group as JSON."
        )

    def handle(self, *args, **options):
        try:
            if options["action"] == "import-polis":
                consultation = polis_import(directory=options["directory"], unit_code=options["unit"])
                if options["json"]:
                    self.stdout.write(json.dumps({"id": consultation.pk}))
                else:
                    self.stdout.write(str(consultation.pk))
                return
            consultation = Consultation.objects.filter(pk=options["id"]).first()
            if consultation is None:
                raise CommandError(_("There is no consultation %(id)s.") % {"id": options["id"]})
            groups_compute(consultation=consultation)
            export = polis_groups_export(consultation=consultation)
            if options["json"]:
                # Exactly the documented shape: groups, and each participant's group by Pol.is id.
                shape = {"groups": export["groups"], "participants": export["participants"]}
                self.stdout.write(json.dumps(shape, ensure_ascii=False))
                return
            self.stdout.write(
                _("%(n)d participant(s) in %(k)d group(s), computed in %(s).2f s.")
                % {"n": len(export["participants"]), "k": len(export["groups"]), "s": export["seconds"]}
            )
            for group in export["groups"]:
                self.stdout.write(
                    _("Group %(g)d: %(size)d participant(s)")
                    % {"g": group["group"] + 1, "size": group["size"]}
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
