"""Public pages of consultations: list, detail with opinions and one-at-a-time voting, groups, the report."""

import secrets
from functools import wraps

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from massline.audit.middleware import client_ip
from massline.lib.errors import DomainError
from massline.lib.ratelimit import count_hit

from . import conf, exports, selectors, services
from .choices import ConsultationStatus, OpinionStatus
from .forms import FlagForm, OpinionForm, StatementForm, VoteForm
from .models import Attachment, Opinion, Poll, Statement
from .opinion_map import opinion_map

SESSION_KEY = "consultations_participant_key"


def _over_limit(request, bucket, limit):
    """Count one public write by this client address in this hour; True once it passes `limit`."""
    return count_hit(f"consultations:{bucket}:{client_ip(request) or 'unknown'}", window=3600) > limit


def rate_limited(bucket):
    """Refuse (429) a public write once this address has made too many of them this hour."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            limit = conf.vote_rate() if bucket == "vote" else conf.write_rate()
            if request.method == "POST" and _over_limit(request, bucket, limit):
                return render(request, "consultations/rate_limited.html", status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _anonymous_key(request):
    """A random key in the visitor's session that stands for them as an anonymous participant."""
    key = request.session.get(SESSION_KEY)
    if not key:
        key = secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = key
    return key


def _participant(request, consultation, *, create):
    user = request.user if request.user.is_authenticated else None
    if not create:
        return selectors.participant_find(
            consultation=consultation, user=user, anonymous_key=request.session.get(SESSION_KEY, "")
        )
    return services.participant_get_or_create(
        consultation=consultation, user=user, anonymous_key="" if user else _anonymous_key(request)
    )


def consultation_list(request):
    consultations = selectors.consultations_public()
    return render(request, "consultations/list.html", {"consultations": consultations})


def _detail_context(request, consultation, *, opinion_form=None, flag_errors=None):
    participant = _participant(request, consultation, create=False)
    sections = list(consultation.sections.prefetch_related("polls__options"))
    now = timezone.now()
    return {
        "consultation": consultation,
        "sections": sections,
        "opinions": selectors.opinions_public(consultation=consultation),
        "is_open": consultation.is_open(now),
        "opinion_form": opinion_form or OpinionForm(sections=sections),
        "statement_form": StatementForm(),
        "flag_form": FlagForm(),
        "next_statement": selectors.next_statement(consultation=consultation, participant=participant)
        if consultation.is_open(now)
        else None,
        "groups": selectors.group_view(consultation=consultation),
        "preview": consultation.status == ConsultationStatus.DRAFT,
        "statuses": OpinionStatus,
        "answers_public": consultation.status == ConsultationStatus.ANSWERED,
    }


def _refused(request, consultation, message, *, status=400):
    """A participant's post was refused: the consultation's page again, the reason on top, a 4xx (not a
    redirect, so the refusal is the answer to the post itself)."""
    messages.error(request, message)
    return render(request, "consultations/detail.html", _detail_context(request, consultation), status=status)


def consultation_detail(request, pk):
    consultation = selectors.consultation_get_public(pk=pk, preview_token=request.GET.get("preview", ""))
    return render(request, "consultations/detail.html", _detail_context(request, consultation))


def _public_or_404(pk):
    return selectors.consultation_get_public(pk=pk)


