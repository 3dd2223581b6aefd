"""`massline worker`: run the periodic jobs and the drains (the task queue) that apps register
(massline.lib.worker) until stopped."""

import signal
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from massline.lib import worker


class Command(BaseCommand):
    help = "Run background jobs (audit sealing, clocks, the task queue: messages…) until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run every job once, work off the task queue, and exit."
        )
        parser.add_argument("--tick", type=float, default=0.5, help="Seconds between checks for due jobs.")
        parser.add_argument(
            "--batch", type=int, default=50, help="Tasks run between two looks at the periodic jobs."
        )

    def handle(self, *args, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
        names = ", ".join(sorted([*worker.jobs(), *worker.drains()])) or "-"
        self.stdout.write(_("Worker started with jobs: %(names)s") % {"names": names})
        while not stopping:
            for name, result in worker.run_due().items():
                if result:
                    self.stdout.write(f"{name}: {result}")
            busy = True
            while busy and not stopping:
                handled = worker.run_drains(options["batch"])
                for name, count in handled.items():
                    if count:
                        self.stdout.write(f"{name}: {count}")
                # A full batch means more may wait: --once works the queue off, a long run goes back to
                # the periodic jobs first.
                busy = options["once"] and any(count >= options["batch"] for count in handled.values())
            if options["once"]:
                break
            if not any(handled.values()):
                time.sleep(options["tick"])
        self.stdout.write(_("Worker stopped."))
