"""Staff pages of the practical projects: the organising unit runs the year (phases, screening, the vote,
results); owner units deliver (updates, milestones, parts, carrying over). Officials outside the scope get
404; officials in scope who may only read get 403 on writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from massline.lib.errors import DomainError
from massline.lib.forms import bound_data
from massline.org.access import official_required
from massline.org.models import Region, Unit
from massline.org.selectors import regions_visible_to, units_visible_to

from . import selectors, services
from .choices import NominationStatus, Phase
from .forms import (
    CarryForm,
    DeputySessionForm,
    MilestoneForm,
    OverrideForm,
    PaperBallotForm,
    PartForm,
    ProgrammeForm,
    ScreenForm,
    StaffNominationForm,
    UpdateForm,
)
from .models import Milestone, Nomination


def _manageable_units(user):
    return Unit.objects.filter(pk__in=[u.pk for u in units_visible_to(user) if selectors.can_manage(user, u)])


def _managed(request, pk):
    programme = selectors.programme_get_for_staff(user=request.user, pk=pk)
    if not selectors.can_manage(request.user, programme.unit):
        raise PermissionDenied(
            _("Only a handler or the head of the organising unit may change this programme.")
        )
    return programme


def _delivered(request, pk):
    project = selectors.project_get_for_staff(user=request.user, pk=pk)
    if not selectors.can_deliver(request.user, project):
        raise PermissionDenied(
            _("Only the owner unit's or the organising unit's handlers and heads may do this.")
        )
    return project


def _done(request, exc, ok, target):
    if exc is not None:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect(target)


@official_required
def staff_list(request):
    return render(
        request,
        "pledges/staff/list.html",
        {
            "programmes": selectors.programmes_for_staff(user=request.user),
            "may_create": _manageable_units(request.user).exists(),
        },
    )


@official_required
def staff_create(request):
    units = _manageable_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("Only a handler or a unit head may start a programme."))
    regions = regions_visible_to(request.user) if not request.user.is_superuser else Region.objects.all()
    form = ProgrammeForm(*bound_data(request), units=units, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(
                by=request.user,
                region=data["region"],
                unit=data["unit"],
                year=data["year"],
                title=data["title"],
                budget=data["budget"],
                windows=form.windows(),
                decider=data["decider"],
                public_vote=data["public_vote"],
                ballot_kind=data["ballot_kind"],
                max_choices=data["max_choices"],
                method=data["method"],
                verified_only=data["verified_only"],
                summary=data["summary"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Programme saved. Its phases open on their dates, or when you open them.")
            )
            return redirect("pledges_staff:detail", pk=programme.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "pledges/staff/create.html", {"form": form}, status=status)


def _detail_context(request, programme, **forms):
    nominations = list(
        Nomination.objects.filter(programme=programme)
        .select_related("owner_unit")
        .prefetch_related("nominators")
        .order_by("number")
    )
    units = Unit.objects.filter(is_active=True).order_by("path")
    for n in nominations:
        n.screen_form = ScreenForm(
            prefix=f"screen-{n.pk}",
            units=units,
            initial={
                "cost": n.cost,
                "owner_unit": n.owner_unit_id,
                "feasibility": n.feasibility,
                "note": n.screening_note,
            },
        )
        n.override_form = OverrideForm(prefix=f"override-{n.pk}")
    candidates = [n for n in nominations if n.status == NominationStatus.CANDIDATE]
    context = {
        "programme": programme,
        "may_manage": selectors.can_manage(request.user, programme.unit),
        "nominations": nominations,
        "candidates": candidates,
        "windows": programme.windows.all(),
        "nomination_form": StaffNominationForm(prefix="nominate"),
        "deputy_form": DeputySessionForm(prefix="deputies"),
        "paper_form": PaperBallotForm(prefix="paper"),
        "preview": services.results_compute(programme=programme)
        if programme.phase == Phase.VOTE and candidates
        else None,
        "result": programme.result if programme.results_published_at else None,
        "projects": selectors.projects_with_progress(programme=programme),
        "phases": Phase,
        "statuses": NominationStatus,
    }
    context.update(forms)
    return context


@official_required
def staff_detail(request, pk):
    programme = selectors.programme_get_for_staff(user=request.user, pk=pk)
    return render(request, "pledges/staff/detail.html", _detail_context(request, programme))


@official_required
@require_POST
def staff_advance(request, pk):
    programme = _managed(request, pk)
    try:
        services.phase_advance(programme=programme, by=request.user)
    except DomainError as exc:
        return _done(request, exc, "", reverse("pledges_staff:detail", args=[pk]))
    return _done(
        request,
        None,
        _("The %(phase)s phase is open.") % {"phase": programme.get_phase_display()},
        reverse("pledges_staff:detail", args=[pk]),
    )


@official_required
@require_POST
def staff_nominate(request, pk):
    programme = _managed(request, pk)
    form = StaffNominationForm(request.POST, prefix="nominate")
    error = None
    if not form.is_valid():
        error = DomainError(_("Fill in the title and the description of the nomination."))
    else:
        data = form.cleaned_data
        try:
            services.nomination_submit(
                programme=programme,
                theme=data["theme"],
                title=data["title"],
                description=data["description"],
                by=request.user,
                kind=data["kind"],
                deputy_name=data["deputy_name"],
            )
        except DomainError as exc:
            error = exc
    return _done(
        request, error, _("Nomination recorded."), reverse("pledges_staff:detail", args=[pk]) + "#nominations"
    )


@official_required
@require_POST
def staff_merge(request, pk):
    programme = _managed(request, pk)
    ids = [int(v) for v in request.POST.getlist("merge") if v.isdigit()]
    target_id = request.POST.get("target", "")
    target = Nomination.objects.filter(
        programme=programme, pk=int(target_id) if target_id.isdigit() else 0
    ).first()
    error = None
    try:
        if target is None:
            raise DomainError(_("Choose the nomination the others are merged into."))
        services.nominations_merge(
            target=target,
            sources=list(Nomination.objects.filter(programme=programme, pk__in=ids)),
            by=request.user,
        )
    except DomainError as exc:
        error = exc
    return _done(
        request,
        error,
        _("Nominations merged: every nominator is kept."),
        reverse("pledges_staff:detail", args=[pk]) + "#nominations",
    )


@official_required
@require_POST
def staff_screen(request, pk, nomination_id):
    programme = selectors.programme_get_for_staff(user=request.user, pk=pk)
    nomination = get_object_or_404(Nomination, programme=programme, pk=nomination_id)
    # The organising unit screens (or the owner unit already named): readers in scope get 403 up front,
    # not a form error; the service checks again against the owner unit the form names.
    if not (
        selectors.can_manage(request.user, programme.unit)
        or (nomination.owner_unit is not None and selectors.can_manage(request.user, nomination.owner_unit))
    ):
        raise PermissionDenied(
            _("Only a handler or the head of the organising unit may change this programme.")
        )
    form = ScreenForm(
        request.POST, prefix=f"screen-{nomination.pk}", units=Unit.objects.filter(is_active=True)
    )
    error = None
    if not form.is_valid():
        error = DomainError(_("Check the screening form: the cost is a number of yuan."))
    else:
        data = form.cleaned_data
        try:
            services.nomination_screen(
                nomination=nomination,
                by=request.user,
                accept=data["decision"] == "accept",
                feasibility=data["feasibility"],
                cost=data["cost"],
                owner_unit=data["owner_unit"],
                note=data["note"],
                reason=data["reason"],
            )
        except DomainError as exc:
            error = exc
    return _done(
        request,
        error,
        _("Screening recorded."),
        reverse("pledges_staff:detail", args=[pk]) + f"#nomination-{nomination_id}",
    )


@official_required
@require_POST
def staff_deputies(request, pk):
    programme = _managed(request, pk)
    form = DeputySessionForm(request.POST, prefix="deputies")
    error = None
    if not form.is_valid():
        error = DomainError(_("Give the session's date, the deputies present and the record."))
    else:
        counts = {}
        for n in programme.nominations.filter(status=NominationStatus.CANDIDATE):
            values = [request.POST.get(f"{key}-{n.pk}", "") for key in ("for", "against", "abstain")]
            counts[n.pk] = tuple(int(v) if v.strip().isdigit() else -1 for v in values)
        try:
            services.deputy_vote_record(
                programme=programme,
                by=request.user,
                held_on=form.cleaned_data["held_on"],
                present=form.cleaned_data["present"],
                record=form.cleaned_data["record"],
                counts=counts,
            )
        except DomainError as exc:
            error = exc
    return _done(
        request,
        error,
        _("The deputies' vote is recorded."),
        reverse("pledges_staff:detail", args=[pk]) + "#vote",
    )


@official_required
@require_POST
def staff_paper(request, pk):
    programme = _managed(request, pk)
    form = PaperBallotForm(request.POST, prefix="paper")
    error = None
    if not form.is_valid():
        error = DomainError(_("Give how many identical paper ballots (1 or more)."))
    else:
        chosen = [int(v) for v in request.POST.getlist("candidate") if v.isdigit()]
        try:
            services.paper_ballots_enter(
                programme=programme,
                by=request.user,
                nominations=chosen,
                copies=form.cleaned_data["copies"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            error = exc
    return _done(
        request,
        error,
        _("Paper ballots entered and merged into the count."),
        reverse("pledges_staff:detail", args=[pk]) + "#vote",
    )


@official_required
@require_POST
def staff_override(request, pk, nomination_id):
    programme = _managed(request, pk)
    nomination = get_object_or_404(Nomination, programme=programme, pk=nomination_id)
    form = OverrideForm(request.POST, prefix=f"override-{nomination.pk}")
    error = None
    if not form.is_valid():
        error = DomainError(_("Choose whether the candidate is chosen or not."))
    else:
        try:
            services.override_set(
                nomination=nomination,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DomainError as exc:
            error = exc
    return _done(
        request,
        error,
        _("Override recorded with its reason."),
        reverse("pledges_staff:detail", args=[pk]) + "#vote",
    )


@official_required
@require_POST
def staff_publish(request, pk):
    programme = _managed(request, pk)
    error = None
    try:
        services.results_publish(programme=programme, by=request.user)
    except DomainError as exc:
        error = exc
    return _done(
        request,
        error,
        _("Results published: the chosen projects are in delivery."),
        reverse("pledges_staff:detail", args=[pk]) + "#results",
    )


@official_required
def staff_project(request, pk):
    project = selectors.project_get_for_staff(user=request.user, pk=pk)
    top = next(
        (
            p
            for p in selectors.projects_with_progress(programme=project.programme)
            if p.pk == (project.parent_id or project.pk)
        ),
        None,
    )
    context = {
        "project": project,
        "figures": top,
        "may_deliver": selectors.can_deliver(request.user, project),
        "update_form": UpdateForm(prefix="update", initial={"status": project.status}),
        "milestone_form": MilestoneForm(prefix="milestone"),
        "part_form": PartForm(prefix="part"),
        "carry_form": CarryForm(prefix="carry"),
        "milestones": project.milestones.select_related("clock"),
        "updates": project.updates.all(),
    }
    return render(request, "pledges/staff/project.html", context)


def _project_action(request, pk, form_class, prefix, call, ok, *, files=False):
    project = _delivered(request, pk)
    form = form_class(request.POST, request.FILES if files else None, prefix=prefix)
    error = None
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        error = DomainError(first)
    else:
        try:
            call(project, form.cleaned_data)
        except DomainError as exc:
            error = exc
    return _done(request, error, ok, reverse("pledges_staff:project", args=[pk]))


@official_required
@require_POST
def staff_update(request, pk):
    def call(project, data):
        services.update_post(
            project=project,
            by=request.user,
            text=data["text"],
            status=data["status"],
            progress=data["progress"],
            spent=data["spent"],
            photo=data["photo"],
        )

    return _project_action(
        request, pk, UpdateForm, "update", call, _("Update published; followers are told."), files=True
    )


@official_required
@require_POST
def staff_milestone(request, pk):
    def call(project, data):
        services.milestone_add(project=project, by=request.user, title=data["title"], due_on=data["due_on"])

    return _project_action(request, pk, MilestoneForm, "milestone", call, _("Milestone added."))


@official_required
@require_POST
def staff_milestone_done(request, pk, milestone_id):
    project = _delivered(request, pk)
    milestone = get_object_or_404(Milestone, project=project, pk=milestone_id)
    error = None
    try:
        services.milestone_done(milestone=milestone, by=request.user)
    except DomainError as exc:
        error = exc
    return _done(request, error, _("Milestone marked done."), reverse("pledges_staff:project", args=[pk]))


@official_required
@require_POST
def staff_part(request, pk):
    def call(project, data):
        services.project_part_add(
            parent=project, by=request.user, title=data["title"], budget=data["budget"], weight=data["weight"]
        )

    return _project_action(
        request, pk, PartForm, "part", call, _("Part added: the project's progress is now its parts'.")
    )


@official_required
@require_POST
def staff_carry(request, pk):
    def call(project, data):
        services.project_carry_over(project=project, by=request.user, reason=data["reason"])

    return _project_action(request, pk, CarryForm, "carry", call, _("Project carried into next year."))
