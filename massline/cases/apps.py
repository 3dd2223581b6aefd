from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Seconds between two runs of the demands' clock and between two looks at whether the digest is due.
CLOCK_INTERVAL = 30
DIGEST_INTERVAL = 600


class CasesConfig(AppConfig):
    name = "massline.cases"
    label = "cases"
    verbose_name = _("Demands")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from massline.deadlines import listeners
        from massline.lib import worker
        from massline.org.models import Region

        from . import routing_seam, seams
        from .services import clock, intake

        # Intake keeps the places (townships, villages, grids) in memory for a minute; a saved or deleted
        # region is seen at once in this process.
        post_save.connect(intake.region_places_forget, sender=Region, dispatch_uid="cases.region_places")
        post_delete.connect(
            intake.region_places_forget, sender=Region, dispatch_uid="cases.region_places_del"
        )

        # Every new demand is shown to routing once stored (auto-dispatch), whatever channel created it.
        seams.demand_received_register(routing_seam.demand_received)

        # Due times kept on demands follow every change of the working calendar (a holiday notice).
        listeners.register("cases", clock.cases_follow_calendar)
        worker.register("cases.clock", interval=CLOCK_INTERVAL, run=lambda: clock.clock_tick())
        worker.register("cases.digest", interval=DIGEST_INTERVAL, run=lambda: clock.digest_send())
