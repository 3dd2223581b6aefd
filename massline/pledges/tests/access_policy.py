"""Who may use each URL of pledges (see massline/lib/access_policy.py): the public pages of a published
programme for everyone (the services, not the door, refuse a vote or a rating without a right to it);
the workbench by scope: unit A's handlers and head (and the administrator) run the programme and deliver
its projects, readers whose scope covers unit A only read (403 on writes), the others get 404."""

from massline.lib.access_policy import EVERYONE, OFFICIALS, Rule
from massline.lib.testing import sample_jpeg

# The organising unit (unit A) and owner unit of the sample's projects: they act.
MANAGERS = frozenset({"officer_a", "unit_head_a", "admin_user"})
# Whose scope covers unit A: they read the workbench (supervisor: township 1; inspector: the county).
READERS = MANAGERS | {"supervisor", "inspector"}


def _public(kwargs="programme", method="GET"):
    return Rule(EVERYONE, method=method, kwargs=kwargs)


def _manage(kwargs="programme"):
    return Rule(MANAGERS, method="POST", kwargs=kwargs)


RULES = {
    "pledges:list": Rule(EVERYONE),
    "pledges:current": Rule(EVERYONE, note="redirects to the latest programme"),
    "pledges:detail": _public(),
    "pledges:nominate": _public(),
    "pledges:vote": _public(method="POST"),
    "pledges:report": _public(),
    "pledges:report_pdf": _public(),
    "pledges:report_xlsx": _public(),
    "pledges:project": _public("project"),
    "pledges:follow": _public("project", method="POST"),
    "pledges:rate": _public("project", method="POST"),
    "pledges:photo": _public("photo"),
    "pledges_staff:list": Rule(OFFICIALS),
    # A programme is started by a handler or a unit head (for a unit of theirs), or the administrator.
    "pledges_staff:create": Rule(frozenset({"officer_a", "officer_b", "unit_head_a", "admin_user"})),
    "pledges_staff:detail": Rule(READERS, kwargs="programme"),
    # On a programme of its own, so that the matrix's advancing leaves the sample's phase alone.
    "pledges_staff:advance": _manage("programme_draft"),
    "pledges_staff:nominate": _manage(),
    "pledges_staff:merge": _manage(),
    "pledges_staff:screen": _manage("nomination"),
    "pledges_staff:deputies": _manage(),
    "pledges_staff:paper": _manage(),
    "pledges_staff:override": _manage("nomination"),
    "pledges_staff:publish": _manage(),
    "pledges_staff:project": Rule(READERS, kwargs="project"),
    "pledges_staff:update": _manage("project"),
    "pledges_staff:milestone": _manage("project"),
    "pledges_staff:milestone_done": _manage("milestone"),
    "pledges_staff:part": _manage("project"),
    "pledges_staff:carry": _manage("project"),
}


def samples(world):
    from datetime import date
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from massline.org import services as org_services
    from massline.pledges import services
    from massline.pledges.choices import Feasibility, Phase, ProjectStatus, Theme
    from massline.pledges.models import Project

    org, officer_a = world.org, world.users["officer_a"]
    year = timezone.localdate().year
    windows = {
        Phase.NOMINATION: (date(year, 1, 5), date(year, 1, 31)),
        Phase.SCREENING: (date(year, 2, 1), date(year, 2, 28)),
        Phase.VOTE: (date(year, 3, 1), date(year, 3, 20)),
        Phase.DELIVERY: (date(year, 3, 21), date(year, 12, 15)),
        Phase.RATING: (date(year, 12, 16), date(year, 12, 31)),
    }

    def programme_create(title, region):
        return services.programme_create(
            by=officer_a,
            region=region,
            unit=org.unit_a,
            year=year,
            title=title,
            budget=Decimal("1000000"),
            windows=windows,
            max_choices=3,
        )

    def advance_to(programme, phase):
        while programme.phase != phase:
            services.phase_advance(programme=programme, by=officer_a)

    user = org_services.user_create(username="pledges_resident", password="Persona-Lantern-2048", by=None)
    resident = org_services.citizen_create(name="居民甲", phone="13900009999", user=user, by=None)
    org_services.citizen_verify_residence(citizen=resident, residence=org.village_1, by=officer_a)
    user.refresh_from_db()

    programme = programme_create("Practical projects of the year", org.county)
    advance_to(programme, Phase.NOMINATION)
    nomination = services.nomination_submit(
        programme=programme,
        theme=Theme.WATER,
        title="Tap water for village two",
        description="Lay the water mains.",
        by=user,
    ).nomination
    advance_to(programme, Phase.SCREENING)
    services.nomination_screen(
        nomination=nomination,
        by=officer_a,
        accept=True,
        feasibility=Feasibility.FEASIBLE,
        cost=400000,
        owner_unit=org.unit_a,
    )
    advance_to(programme, Phase.VOTE)
    services.ballot_cast(programme=programme, by=user, nominations=[nomination.pk])
    services.results_publish(programme=programme, by=officer_a)
    advance_to(programme, Phase.DELIVERY)
    project = Project.objects.get(programme=programme, parent=None)
    photo = SimpleUploadedFile("site.jpg", sample_jpeg(), content_type="image/jpeg")
    update = services.update_post(
        project=project, by=officer_a, text="Works started", status=ProjectStatus.UNDER_WAY, photo=photo
    )
    milestone = services.milestone_add(
        project=project, by=officer_a, title="Mains laid", due_on=timezone.localdate()
    )
    draft = programme_create("Practical projects of township one", org.township_1)
    return {
        "programme": {"pk": programme.pk},
        "programme_draft": {"pk": draft.pk},
        "nomination": {"pk": programme.pk, "nomination_id": nomination.pk},
        "project": {"pk": project.pk},
        "photo": {"pk": project.pk, "update_id": update.pk},
        "milestone": {"pk": project.pk, "milestone_id": milestone.pk},
    }
