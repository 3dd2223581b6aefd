"""Reads of the pledges app: public pages see published programmes; staff see their units' (404 otherwise).

`pledge_figures` is what appraisal reads: per owner unit, its projects' progress and the people's rating.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from massline.cases.masking import mask_public
from massline.cases.seams import FigureSource, UnitFigure
from massline.cases.selectors_public import demand_counts_by_category
from massline.org.choices import Role
from massline.org.models import Membership
from massline.org.selectors import user_scope

from . import conf
from .choices import NominationStatus, Phase, ProjectStatus, Satisfaction, Theme
from .models import Nomination, PhaseWindow, Programme, Project, Rating

MANAGER_ROLES = (Role.HANDLER, Role.UNIT_HEAD)


def can_manage(user, unit):
    """True if `user` is an administrator, or a handler / unit head of `unit` or of a unit above it."""
    scope = user_scope(user)
    if scope.everything:
        return True
    if unit is None or not scope.has_role(*MANAGER_ROLES):
        return False
    paths = Membership.objects.filter(user=user, role__in=MANAGER_ROLES, unit__is_active=True).values_list(
        "unit__path", flat=True
    )
    return any(unit.path.startswith(path) for path in paths)


def can_deliver(user, project):
    """The owner unit's staff and the organising unit's staff may post updates and milestones."""
    return can_manage(user, project.owner_unit) or can_manage(user, project.programme.unit)


# --- public -----------------------------------------------------------------------------------------


def programmes_public():
    return Programme.objects.exclude(phase=Phase.DRAFT).select_related("region", "unit")


def programme_current():
    """The programme of the latest year that is under way (for the home page's link), or None."""
    return programmes_public().order_by("-year", "id").first()


def programme_get_public(*, pk):
    programme = (
        Programme.objects.exclude(phase=Phase.DRAFT)
        .select_related("region", "unit")
        .prefetch_related(Prefetch("windows", queryset=PhaseWindow.objects.order_by("starts_on")))
        .filter(pk=pk)
        .first()
    )
    if programme is None:
        raise Http404
    return programme


def nominator_names(nomination):
    """The names on the citizen records of a nomination's nominators, for masking its texts."""
    return [
        n.user.citizen.name
        for n in nomination.nominators.all()
        if n.user_id and getattr(n.user, "citizen", None) is not None
    ]


def public_text(nomination, text):
    """A citizen's text as the public may read it: contacts, house numbers, the nominators' names hidden."""
    return mask_public(text, names=nominator_names(nomination))


def nominations_public(*, programme):
    """Every nomination but merged ones, with how many nominators each has (merged ones' included), and
    `public_title` / `public_description` masked."""
    nominations = list(
        Nomination.objects.filter(programme=programme)
        .exclude(status=NominationStatus.MERGED)
        .select_related("owner_unit")
        .prefetch_related("nominators__user__citizen")
        .annotate(
            nominator_count=Count("nominators", distinct=True),
            merged_count=Count("merged", distinct=True),
        )
        .order_by("number")
    )
    for n in nominations:
        n.public_title = public_text(n, n.title)
        n.public_description = public_text(n, n.description)
    return nominations


def candidates(*, programme):
    return (
        Nomination.objects.filter(programme=programme, status=NominationStatus.CANDIDATE)
        .select_related("owner_unit")
        .order_by("number")
    )


def _progress(project, children):
    kids = children.get(project.pk, [])
    if not kids:
        return Decimal(project.own_progress())
    total = sum((kid.weight for kid in kids), Decimal(0))
    if not total:
        return Decimal(project.own_progress())
    return sum((kid.weight * _progress(kid, children) for kid in kids), Decimal(0)) / total


def projects_with_progress(*, programme):
    """Top-level projects, each with `.progress` (a parent's from its weighted children), `.parts`,
    `.rating_counts` {satisfaction: count}, `.rated`, `.satisfied_share` (satisfied or basic, of rated)."""
    projects = list(
        Project.objects.filter(programme=programme)
        .select_related("owner_unit", "nomination")
        .prefetch_related("milestones")
        .order_by("id")
    )
    children = defaultdict(list)
    for project in projects:
        if project.parent_id:
            children[project.parent_id].append(project)
    counts = defaultdict(dict)
    for row in (
        Rating.objects.filter(project__programme=programme)
        .values("project", "satisfaction")
        .annotate(n=Count("id"))
    ):
        counts[row["project"]][row["satisfaction"]] = row["n"]
    top = []
    for project in projects:
        project.progress = round(_progress(project, children))
        project.parts = children.get(project.pk, [])
        for part in project.parts:
            part.progress = round(_progress(part, children))
        project.rating_counts = counts.get(project.pk, {})
        project.rated = sum(project.rating_counts.values())
        good = project.rating_counts.get(Satisfaction.SATISFIED, 0) + project.rating_counts.get(
            Satisfaction.BASIC, 0
        )
        project.satisfied_share = good / project.rated if project.rated else None
        if not project.parent_id:
            top.append(project)
    return top


def project_get_public(*, pk):
    project = (
        Project.objects.exclude(programme__phase=Phase.DRAFT)
        .select_related("programme", "owner_unit", "parent")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404
    return project


def results(*, programme):
    """The published result: every candidate with its counts and whether it was chosen, or None."""
    if programme.results_published_at is None:
        return None
    return programme.result


@dataclass
class ThemeDemands:
    theme: str
    label: str
    total: int = 0
    top: list = field(default_factory=list)  # [(category label, count)]


def demands_by_theme(*, programme):
    """What the people asked for most this year, per theme: demands counted by category through `cases`
    (received in the programme's year), each category placed in the theme whose keywords its name has."""
    rows = demand_counts_by_category(year=programme.year)
    keywords = conf.theme_keywords()
    themes = {value: ThemeDemands(value, label) for value, label in Theme.choices}
    for row in rows:
        names = " ".join(row["lineage"]).lower()
        theme = next(
            (t for t, words in keywords.items() if t in themes and any(w.lower() in names for w in words)),
            Theme.OTHER,
        )
        entry = themes[theme]
        entry.total += row["count"]
        entry.top.append((row["label"], row["count"]))
    limit = conf.demands_per_theme()
    for entry in themes.values():
        entry.top = sorted(entry.top, key=lambda item: -item[1])[:limit]
    return list(themes.values())


# --- staff ------------------------------------------------------------------------------------------


def programmes_for_staff(*, user):
    scope = user_scope(user)
    visible = Programme.objects.filter(scope.units_q("unit__")).values("pk")
    involved = Project.objects.filter(scope.units_q("owner_unit__")).values("programme")
    return Programme.objects.filter(Q(pk__in=visible) | Q(pk__in=involved)).select_related("unit", "region")


def programme_get_for_staff(*, user, pk):
    """The programme if `user` may see it on the workbench; 404 otherwise, so outsiders learn nothing."""
    found = programmes_for_staff(user=user).filter(pk=pk).values_list("pk", flat=True).first()
    if found is None:
        raise Http404
    return Programme.objects.select_related("unit", "region").prefetch_related("windows").get(pk=found)


def project_get_for_staff(*, user, pk):
    project = Project.objects.select_related("programme__unit", "owner_unit").filter(pk=pk).first()
    if project is None:
        raise Http404
    programme_get_for_staff(user=user, pk=project.programme_id)
    return project


# --- appraisal --------------------------------------------------------------------------------------


@dataclass
class UnitPledgeFigures:
    """One owner unit's pledges of a year: the figure appraisal carries into the unit's score."""

    unit: object
    projects: int
    done: int
    carried_over: int
    progress: float  # average progress of its projects, %
    rated: int
    satisfied: int  # satisfied or basically satisfied

    @property
    def satisfaction_share(self):
        return self.satisfied / self.rated if self.rated else None


def pledge_figures(*, year, region=None):
    """Per owner unit, the practical projects of `year` (top-level ones, in every programme of that year,
    or of programmes of `region` and below): how many, done, carried over, mean progress, and the
    people's year-end rating."""
    programmes = Programme.objects.filter(year=year)
    if region is not None:
        programmes = programmes.filter(region__path__startswith=region.path)
    by_unit = {}
    for programme in programmes:
        for project in projects_with_progress(programme=programme):
            entry = by_unit.setdefault(project.owner_unit_id, [project.owner_unit, []])
            entry[1].append(project)
    figures = []
    for unit, projects in sorted(by_unit.values(), key=lambda item: item[0].path):
        rated = sum(p.rated for p in projects)
        satisfied = sum(
            p.rating_counts.get(Satisfaction.SATISFIED, 0) + p.rating_counts.get(Satisfaction.BASIC, 0)
            for p in projects
        )
        figures.append(
            UnitPledgeFigures(
                unit=unit,
                projects=len(projects),
                done=sum(1 for p in projects if p.status == ProjectStatus.DONE),
                carried_over=sum(1 for p in projects if p.status == ProjectStatus.CARRIED_OVER),
                progress=sum(float(p.progress) for p in projects) / len(projects),
                rated=rated,
                satisfied=satisfied,
            )
        )
    return figures


def appraisal_figures(*, year):
    """`pledge_figures` as appraisal reads them through the seam: per owner unit, the ratings that are
    satisfied or basically satisfied of all its ratings, and its projects, delivered and carried over."""
    return [
        UnitFigure(
            unit_id=f.unit.pk,
            numerator=f.satisfied,
            denominator=f.rated,
            counts=(f.projects, f.done, f.carried_over),
        )
        for f in pledge_figures(year=year)
    ]


# What appraisal shows of the pledges (registered in PledgesConfig.ready()). Public: every rating is
# published on the programme's page already.
FIGURE_SOURCE = FigureSource(
    key="pledges",
    label=_("Practical projects rated by the people"),
    share_label=_("Satisfied or basically satisfied"),
    denominator_label=_("Ratings"),
    definition=_(
        "The people's year-end rating of the practical projects the unit owns in the year's programmes: "
        "the share of ratings that are satisfied or basically satisfied, with its 95 per cent interval, "
        "beside its projects, how many were delivered and how many were carried into next year."
    ),
    read=appraisal_figures,
    count_labels=(_("Projects"), _("Delivered"), _("Carried over")),
)