@require_POST
@rate_limited("write")
def opinion_submit(request, pk):
    consultation = _public_or_404(pk)
    sections = list(consultation.sections.all())
    form = OpinionForm(request.POST, sections=sections)
    if form.is_valid():
        try:
            participant = _participant(request, consultation, create=True)
            section = next((s for s in sections if s.pk == form.cleaned_data["section"]), None)
            services.opinion_submit(
                consultation=consultation,
                participant=participant,
                body=form.cleaned_data["body"],
                section=section,
                passage=form.cleaned_data["passage"],
                latitude=form.cleaned_data["latitude"],
                longitude=form.cleaned_data["longitude"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you: your opinion is published below."))
            return redirect(reverse("consultations:detail", args=[pk]) + "#opinions")
    context = _detail_context(request, consultation, opinion_form=form)
    return render(request, "consultations/detail.html", context, status=400)


def _opinion_action(request, opinion_id, action):
    opinion = get_object_or_404(Opinion.objects.select_related("consultation"), pk=opinion_id)
    consultation = _public_or_404(opinion.consultation_id)
    try:
        participant = _participant(request, consultation, create=True)
        action(opinion, participant)
    except DomainError as exc:
        return _refused(request, consultation, exc.message, status=exc.status)
    return redirect(reverse("consultations:detail", args=[consultation.pk]) + f"#opinion-{opinion.pk}")


@require_POST
@rate_limited("write")
def opinion_like(request, opinion_id):
    def like(opinion, participant):
        services.opinion_like(opinion=opinion, participant=participant)
        messages.success(request, _("You like this opinion."))

    return _opinion_action(request, opinion_id, like)


@require_POST
@rate_limited("write")
def opinion_flag(request, opinion_id):
    def flag(opinion, participant):
        form = FlagForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Say why the opinion should be reviewed (up to 300 characters)."))
        services.opinion_flag(opinion=opinion, participant=participant, reason=form.cleaned_data["reason"])
        messages.success(request, _("Thank you: the moderators will review this opinion."))

    return _opinion_action(request, opinion_id, flag)


def _vote_block(request, consultation, *, error=""):
    participant = _participant(request, consultation, create=False)
    context = {
        "consultation": consultation,
        "next_statement": selectors.next_statement(consultation=consultation, participant=participant),
        "is_open": consultation.is_open(timezone.now()),
        "vote_error": error,
    }
    return render(request, "consultations/includes/vote.html", context, status=400 if error else 200)


@rate_limited("vote")
def vote(request, pk):
    """GET: the next statement; POST: cast a vote and show the next one (htmx swaps this block)."""
    consultation = _public_or_404(pk)
    if request.method != "POST":
        return _vote_block(request, consultation)
    form = VoteForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Choose agree, disagree or pass.")
    else:
        statement = Statement.objects.filter(
            consultation=consultation, pk=form.cleaned_data["statement"]
        ).first()
        try:
            if statement is None:
                raise DomainError(
                    _("That statement is not part of this consultation: vote on the one shown.")
                )
            participant = _participant(request, consultation, create=True)
            services.vote_cast(
                statement=statement, participant=participant, stance=form.cleaned_data["stance"]
            )
        except DomainError as exc:
            error = exc.message
    if request.headers.get("HX-Request"):
        return _vote_block(request, consultation, error=error)
    if error:
        return _refused(request, consultation, error)
    return redirect(reverse("consultations:detail", args=[pk]) + "#vote")


@require_POST
@rate_limited("write")
def statement_propose(request, pk):
    consultation = _public_or_404(pk)
    form = StatementForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Write the statement first: it cannot be empty."))
        participant = _participant(request, consultation, create=True)
        services.statement_add(
            consultation=consultation, participant=participant, text=form.cleaned_data["text"]
        )
    except DomainError as exc:
        return _refused(request, consultation, exc.message, status=exc.status)
    messages.success(request, _("Thank you: your statement is shown to others once a moderator accepts it."))
    return redirect(reverse("consultations:detail", args=[pk]) + "#vote")


@require_POST
@rate_limited("write")
def poll_answer(request, poll_id):
    poll = get_object_or_404(Poll.objects.select_related("section__consultation"), pk=poll_id)
    consultation = _public_or_404(poll.section.consultation_id)
    try:
        participant = _participant(request, consultation, create=True)
        options = [int(v) for v in request.POST.getlist("option") if v.isdigit()]
        services.poll_answer(poll=poll, participant=participant, options=options)
    except DomainError as exc:
        return _refused(request, consultation, exc.message, status=exc.status)
    messages.success(request, _("Thank you: your answer is counted."))
    return redirect(reverse("consultations:detail", args=[consultation.pk]) + f"#poll-{poll.pk}")


@require_POST
@rate_limited("write")
def follow(request, pk):
    consultation = _public_or_404(pk)
    try:
        services.consultation_follow(consultation=consultation, user=request.user)
    except DomainError as exc:
        return _refused(request, consultation, exc.message, status=exc.status)
    messages.success(
        request, _("You follow this consultation: we e-mail you when it changes and when the report is out.")
    )
    return redirect("consultations:detail", pk=pk)


def groups(request, pk):
    consultation = _public_or_404(pk)
    view = selectors.group_view(consultation=consultation)
    context = {"consultation": consultation, "groups": view, "map": opinion_map(view) if view else None}
    return render(request, "consultations/groups.html", context)


def _report_or_404(pk):
    consultation = _public_or_404(pk)
    if consultation.status != ConsultationStatus.ANSWERED:
        raise Http404
    return consultation


def report(request, pk):
    consultation = _report_or_404(pk)
    context = {
        "consultation": consultation,
        "rows": selectors.report_rows(consultation=consultation),
        "figures": exports.figures_rows(consultation),
        "groups": selectors.group_view(consultation=consultation),
    }
    return render(request, "consultations/report.html", context)


def report_pdf(request, pk):
    consultation = _report_or_404(pk)
    response = HttpResponse(exports.report_pdf(consultation=consultation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="consultation-{pk}-report.pdf"'
    return response


def report_xlsx(request, pk):
    consultation = _report_or_404(pk)
    response = HttpResponse(
        exports.report_xlsx(consultation=consultation),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="consultation-{pk}-report.xlsx"'
    return response


def attachment_download(request, pk, attachment_id):
    """An attachment, served through the consultation's visibility rule (drafts need the preview token)."""
    consultation = selectors.consultation_get_public(pk=pk, preview_token=request.GET.get("preview", ""))
    attachment = get_object_or_404(Attachment, consultation=consultation, pk=attachment_id)
    name = attachment.file.name.rsplit("/", 1)[-1]
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)
