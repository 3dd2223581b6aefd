"""Staff pages of consultations, for the responsible unit: create, publish, close, moderate, reply, answer,
publish the report. Officials outside the unit's scope get 404; read-only officials in scope get 403."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from massline.lib.errors import DomainError
from massline.lib.forms import bound_data
from massline.org.access import official_required
from massline.org.models import Unit
from massline.org.selectors import units_visible_to

from . import selectors, services
from .choices import ConsultationStatus, OpinionStatus, StatementStatus
from .forms import (
    AnswerForm,
    AnswerTemplateForm,
    AttachmentForm,
    BulkAnswerForm,
    CloseForm,
    ConsultationForm,
    ModerateForm,
    PollForm,
    PublishForm,
    ReplyForm,
    ReportForm,
    SectionForm,
    StatementForm,
)
from .models import AnswerTemplate, Opinion, Statement


def _managed(request, pk):
    """The consultation (404 if out of scope) and a 403 if the user may only read it."""
    consultation = selectors.consultation_get_for_staff(user=request.user, pk=pk)
    if not selectors.can_manage(request.user, consultation.unit):
        raise PermissionDenied(
            _("Only a handler or the head of the responsible unit may change this consultation.")
        )
    return consultation


def _manageable_units(user):
    return Unit.objects.filter(pk__in=[u.pk for u in units_visible_to(user) if selectors.can_manage(user, u)])


@official_required
def staff_list(request):
    consultations = selectors.consultations_for_staff(user=request.user)
    return render(
        request,
        "consultations/staff/list.html",
        {"consultations": consultations, "may_create": _manageable_units(request.user).exists()},
    )


@official_required
def staff_create(request):
    units = _manageable_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("Only a handler or a unit head may start a consultation."))
    form = ConsultationForm(*bound_data(request), units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_create(
                by=request.user,
                unit=data["unit"],
                title=data["title"],
                summary=data["summary"],
                participation=data["participation"],
                citizen_statements=data["citizen_statements"],
                min_open_days=data["min_open_days"],
                sections=[(data["section_title"], data["section_body"])],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Draft saved. Add sections and statements, then publish it."))
            return redirect("consultations_staff:detail", pk=consultation.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "consultations/staff/create.html", {"form": form}, status=status)


def _detail_context(request, consultation, **forms):
    sections = list(consultation.sections.all())
    context = {
        "consultation": consultation,
        "may_manage": selectors.can_manage(request.user, consultation.unit),
        "sections": sections,
        "opinions": selectors.opinions_for_staff(consultation=consultation),
        "statements": Statement.objects.filter(consultation=consultation).order_by("id"),
        "publish_form": PublishForm(
            prefix="publish",
            initial={"closes_at": timezone.localtime() + timedelta(days=consultation.min_open_days + 1)},
        ),
        "close_form": CloseForm(prefix="close"),
        "attachment_form": AttachmentForm(prefix="attachment"),
        "section_form": SectionForm(prefix="section"),
        "statement_form": StatementForm(prefix="statement"),
        "poll_form": PollForm(sections=sections, prefix="poll"),
        "report_form": ReportForm(prefix="report", initial={"decision": consultation.decision}),
        "statuses": OpinionStatus,
        "statement_statuses": StatementStatus,
        "unanswered": consultation.opinions.filter(status=OpinionStatus.VISIBLE, answer__isnull=True).count(),
        "pending_review": consultation.opinions.filter(status=OpinionStatus.PENDING_REVIEW).count(),
        "escalations": consultation.escalations.all(),
        "now": timezone.now(),
    }
    bound = forms.pop("opinion_forms", {})
    context.update(forms)
    # Each opinion gets its own moderation and reply forms (own prefix, so labels and ids stay unique).
    context["opinion_rows"] = [
        (
            opinion,
            bound.get(("moderate", opinion.pk)) or ModerateForm(prefix=f"moderate-{opinion.pk}"),
            bound.get(("reply", opinion.pk)) or ReplyForm(prefix=f"reply-{opinion.pk}"),
        )
        for opinion in context["opinions"]
    ]
    return context


@official_required
def staff_detail(request, pk):
    consultation = selectors.consultation_get_for_staff(user=request.user, pk=pk)
    return render(request, "consultations/staff/detail.html", _detail_context(request, consultation))


def _act(request, pk, form_class, form_name, action, success):
    """Validate `form_class`, call `action(consultation, cleaned_data)`; re-render with errors on failure."""
    consultation = _managed(request, pk)
    form = form_class(request.POST, prefix=form_name.removesuffix("_form"))
    if form.is_valid():
        try:
            action(consultation, form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            return redirect("consultations_staff:detail", pk=pk)
    context = _detail_context(request, consultation, **{form_name: form})
    return render(request, "consultations/staff/detail.html", context, status=400)


@official_required
@require_POST
def staff_publish(request, pk):
    def publish(consultation, data):
        services.consultation_publish(consultation=consultation, by=request.user, closes_at=data["closes_at"])

    return _act(
        request, pk, PublishForm, "publish_form", publish, _("The consultation is open for opinions.")
    )


@official_required
@require_POST
def staff_close(request, pk):
    def close(consultation, data):
        services.consultation_close(consultation=consultation, by=request.user, reason=data["reason"])

    return _act(
        request, pk, CloseForm, "close_form", close, _("The consultation is closed: answer every opinion.")
    )


@official_required
@require_POST
def staff_section_add(request, pk):
    def add(consultation, data):
        services.section_add(
            consultation=consultation, by=request.user, title=data["title"], body=data["body"]
        )

    return _act(request, pk, SectionForm, "section_form", add, _("Section added."))


@official_required
@require_POST
def staff_statement_add(request, pk):
    def add(consultation, data):
        services.statement_add(consultation=consultation, by=request.user, text=data["text"])

    return _act(request, pk, StatementForm, "statement_form", add, _("Statement added."))


@official_required
@require_POST
def staff_poll_add(request, pk):
    consultation = _managed(request, pk)
    sections = list(consultation.sections.all())
    form = PollForm(request.POST, sections=sections, prefix="poll")
    if form.is_valid():
        data = form.cleaned_data
        try:
            section = next((s for s in sections if s.pk == data["section"]), None)
            services.poll_create(
                section=section,
                by=request.user,
                question=data["question"],
                kind=data["kind"],
                options=data["options"].splitlines(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Poll added."))
            return redirect("consultations_staff:detail", pk=pk)
    return render(
        request,
        "consultations/staff/detail.html",
        _detail_context(request, consultation, poll_form=form),
        status=400,
    )


@official_required
@require_POST
def staff_statement_moderate(request, pk, statement_id):
    consultation = _managed(request, pk)
    statement = get_object_or_404(Statement, consultation=consultation, pk=statement_id)
    services.statement_moderate(
        statement=statement, by=request.user, accept=request.POST.get("accept") == "1"
    )
    messages.success(request, _("Statement moderated."))
    return redirect("consultations_staff:detail", pk=pk)


@official_required
@require_POST
def staff_opinion_moderate(request, pk, opinion_id):
    consultation = _managed(request, pk)
    opinion = get_object_or_404(Opinion, consultation=consultation, pk=opinion_id)
    form = ModerateForm(request.POST, prefix=f"moderate-{opinion.pk}")
    if form.is_valid():
        try:
            services.opinion_moderate(
                opinion=opinion,
                by=request.user,
                verdict=form.cleaned_data["verdict"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Moderation recorded."))
            return redirect("consultations_staff:detail", pk=pk)
    context = _detail_context(request, consultation, opinion_forms={("moderate", opinion.pk): form})
    return render(request, "consultations/staff/detail.html", context, status=400)


@official_required
@require_POST
def staff_reply(request, pk, opinion_id):
    consultation = _managed(request, pk)
    opinion = get_object_or_404(Opinion, consultation=consultation, pk=opinion_id)
    form = ReplyForm(request.POST, prefix=f"reply-{opinion.pk}")
    if form.is_valid():
        try:
            services.reply_post(opinion=opinion, by=request.user, body=form.cleaned_data["body"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Reply published."))
            return redirect("consultations_staff:detail", pk=pk)
    context = _detail_context(request, consultation, opinion_forms={("reply", opinion.pk): form})
    return render(request, "consultations/staff/detail.html", context, status=400)


def _answers_context(request, consultation, **forms):
    templates = AnswerTemplate.objects.filter(unit=consultation.unit)
    context = {
        "consultation": consultation,
        "opinions": selectors.opinions_for_staff(consultation=consultation),
        "statuses": OpinionStatus,
        "bulk_form": BulkAnswerForm(templates=templates, prefix="bulk"),
        "answer_form": AnswerForm(prefix="answer"),
        "template_form": AnswerTemplateForm(prefix="template"),
        "templates": templates,
        "report_form": ReportForm(prefix="report", initial={"decision": consultation.decision}),
        "unanswered": consultation.opinions.filter(status=OpinionStatus.VISIBLE, answer__isnull=True).count(),
        "selected": set(),
    }
    context.update(forms)
    return context


@official_required
def staff_answers(request, pk):
    consultation = _managed(request, pk)
    return render(request, "consultations/staff/answers.html", _answers_context(request, consultation))


def _selected_opinions(request, consultation):
    ids = [int(v) for v in request.POST.getlist("opinion") if v.isdigit()]
    return list(Opinion.objects.filter(consultation=consultation, pk__in=ids)), set(ids)


@official_required
@require_POST
def staff_answer(request, pk):
    consultation = _managed(request, pk)
    opinions, selected = _selected_opinions(request, consultation)
    form = AnswerForm(request.POST, prefix="answer")
    if form.is_valid():
        try:
            services.answer_set(
                consultation=consultation,
                opinions=opinions,
                by=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                topic=form.cleaned_data["topic"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Answer saved for %(n)d opinion(s).") % {"n": len(opinions)})
            return redirect("consultations_staff:answers", pk=pk)
    context = _answers_context(request, consultation, answer_form=form, selected=selected)
    return render(request, "consultations/staff/answers.html", context, status=400)


@official_required
@require_POST
def staff_answer_bulk(request, pk):
    consultation = _managed(request, pk)
    opinions, selected = _selected_opinions(request, consultation)
    form = BulkAnswerForm(
        request.POST, templates=AnswerTemplate.objects.filter(unit=consultation.unit), prefix="bulk"
    )
    if form.is_valid():
        try:
            services.answer_draft_bulk(
                consultation=consultation,
                opinions=opinions,
                by=request.user,
                template=form.cleaned_data["template"],
                merge=form.cleaned_data["merge"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Answers drafted for %(n)d opinion(s).") % {"n": len(opinions)})
            return redirect("consultations_staff:answers", pk=pk)
    context = _answers_context(request, consultation, bulk_form=form, selected=selected)
    return render(request, "consultations/staff/answers.html", context, status=400)


@official_required
@require_POST
def staff_template_add(request, pk):
    consultation = _managed(request, pk)
    form = AnswerTemplateForm(request.POST, prefix="template")
    if form.is_valid():
        try:
            services.answer_template_create(unit=consultation.unit, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Answer template saved."))
            return redirect("consultations_staff:answers", pk=pk)
    context = _answers_context(request, consultation, template_form=form)
    return render(request, "consultations/staff/answers.html", context, status=400)


@official_required
@require_POST
def staff_report_publish(request, pk):
    consultation = _managed(request, pk)
    form = ReportForm(request.POST, prefix="report")
    if form.is_valid():
        try:
            services.report_publish(
                consultation=consultation, by=request.user, decision=form.cleaned_data["decision"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The adoption report is published."))
            return redirect("consultations:report", pk=pk)
    context = _answers_context(request, consultation, report_form=form)
    return render(request, "consultations/staff/answers.html", context, status=400)


@official_required
@require_POST
def staff_groups_compute(request, pk):
    consultation = _managed(request, pk)
    if consultation.status == ConsultationStatus.DRAFT:
        messages.error(request, _("A draft has no votes to group yet."))
    else:
        services.groups_compute(consultation=consultation)
        messages.success(request, _("Opinion groups recomputed."))
    return redirect("consultations_staff:detail", pk=pk)


@official_required
@require_POST
def staff_attachment_add(request, pk):
    consultation = _managed(request, pk)
    form = AttachmentForm(request.POST, request.FILES, prefix="attachment")
    if form.is_valid():
        try:
            services.attachment_add(
                consultation=consultation,
                by=request.user,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Attachment added."))
            return redirect("consultations_staff:detail", pk=pk)
    context = _detail_context(request, consultation, attachment_form=form)
    return render(request, "consultations/staff/detail.html", context, status=400)
