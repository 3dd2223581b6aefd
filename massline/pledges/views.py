"""Public pages of the practical projects: the programme (phases, nominations, candidates, results,
progress), the mobile-first nomination form, the ballot, a project and its updates, the rating, the report."""

from functools import wraps

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from massline.audit.middleware import client_ip
from massline.lib.errors import DomainError
from massline.lib.forms import bound_data
from massline.lib.ratelimit import count_hit

from . import conf, exports, selectors, services
from .choices import CYCLE, BallotKind, NominationStatus, Phase
from .forms import NominationForm, RatingForm
from .models import Update


def rate_limited(view):
    """Refuse (429) a public write once this address has made too many of them this hour."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = f"pledges:write:{client_ip(request) or 'unknown'}"
        if request.method == "POST" and count_hit(key, window=3600) > conf.write_rate():
            return render(request, "pledges/rate_limited.html", status=429)
        return view(request, *args, **kwargs)

    return wrapper


def programme_list(request):
    return render(request, "pledges/list.html", {"programmes": selectors.programmes_public()})


def programme_current(request):
    """The home page's "vote on the year's practical projects": the latest programme, or the list."""
    programme = selectors.programme_current()
    if programme is None:
        return redirect("pledges:list")
    return redirect("pledges:detail", pk=programme.pk)


def _detail_context(request, programme, **extra):
    phase_index = (
        CYCLE.index(programme.phase)
        if programme.phase in CYCLE
        else (len(CYCLE) if programme.phase == Phase.CLOSED else -1)
    )
    windows = [
        {"window": w, "state": "done" if i < phase_index else "now" if i == phase_index else "later"}
        for i, w in enumerate(sorted(programme.windows.all(), key=lambda w: CYCLE.index(w.phase)))
    ]
    nominations = list(selectors.nominations_public(programme=programme))
    voted = request.user.is_authenticated and programme.ballots.filter(user=request.user).exists()
    context = {
        "programme": programme,
        "windows": windows,
        "nominations": nominations,
        "candidates": [n for n in nominations if n.status == NominationStatus.CANDIDATE],
        "rejected": [n for n in nominations if n.status == NominationStatus.REJECTED],
        "result": selectors.results(programme=programme),
        "projects": selectors.projects_with_progress(programme=programme),
        "voted": voted,
        "budget_ballot": programme.ballot_kind == BallotKind.BUDGET,
        "phases": Phase,
    }
    context.update(extra)
    return context


def programme_detail(request, pk):
    programme = selectors.programme_get_public(pk=pk)
    return render(request, "pledges/detail.html", _detail_context(request, programme))


@rate_limited
def nominate(request, pk):
    """The nomination form, beside each theme what the people asked for most this year."""
    programme = selectors.programme_get_public(pk=pk)
    form = NominationForm(*bound_data(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                nominator = services.nomination_submit(
                    programme=programme,
                    theme=data["theme"],
                    title=data["title"],
                    description=data["description"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: your nomination is no. %(n)d. Keep your tracking code %(code)s: "
                        "with it you can rate the projects at the year's end."
                    )
                    % {"n": nominator.nomination.number, "code": nominator.tracking_code},
                )
                return redirect(reverse("pledges:detail", args=[pk]) + "#nominations")
        status = 400
    context = {
        "programme": programme,
        "form": form,
        "demands": selectors.demands_by_theme(programme=programme),
        "open": programme.phase == Phase.NOMINATION,
    }
    return render(request, "pledges/nominate.html", context, status=status)


@require_POST
@rate_limited
def vote(request, pk):
    programme = selectors.programme_get_public(pk=pk)
    chosen = [int(v) for v in request.POST.getlist("candidate") if v.isdigit()]
    try:
        services.ballot_cast(programme=programme, by=request.user, nominations=chosen)
    except DomainError as exc:
        context = _detail_context(request, programme, vote_error=exc.message, ticked=chosen)
        return render(request, "pledges/detail.html", context, status=400)
    messages.success(request, _("Thank you: your ballot is counted."))
    return redirect(reverse("pledges:detail", args=[pk]) + "#vote")


def project_detail(request, pk, *, form=None, status=200):
    project = selectors.project_get_public(pk=pk)
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
        "updates": project.updates.all(),
        "milestones": project.milestones.all(),
        "rating_form": form or RatingForm(),
        "rating_open": project.programme.phase == Phase.RATING and not project.parent_id,
        "following": request.user.is_authenticated and project.followers.filter(user=request.user).exists(),
    }
    return render(request, "pledges/project.html", context, status=status)


@require_POST
@rate_limited
def follow(request, pk):
    project = selectors.project_get_public(pk=pk)
    try:
        services.project_follow(project=project, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return project_detail(request, pk, status=exc.status)
    messages.success(request, _("You follow this project: we e-mail you each of its updates."))
    return redirect("pledges:project", pk=pk)


@require_POST
@rate_limited
def rate(request, pk):
    project = selectors.project_get_public(pk=pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        form.add_error(None, _("Choose satisfied, basically satisfied or unsatisfied."))
        return project_detail(request, pk, form=form, status=400)
    try:
        services.rating_cast(
            project=project,
            satisfaction=form.cleaned_data["satisfaction"],
            by=request.user,
            tracking_code=form.cleaned_data["tracking_code"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return project_detail(request, pk, form=form, status=400)
    messages.success(request, _("Thank you: your rating is counted."))
    return redirect("pledges:project", pk=pk)


def photo(request, pk, update_id):
    update = get_object_or_404(Update, project=selectors.project_get_public(pk=pk), pk=update_id)
    if not update.photo:
        raise Http404
    return FileResponse(update.photo.open("rb"))


def report(request, pk):
    programme = selectors.programme_get_public(pk=pk)
    rows = exports.report_rows(programme)
    return render(
        request, "pledges/report.html", {"programme": programme, "rows": rows, "totals": exports.totals(rows)}
    )


def report_pdf(request, pk):
    programme = selectors.programme_get_public(pk=pk)
    response = HttpResponse(exports.report_pdf(programme=programme), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pledges-{programme.year}-{pk}.pdf"'
    return response


def report_xlsx(request, pk):
    programme = selectors.programme_get_public(pk=pk)
    response = HttpResponse(
        exports.report_xlsx(programme=programme),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="pledges-{programme.year}-{pk}.xlsx"'
    return response
