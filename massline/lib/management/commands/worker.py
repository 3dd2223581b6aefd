"""`massline worker`: run the periodic jobs that apps register (massline.lib.worker) until stopped."""

import signal
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from massline.lib import worker


class Command(BaseCommand):
    help = "Run background jobs (audit sealing, and the jobs later modules register) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")
        parser.add_argument("--tick", type=float, default=0.5, help="Seconds between checks for due jobs.")

    def handle(self, *args, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        names = ", ".join(sorted(worker.jobs())) or "-"
        self.stdout.write(_("Worker started with jobs: %(names)s") % {"names": names})
        while not stopping:
            for name, result in worker.run_due().items():
                if result:
                    self.stdout.write(f"{name}: {result}")
            if options["once"]:
                break
            time.sleep(options["tick"])
        self.stdout.write(_("Worker stopped."))
