"""`massline privacy purge [--dry-run]`: erase citizens' contact data past its retention period."""

from django.conf import settings
from django.core.management.base import BaseCommand

from massline.cases.services.privacy import contacts_purge


class Command(BaseCommand):
    help = "Personal data: `purge` erases the contact data of citizens whose demands all closed long ago."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="Erase contact data past MASSLINE_CONTACT_RETENTION_DAYS.")
        purge.add_argument("--dry-run", action="store_true", help="Only count the citizens concerned.")

    def handle(self, *args, **options):
        count = contacts_purge(dry_run=options["dry_run"])
        days = settings.MASSLINE_CONTACT_RETENTION_DAYS
        verb = "would erase" if options["dry_run"] else "erased"
        self.stdout.write(
            f"{verb} the contact data of {count} citizen(s) (retention {days} days after closing)"
        )
