"""`massline demo`: load the demo county and what each app adds to it, then print the demo logins.

Every installed app may have a `demo` module with `load_demo(report)`; they run in INSTALLED_APPS order,
each in its own transaction, and must be idempotent (see massline/org/demo.py).
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _

from massline.org.demo import DemoReport


def demo_loaders():
    """(app label, load_demo) of every installed app that has a demo module, in INSTALLED_APPS order."""
    loaders = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            if hasattr(module, "load_demo"):
                loaders.append((config.label, module.load_demo))
    return loaders


class Command(BaseCommand):
    help = (
        "Load the demo county (regions, units, officials for every role, and each app's demo data). "
        "Safe to re-run. Prints the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load the demo even though DEBUG is off. Demo accounts share a published password: "
            "never do this on a production database.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                _(
                    "The demo creates accounts with a published password, so it runs only with DEBUG=true. "
                    "Use --allow-without-debug for a throw-away database."
                )
            )
        report = DemoReport()
        for _label, load in demo_loaders():
            with transaction.atomic():
                load(report)
        for line in report.notes:
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(_("Demo logins (every account uses the same password):"))
        )
        headers = (_("user name"), _("role"), _("unit or jurisdiction"), _("password"))
        rows = [(x.username, x.role, x.scope, x.password) for x in report.logins]
        widths = [max(_width(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
        for row in [headers, *rows]:
            self.stdout.write(
                "  ".join(_pad(str(cell), width) for cell, width in zip(row, widths, strict=True))
            )


def _width(text):
    """Columns a string takes in a terminal: CJK characters are two columns wide."""
    return sum(2 if "\u2e80" <= ch <= "\ufe4f" or "\uff00" <= ch <= "\uff60" else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))
